package wire

import (
	"encoding/binary"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// Lower is strings.ToLower, quicker on what decoders lower-case most:
// text with no capital letter (hashes, GUIDs, enum values, host names
// written in lower case), which it returns as it is after looking at eight
// bytes at a time.
func Lower(s string) string {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	b := unsafe.Slice(unsafe.StringData(s), len(s)) // read only
	i := 0
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		// For ASCII bytes, adding 0x80-'A' sets the high bit from 'A'
		// up, adding 0x80-'Z'-1 from past 'Z'; no byte carries into the
		// next.
		if x&hi != 0 || (x+lo*(0x80-'A'))&^(x+lo*(0x80-'Z'-1))&hi != 0 {
			return strings.ToLower(s)
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c >= 0x80 || c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// TrimSpace is strings.TrimSpace, quicker on what decoders trim most:
// text that has no white space to trim, which it returns as it is after
// looking at its first and last bytes (the call is inlined). Unicode
// white space starts with a byte beyond ASCII, so a string that starts
// and ends with an ASCII byte above the space has none at either end.
func TrimSpace(s string) string {
	const n = utf8.RuneSelf - '!' // c-'!' < n: c is ASCII above the space
	if len(s) == 0 || max(s[0]-'!', s[len(s)-1]-'!') < n {
		return s
	}
	return strings.TrimSpace(s)
}
