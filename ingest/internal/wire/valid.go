package wire

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

// validEnd checks the JSON value that starts at b[i] (after white space)
// and returns the index just past it. ok is true only for a value that
// jsontext accepts too and whose strings are valid UTF-8, so that the
// splitter can trust it without asking jsontext. Anything else (a syntax
// error, a value that runs off the end of b, invalid UTF-8, an escaped
// surrogate, nesting deeper than 64) gives ok false, and the caller lets
// jsontext read the value, which both decides and words the error: this is
// the fast path of well-formed input, not a second judge.
//
// incomplete reports that b ended inside the value: more input may make
// it whole.
//
// When spans is not nil, validEnd sets it to the spans of the value's
// strings, names included, in order: for each its start and its end
// (just past the closing quote, with escBit set when it holds escapes),
// counted from b[i]. A Scanner given them need not look for string ends
// again.
func validEnd(b []byte, i int, spans *[]uint32) (end int, ok, incomplete bool) {
	var stack [64]byte
	depth := 0
	var good, esc bool
	base, start, j := i, 0, 0
	var tape []uint32
	if spans != nil {
		tape = (*spans)[:0]
		defer func() { *spans = tape }()
	}
value:
	i = skipSpace(b, i)
	if i >= len(b) {
		return 0, false, true
	}
	switch c := b[i]; {
	case c == '{':
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == '}' {
			i++
			goto after
		}
		if depth == len(stack) {
			return 0, false, false
		}
		stack[depth] = '{'
		depth++
		goto name
	case c == '[':
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == ']' {
			i++
			goto after
		}
		if depth == len(stack) {
			return 0, false, false
		}
		stack[depth] = '['
		depth++
		goto value
	case c == '"':
		start = i
		j = plainLong(b, i+1) // validString, written out
		if j < len(b) && b[j] == '"' {
			i, esc = j+1, false
		} else if i, good, esc = validStringAt(b, i, j); !good {
			return 0, false, i < 0
		}
		if spans != nil {
			tape = appendSpan(tape, start-base, i-base, esc)
		}
		goto after
	default:
		i, good = scalarEnd(b, i)
	}
	if !good {
		return 0, false, i < 0
	}
	goto after
name:
	i = skipSpace(b, i)
	if i >= len(b) {
		return 0, false, true
	}
	if b[i] != '"' {
		return 0, false, false
	}
	start = i
	j = plainLong(b, i+1) // as above
	if j < len(b) && b[j] == '"' {
		i, esc = j+1, false
	} else if i, good, esc = validStringAt(b, i, j); !good {
		return 0, false, i < 0
	}
	if spans != nil {
		tape = appendSpan(tape, start-base, i-base, esc)
	}
	i = skipSpace(b, i)
	if i >= len(b) {
		return 0, false, true
	}
	if b[i] != ':' {
		return 0, false, false
	}
	i++
	goto value
after:
	if depth == 0 {
		return i, true, false
	}
	i = skipSpace(b, i)
	if i >= len(b) {
		return 0, false, true
	}
	switch b[i] {
	case ',':
		i++
		if stack[depth-1] == '{' {
			goto name
		}
		goto value
	case '}', ']':
		if b[i] != stack[depth-1]+2 { // '{'+2 is '}', '['+2 is ']'
			return 0, false, false
		}
		depth--
		i++
		goto after
	}
	return 0, false, false
}

// skipSpace returns the index of the first byte at or after i that is
// not white space; as Scanner.peek, one comparison for compact JSON.
func skipSpace(b []byte, i int) int {
	for i < len(b) {
		if c := b[i]; c > ' ' || c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return i
		}
		i++
	}
	return i
}

// scalarEnd checks the null, true, false or number at b[i] as validEnd
// does and returns the index past it; a negative index means b ended
// first.
func scalarEnd(b []byte, i int) (int, bool) {
	switch c := b[i]; {
	case c == 't':
		return literal(b, i, "true")
	case c == 'f':
		return literal(b, i, "false")
	case c == 'n':
		return literal(b, i, "null")
	case c == '-' || c >= '0' && c <= '9':
		return validNumber(b, i)
	}
	return 0, false
}

// literal checks that b[i:] starts with want. A negative index means b
// ended first.
func literal(b []byte, i int, want string) (int, bool) {
	n := len(want)
	if len(b)-i < n {
		if string(b[i:]) == want[:len(b)-i] {
			return -1, false
		}
		return 0, false
	}
	if string(b[i:i+n]) != want {
		return 0, false
	}
	return i + n, true
}

