package simulate

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// enc appends JSON to a byte slice. The writers build vendor records by
// hand with it: in a fixed member order, without reflection, and fast
// enough to write hundreds of thousands of alerts a second.
type enc struct {
	b     []byte
	comma bool   // the next member or element needs a comma
	stack []bool // comma state of the enclosing containers
	// nested: the JSON written is the text of a string member (text), so
	// its quotes and backslashes are escaped once more.
	nested bool
	tmp    []byte // a value quoted once, while nested
}

func (e *enc) reset() {
	e.b, e.comma, e.stack = e.b[:0], false, e.stack[:0]
}

func (e *enc) sep() {
	if e.comma {
		e.b = append(e.b, ',')
	}
	e.comma = true
}

// key writes a member name; names are the writers' own constants and
// need no escaping.
func (e *enc) key(k string) {
	e.sep()
	switch {
	case k == "":
	case e.nested:
		e.b = append(e.b, '\\', '"')
		e.b = append(e.b, k...)
		e.b = append(e.b, '\\', '"', ':')
	default:
		e.b = append(e.b, '"')
		e.b = append(e.b, k...)
		e.b = append(e.b, '"', ':')
	}
}

// quote writes a quote mark, escaped while nested.
func (e *enc) quote() {
	if e.nested {
		e.b = append(e.b, '\\')
	}
	e.b = append(e.b, '"')
}

// text opens member k, a string whose text is the JSON written until
// endText: the same bytes as rendering that JSON alone and writing it
// with strBytes, without the second pass.
func (e *enc) text(k string) {
	e.key(k)
	e.b = append(e.b, '"')
	e.stack = append(e.stack, e.comma)
	e.comma, e.nested = false, true
}

func (e *enc) endText() {
	e.b = append(e.b, '"')
	e.nested = false
	e.comma = e.stack[len(e.stack)-1]
	e.stack = e.stack[:len(e.stack)-1]
}

func (e *enc) open(k string, c byte) {
	e.key(k)
	e.b = append(e.b, c)
	e.stack = append(e.stack, e.comma)
	e.comma = false
}

func (e *enc) close(c byte) {
	e.b = append(e.b, c)
	e.comma = e.stack[len(e.stack)-1]
	e.stack = e.stack[:len(e.stack)-1]
}

// raw writes members already rendered as JSON (the writers' constants,
// or values escaped once and written many times), escaped once more
// while nested.
func (e *enc) raw(members string) {
	e.sep()
	if e.nested {
		e.b = appendEscaped(e.b, members)
		return
	}
	e.b = append(e.b, members...)
}

// obj opens an object as member k ("" for an array element or the top).
func (e *enc) obj(k string) { e.open(k, '{') }
func (e *enc) end()         { e.close('}') }
func (e *enc) arr(k string) { e.open(k, '[') }
func (e *enc) endArr()      { e.close(']') }

func (e *enc) str(k, v string) {
	e.key(k)
	if e.nested {
		e.tmp = appendQuoted(e.tmp[:0], v)
		e.b = appendEscaped(e.b, e.tmp)
		return
	}
	e.b = appendQuoted(e.b, v)
}

// cat writes the concatenation of parts as one string, without making
// it: the same bytes as str(k, strings.Join(parts, "")) for parts of
// valid UTF-8.
func (e *enc) cat(k string, parts ...string) {
	e.key(k)
	if e.nested {
		e.tmp = append(e.tmp[:0], '"')
		for _, p := range parts {
			e.tmp = appendEscaped(e.tmp, p)
		}
		e.tmp = append(e.tmp, '"')
		e.b = appendEscaped(e.b, e.tmp)
		return
	}
	e.b = append(e.b, '"')
	for _, p := range parts {
		e.b = appendEscaped(e.b, p)
	}
	e.b = append(e.b, '"')
}

// word writes member k with a value the writer spells itself (a
// status, a verdict): ASCII needing no escaping, copied as it is.
func (e *enc) word(k, v string) {
	if e.nested {
		e.str(k, v)
		return
	}
	e.key(k)
	e.b = append(e.b, '"')
	e.b = append(e.b, v...)
	e.b = append(e.b, '"')
}

// strOrNull writes null for "".
func (e *enc) strOrNull(k, v string) {
	if v == "" {
		e.null(k)
		return
	}
	e.str(k, v)
}

func (e *enc) null(k string) {
	e.key(k)
	e.b = append(e.b, "null"...)
}

