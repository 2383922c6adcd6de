package graph

import (
	"encoding/binary"
	"errors"
	"math/bits"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// errSlow sends a record to json.Unmarshal: the scanner met something it
// does not decode itself (a value of the wrong type, an escape it does not
// unquote), and the full decoder both decodes it and words the error.
var errSlow = errors.New("record needs the full decoder")

// scanner fills the wire structs from a record that wire.Records has
// already validated, without reflection: json.Unmarshal costs more than
// everything else the decoder does. It does only the checks it needs not to
// run off the end, and it gives up (errSlow) rather than guess: whatever it
// decodes, it decodes as json.Unmarshal with unmarshalOptions would.
type scanner struct {
	b     []byte
	i     int
	buf   []byte // scratch for unquoting
	cache strings256
}

// strings256 remembers recent strings, so that the values records repeat
// (enums, types, timestamps of one batch, hostnames) are allocated once:
// a slot per hash of the length and the outer bytes, the last one wins.
type strings256 [256]string

// get returns b as a string, from the cache when it holds it.
func (c *strings256) get(b []byte) string {
	n := len(b)
	if n < 2 || n > 256 {
		return string(b)
	}
	h := uint(n)*31 + uint(b[0])*7 + uint(b[n-1])*131 + uint(b[n/2])*17 + uint(b[n-2])
	slot := &c[h%uint(len(c))]
	if *slot == string(b) {
		return *slot
	}
	*slot = string(b)
	return *slot
}

// unmarshal decodes raw into w, which must be reset.
func (s *scanner) unmarshal(raw []byte, w *record) error {
	if s.fast(raw, w) == nil {
		return nil
	}
	w.reset()
	return json.Unmarshal(raw, w, unmarshalOptions)
}

// fast decodes raw into w by itself, or fails with errSlow.
func (s *scanner) fast(raw []byte, w *record) error {
	s.b, s.i = raw, 0
	if s.peek() != '{' {
		return errSlow
	}
	return s.object(func(name []byte) error { return s.recordMember(w, name) })
}

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
// whether it holds escapes; it looks at eight bytes at a time for a quote
// or a backslash.
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
	return 0, false, errSlow
}

// special marks, in the high bit of each byte, the bytes of x that are a
// quote or a backslash; the lowest mark is exact.
func special(x uint64) uint64 {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	q := x ^ (lo * '"')
	bs := x ^ (lo * '\\')
	return ((q-lo)&^q | (bs-lo)&^bs) & hi
}

// skip moves past the next value.
func (s *scanner) skip() error {
	switch s.peek() {
	case 0:
		return errSlow
	case '"':
		end, _, err := s.stringEnd(s.i)
		s.i = end
		return err
	case '{', '[':
		return s.skipNested()
	}
	s.literal()
	return nil
}

// literal moves past a number, true, false or null and returns it.
func (s *scanner) literal() []byte {
	start := s.i
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ',', '}', ']', ' ', '\t', '\r', '\n':
			return s.b[start:s.i]
		}
		s.i++
	}
	return s.b[start:s.i]
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
	return errSlow
}

// object calls fn with the unquoted name of each member of the object
// that opens at the current byte; fn must consume the member's value. The
// name is valid only during the call.
func (s *scanner) object(fn func(name []byte) error) error {
	s.i++ // '{'
	for n := 0; ; n++ {
		c := s.peek()
		if c == '}' {
			s.i++
			return nil
		}
		if n > 0 {
			if c != ',' {
				return errSlow
			}
			s.i++
			c = s.peek()
		}
		if c != '"' {
			return errSlow
		}
		end, esc, err := s.stringEnd(s.i)
		if err != nil {
			return err
		}
		name := s.b[s.i+1 : end-1]
		if esc {
			if s.buf, err = jsontext.AppendUnquote(s.buf[:0], s.b[s.i:end]); err != nil {
				return errSlow
			}
			name = s.buf
		}
		s.i = end
		if s.peek() != ':' {
			return errSlow
		}
		s.i++
		s.peek()
		if err := fn(name); err != nil {
			return err
		}
	}
}

// array calls fn for each element of the array that opens at the current
// byte; fn must consume the element.
func (s *scanner) array(fn func() error) error {
	s.i++ // '['
	for n := 0; ; n++ {
		c := s.peek()
		if c == ']' {
			s.i++
			return nil
		}
		if n > 0 {
			if c != ',' {
				return errSlow
			}
			s.i++
			s.peek()
		}
		if err := fn(); err != nil {
			return err
		}
	}
}

// str reads a string; null is "".
func (s *scanner) str(dst *string) error {
	switch s.peek() {
	case 'n':
		s.literal()
		*dst = ""
		return nil
	case '"':
	default:
		return errSlow
	}
	end, esc, err := s.stringEnd(s.i)
	if err != nil {
		return err
	}
	if !esc {
		*dst = s.cache.get(s.b[s.i+1 : end-1])
	} else {
		if s.buf, err = jsontext.AppendUnquote(s.buf[:0], s.b[s.i:end]); err != nil {
			return errSlow
		}
		*dst = s.cache.get(s.buf)
	}
	s.i = end
	return nil
}

// num reads a number: a JSON integer as its text, a string trimmed; null
// is "". Anything else is left to number.UnmarshalJSONFrom.
func (s *scanner) num(dst *number) error {
	switch c := s.peek(); {
	case c == '"':
		var t string
		if err := s.str(&t); err != nil {
			return err
		}
		*dst = number(strings.TrimSpace(t))
		return nil
	case c == 'n':
		s.literal()
		*dst = ""
		return nil
	case c >= '0' && c <= '9':
		lit := s.literal()
		for _, d := range lit {
			if d < '0' || d > '9' {
				return errSlow
			}
		}
		*dst = number(lit)
		return nil
	}
	return errSlow
}

// strs reads an array of strings into *dst, reusing its capacity; null is
// nil, [] an empty slice.
func (s *scanner) strs(dst *[]string) error {
	return elems(s, dst, func(v *string) error { return s.str(v) })
}

// elems reads an array into *dst the way json.Unmarshal does: null gives
// nil, [] an empty slice, elements are decoded by one into zeroed values
// in *dst's capacity.
func elems[T any](s *scanner, dst *[]T, one func(*T) error) error {
	switch s.peek() {
	case 'n':
		s.literal()
		*dst = nil
		return nil
	case '[':
	default:
		return errSlow
	}
	out := (*dst)[:0]
	err := s.array(func() error {
		var zero T
		out = append(out, zero)
		return one(&out[len(out)-1])
	})
	if out == nil {
		out = make([]T, 0)
	}
	*dst = out
	return err
}

// members decodes an object into *dst with field (null leaves the zero
// value, as for an element of a slice).
func members[T any](s *scanner, dst *T, field func(*T, []byte) error) error {
	switch s.peek() {
	case 'n':
		s.literal()
		var zero T
		*dst = zero
		return nil
	case '{':
		return s.object(func(name []byte) error { return field(dst, name) })
	}
	return errSlow
}

// pointer decodes an object into **dst, allocating it when nil; null sets
// it to nil.
func pointer[T any](s *scanner, dst **T, field func(*T, []byte) error) error {
	switch s.peek() {
	case 'n':
		s.literal()
		*dst = nil
		return nil
	case '{':
		if *dst == nil {
			*dst = new(T)
		}
		p := *dst
		return s.object(func(name []byte) error { return field(p, name) })
	}
	return errSlow
}
