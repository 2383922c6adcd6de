package wire

import (
	"encoding/binary"
	"strings"
	"unicode/utf8"
)

// Lower is strings.ToLower, quicker on what decoders lower-case most:
// text with no capital letter (hashes, GUIDs, enum values, host names
// written in lower case), which it returns as it is after looking at eight
// bytes at a time (four, or one, in what is shorter).
func Lower(s string) string {
	n := len(s)
	var marks uint64 // the high bit of a byte set: a capital or beyond ASCII
	switch {
	case n >= 8:
		for i := 0; i < n-8; i += 8 {
			x := word(s[i:])
			marks |= x | capitals(x)
		}
		x := word(s[n-8:]) // the last eight, past i
		marks |= x | capitals(x)
	case n >= 4:
		x := uint64(word4(s)) | uint64(word4(s[n-4:]))<<32
		marks = x | capitals(x)
	default:
		for i := range n {
			if c := s[i]; c >= utf8.RuneSelf || c >= 'A' && c <= 'Z' {
				marks = ascii
			}
		}
	}
	if marks&ascii == 0 {
		return s
	}
	return strings.ToLower(s)
}

// AppendLower appends s to dst as strings.ToLower writes it, eight bytes
// at a time: without making a string, a map index of
// string(AppendLower(buf[:0], s)) with a small array as buf does not
// allocate.
func AppendLower(dst []byte, s string) []byte {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := word(s[i:])
		if x&ascii != 0 {
			return append(dst[:len(dst)-i], strings.ToLower(s)...)
		}
		dst = binary.LittleEndian.AppendUint64(dst, x|capitals(x)>>2) // 0x80>>2 is 'a'-'A'
	}
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			return append(dst[:len(dst)-i], strings.ToLower(s)...)
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

const (
	ones  = 0x0101010101010101
	ascii = 0x8080808080808080 // the bits set in bytes beyond ASCII
)

// capitals has the high bit set in each byte of x, all ASCII, that is a
// capital letter: adding 0x80-'A' sets the high bit from 'A' up, adding
// 0x80-'Z'-1 from past 'Z'; no byte carries into the next. (When x is
// not all ASCII, what it gives does not matter: x's own high bits tell.)
func capitals(x uint64) uint64 {
	return (x + ones*(0x80-'A')) &^ (x + ones*(0x80-'Z'-1)) & ascii
}

// word4 reads four bytes of s, the first in the lowest byte.
func word4(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// TrimSpace is strings.TrimSpace, quicker on what decoders trim most:
// text that has no white space to trim, which it returns as it is after
// looking at its first and last bytes. (It is not inlined: the look and
// the call of strings.TrimSpace cost 87, over the inliner's 80.) Unicode
// white space starts with a byte beyond ASCII, so a string that starts
// and ends with an ASCII byte above the space has none at either end.
func TrimSpace(s string) string {
	const n = utf8.RuneSelf - '!' // c-'!' < n: c is ASCII above the space
	if len(s) == 0 || s[0]-'!' < n && s[len(s)-1]-'!' < n {
		return s
	}
	return strings.TrimSpace(s)
}