func (e *enc) int(k string, v int64) {
	e.key(k)
	e.b = strconv.AppendInt(e.b, v, 10)
}

func (e *enc) bool(k string, v bool) {
	e.key(k)
	e.b = strconv.AppendBool(e.b, v)
}

// time writes t in the layout, or null when t is zero.
func (e *enc) time(k string, t time.Time, layout timeLayout) {
	if t.IsZero() {
		e.null(k)
		return
	}
	e.key(k)
	e.quote()
	e.b = appendTime(e.b, t, layout)
	e.quote()
}

// strs writes an array of strings.
func (e *enc) strs(k string, vs []string) {
	e.arr(k)
	for _, v := range vs {
		e.str("", v)
	}
	e.endArr()
}

// timeLayout is how an export writes times: fraction digits and zone.
type timeLayout struct {
	digits int    // fraction digits
	zone   string // "Z" or "+0000"
}

// Time layouts of the exports.
var (
	layoutMicrosoft = timeLayout{7, "Z"}     // Defender, Graph, Sentinel: 2026-01-05T10:40:43.3950000Z
	layoutMillis    = timeLayout{3, "Z"}     // Elastic, OCSF *_dt: 2026-01-05T10:40:43.395Z
	layoutWazuh     = timeLayout{3, "+0000"} // Wazuh: 2026-01-05T10:40:43.395+0000
)

// appendTime writes t in UTC as YYYY-MM-DDThh:mm:ss.fff… plus the zone;
// much faster than time.Time.AppendFormat, which matters at a million
// timestamps a second.
func appendTime(b []byte, t time.Time, l timeLayout) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	// Rendered in place, then appended at once.
	buf := [29]byte{4: '-', 7: '-', 10: 'T', 13: ':', 16: ':', 19: '.'}
	if y >= 0 && y <= 9999 {
		put2(buf[0:2], y/100)
		put2(buf[2:4], y%100)
	} else {
		appendDigits(buf[:0], y, 4)
	}
	put2(buf[5:7], int(mo))
	put2(buf[8:10], d)
	put2(buf[11:13], h)
	put2(buf[14:16], mi)
	put2(buf[17:19], s)
	n := 19
	if l.digits > 0 {
		frac := t.Nanosecond()
		for range 9 - l.digits {
			frac /= 10
		}
		n = 20 + l.digits
		for i := n - 1; i >= 20; i-- {
			buf[i] = byte('0' + frac%10)
			frac /= 10
		}
	}
	b = append(b, buf[:n]...)
	return append(b, l.zone...)
}

// pairs holds 00 to 99.
const pairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// put2 writes v, 0 to 99, as two digits.
func put2(b []byte, v int) {
	b[0], b[1] = pairs[2*v], pairs[2*v+1]
}

// appendDigits writes v with exactly n digits, zero-padded.
func appendDigits(b []byte, v, n int) []byte {
	var buf [9]byte
	for i := n - 1; i >= 0; i-- {
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return append(b, buf[:n]...)
}

// plain marks the bytes a JSON string holds as they are.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendQuoted appends s as a JSON string: runs of plain bytes are copied
// at once, control characters, quotes and backslashes escaped, invalid
// UTF-8 replaced.
func appendQuoted[S ~string | ~[]byte](b []byte, s S) []byte {
	b = append(b, '"')
	b = appendEscaped(b, s)
	return append(b, '"')
}

// appendEscaped appends s escaped as the text of a JSON string.
func appendEscaped[S ~string | ~[]byte](b []byte, s S) []byte {
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(s); {
		// Whole words of plain bytes first: slicing the eight bytes lets
		// the compiler drop the bounds checks and load them at once.
		for len(s)-i >= 8 {
			w := s[i : i+8]
			if !plain8(uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
				uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56) {
				break
			}
			i += 8
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if plain[c] {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
			if r == utf8.RuneError && size == 1 {
				b = append(b, s[start:i]...)
				b = append(b, `\ufffd`...)
				i += size
				start = i
				continue
			}
			i += size
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		}
		i++
		start = i
	}
	return append(b, s[start:]...)
}

// plain8 reports whether the eight bytes packed in v are all plain: none
// is a control character, a quote, a backslash or above ASCII. With no
// byte above 0x7f, subtracting 0x20 (or 1 from a byte xored with '"' or
// '\\') sets a byte's top bit only where the byte is below 0x20 (or zero).
func plain8(v uint64) bool {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	return ((v-0x20*ones)|((v^'"'*ones)-ones)|((v^'\\'*ones)-ones)|v)&high == 0
}
