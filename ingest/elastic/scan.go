package elastic

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"

	"github.com/go-json-experiment/json/jsontext"
)

// scanner walks a JSON value that wire.Records has already validated. It
// does no validation of its own beyond what it needs not to run off the
// end: jsontext's decoder, which checks everything, costs as much as the
// rest of the decoding together on flat documents of a hundred members.
type scanner struct {
	b   []byte
	i   int
	esc bool // whether the last string read holds escapes
}

var errSyntax = errors.New("malformed JSON")

func (s *scanner) reset(b []byte) { s.b, s.i = b, 0 }

// peek skips white space and returns the next byte, or 0 at the end.
func (s *scanner) peek() byte {
	for s.i < len(s.b) {
		switch c := s.b[s.i]; c {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return c
		}
	}
	return 0
}

// stringEnd returns the index just past the string that opens at b[i], and
// whether the string holds escapes. It looks at eight bytes at a time for
// a quote or a backslash.
func (s *scanner) stringEnd(i int) (int, bool, error) {
	b := s.b
	esc := false
	for j := i + 1; j < len(b); {
		if j+8 <= len(b) {
			m := special(binary.LittleEndian.Uint64(b[j:]))
			if m == 0 {
				j += 8
				continue
			}
			j += bits.TrailingZeros64(m) >> 3
		}
		switch b[j] {
		case '"':
			return j + 1, esc, nil
		case '\\':
			esc = true
			j += 2
		default:
			j++
		}
	}
	return 0, false, errSyntax
}

// special marks, in the high bit of each byte, the bytes of x that are a
// quote or a backslash; the lowest mark is exact (higher ones may be
// false, which stringEnd never looks at).
func special(x uint64) uint64 {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	q := x ^ (lo * '"')
	bs := x ^ (lo * '\\')
	return ((q-lo)&^q | (bs-lo)&^bs) & hi
}

// value returns the next value's raw bytes and moves past it.
func (s *scanner) value() ([]byte, error) {
	c := s.peek() // skips space: the value starts at s.i
	start := s.i
	switch c {
	case 0:
		return nil, errSyntax
	case '"':
		end, esc, err := s.stringEnd(s.i)
		if err != nil {
			return nil, err
		}
		s.i, s.esc = end, esc
	case '{', '[':
		if err := s.skipNested(); err != nil {
			return nil, err
		}
	default:
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case ',', '}', ']', ' ', '\t', '\r', '\n':
				return s.b[start:s.i], nil
			}
			s.i++
		}
	}
	return s.b[start:s.i], nil
}

func (s *scanner) skipNested() error {
	depth := 0
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '"':
			end, _, err := s.stringEnd(s.i)
			if err != nil {
				return err
			}
			s.i = end
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				s.i++
				return nil
			}
		}
		s.i++
	}
	return errSyntax
}

// members calls fn for each member of the object that comes next, with the
// member's raw (quoted) name; fn must consume the member's value.
func (s *scanner) members(fn func(name []byte) error) error {
	if s.peek() != '{' {
		return errSyntax
	}
	s.i++
	for n := 0; ; n++ {
		c := s.peek()
		if c == '}' {
			s.i++
			return nil
		}
		if n > 0 {
			if c != ',' {
				return errSyntax
			}
			s.i++
			c = s.peek()
		}
		if c != '"' {
			return errSyntax
		}
		end, esc, err := s.stringEnd(s.i)
		if err != nil {
			return err
		}
		name := s.b[s.i:end]
		s.i, s.esc = end, esc
		if s.peek() != ':' {
			return errSyntax
		}
		s.i++
		s.peek()
		if err := fn(name); err != nil {
			return err
		}
	}
}

// elems calls fn for each element of the array that comes next; fn must
// consume the element. Errors are prefixed with the element's index.
func (s *scanner) elems(fn func() error) error {
	if s.peek() != '[' {
		return errSyntax
	}
	s.i++
	for n := 0; ; n++ {
		c := s.peek()
		if c == ']' {
			s.i++
			return nil
		}
		if n > 0 {
			if c != ',' {
				return errSyntax
			}
			s.i++
		}
		if err := fn(); err != nil {
			return within(fmt.Sprintf("[%d]", n), err)
		}
	}
}

// pathError is a type error inside a value, with the path below it.
type pathError struct {
	suffix, reason string
}

func (e *pathError) Error() string { return e.suffix + ": " + e.reason }

// within prefixes the path of err with p.
func within(p string, err error) error {
	var pe *pathError
	if errors.As(err, &pe) {
		return &pathError{suffix: p + pe.suffix, reason: pe.reason}
	}
	if errors.Is(err, errSyntax) {
		return err
	}
	return &pathError{suffix: p, reason: err.Error()}
}

// unquoteName appends a raw member name, unquoted, to dst; esc says
// whether it holds escapes.
func unquoteName(dst, name []byte, esc bool) ([]byte, error) {
	if !esc {
		return append(dst, name[1:len(name)-1]...), nil
	}
	return jsontext.AppendUnquote(dst, name)
}

func kindName(c byte) string {
	switch c {
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '[':
		return "an array"
	case '{':
		return "an object"
	case 0:
		return "nothing"
	}
	return "a number"
}