// validNumber checks the JSON number at b[i]; a negative index means b
// ended inside it (or right after it: the next byte decides).
func validNumber(b []byte, i int) (int, bool) {
	if b[i] == '-' {
		i++
	}
	switch {
	case i >= len(b):
		return -1, false
	case b[i] == '0':
		i++
	case b[i] >= '1' && b[i] <= '9':
		i = digits(b, i+1)
	default:
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		j := digits(b, i+1)
		if j == i+1 {
			if j >= len(b) {
				return -1, false
			}
			return 0, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			if j >= len(b) {
				return -1, false
			}
			return 0, false
		}
		i = j
	}
	if i >= len(b) {
		return -1, false // "12" at the end of b may go on with "34"
	}
	return i, true
}

func digits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// escBit marks, in a string span's end, a string with escapes.
const escBit = 1 << 31

func appendSpan(tape []uint32, start, end int, esc bool) []uint32 {
	e := uint32(end)
	if esc {
		e |= escBit
	}
	return append(tape, uint32(start), e)
}

// validString checks the string that opens at b[i] (a quote): escapes,
// no control characters, valid UTF-8. plainLong finds the first byte that
// needs a look (a quote, a backslash, a control character or a non-ASCII
// byte), which for most strings is the closing quote; validStringAt judges
// the others. A negative index means b ended inside the string; esc
// reports escapes. Its callers on hot paths (validEnd, Scanner.String,
// Skip, stringEnd) write its first lines out, to save a call a string.
func validString(b []byte, i int) (end int, ok, esc bool) {
	j := plainLong(b, i+1)
	if j < len(b) && b[j] == '"' {
		return j + 1, true, false
	}
	return validStringAt(b, i, j)
}

// validStringAt is validString for a string whose bytes from i+1 to j
// are known to need no look (plainLong has passed them).
func validStringAt(b []byte, i, j int) (end int, ok, esc bool) {
	for j < len(b) {
		switch c := b[j]; {
		case c == '"':
			return j + 1, true, esc
		case c == '\\':
			esc = true
			if j+1 >= len(b) {
				return -1, false, false
			}
			switch b[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j += 2
			case 'u':
				if j+6 > len(b) {
					return -1, false, false
				}
				r, ok := hex4(b[j+2 : j+6])
				if !ok || r >= 0xd800 && r <= 0xdfff {
					return 0, false, false // surrogates: jsontext decides
				}
				j += 6
			default:
				return 0, false, false
			}
		case c < 0x20:
			return 0, false, false
		case c < utf8.RuneSelf:
			j++
		default:
			r, n := utf8.DecodeRune(b[j:])
			if r == utf8.RuneError && n <= 1 {
				if !utf8.FullRune(b[j:]) {
					return -1, false, false
				}
				return 0, false, false
			}
			j += n
			if j < len(b) && b[j] >= utf8.RuneSelf {
				continue // text in another script: rune after rune
			}
		}
		j = plainLong(b, j)
	}
	return -1, false, false
}

// specials marks, in the high bit of each byte, the bytes of x (little
// endian) that a string cannot hold as they are or that are not ASCII: a
// quote, a backslash, a control character, a byte from 0x80. The lowest
// mark is exact (a borrow may fake marks above it).
func specials(x uint64) uint64 {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	// For a byte below 0x80, each difference sets the byte's high bit
	// only when it is below ' ', a quote or a backslash, and borrows
	// from the byte above only then; the bytes from 0x80 mark
	// themselves (x).
	return ((x - lo*' ') | ((x ^ lo*'"') - lo) | ((x ^ lo*'\\') - lo) | x) & hi
}

// plain returns the index of the first byte at or after j that a string
// cannot hold as it is (a quote, a backslash, a control character) or
// that is not ASCII; when b ends first, an index past the last whole
// eight bytes, for the caller to read the rest byte by byte. Where the
// mark is in the eight bytes is worked out only for the eight that have
// one.
func plain(b []byte, j int) int {
	for ; j >= 0 && j+8 <= len(b); j += 8 {
		if m := specials(binary.LittleEndian.Uint64(b[j : j+8])); m != 0 {
			return j + bits.TrailingZeros64(m)>>3
		}
	}
	return j
}

func hex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// plainGo is plainLong in Go: plain's eight bytes at a time, then the
// rest byte by byte; the index of the first special byte or len(b). As
// plainLong, it reads nothing for a j outside b: below 0 it returns j,
// past len(b), len(b).
func plainGo(b []byte, j int) int {
	if j < 0 {
		return j
	}
	for j = plain(b, j); j < len(b); j++ {
		if c := b[j]; c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			return j
		}
	}
	return min(j, len(b))
}
