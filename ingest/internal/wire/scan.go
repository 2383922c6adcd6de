package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/bits"
	"strings"
	"unsafe"

	"github.com/go-json-experiment/json/jsontext"
)

// ErrSlow is what a Scanner gives up with: it met something it does not
// decode itself (a value of the wrong type, an escape it does not unquote).
// The caller then decodes the record with json.Unmarshal, which both
// decodes it and words the error.
var ErrSlow = errors.New("record needs the full decoder")

// Scanner fills a decoder's wire structs from a record without
// reflection: json.Unmarshal costs more than everything else a decoder
// does. Given a record that Records has already validated (Reset,
// ResetStrings), it checks only what it needs not to run off the end;
// reset with ResetStrict, it checks the record as it reads it, for a
// ParseFunc. It gives up (ErrSlow) rather than guess: what it decodes,
// it decodes as json.Unmarshal does (default options, duplicate names
// allowed): exact, case-sensitive member names, null as the zero value,
// arrays into the slice's capacity, objects merged into a non-nil pointer.
// The decoder writes the member switch of each wire type; the zero value
// is ready to use.
type Scanner struct {
	b     []byte
	i     int
	buf   []byte // scratch for unquoting
	cache strings256
	text  text

	spans []uint32 // the record's string spans, from the splitter; may be nil
	k     int      // the next span to look at, times two

	// strict: the record has not been checked; the scanner checks what
	// it reads as validEnd would (see ResetStrict).
	strict bool

	// view: the record's bytes never change (see Keep), so the strings
	// the scanner reads as they are written are views of them.
	view bool
}

// strings256 remembers recent strings, so that the values records repeat
// (enums, types, timestamps of one batch, hostnames) are allocated once:
// a slot per hash of the length and the outer bytes, the last one wins.
type strings256 [256]string

// get returns b as a string, from the cache when it holds it, else made
// by t.
func (c *strings256) get(b []byte, t *text) string {
	n := len(b)
	if n < 2 || n > 256 {
		return t.string(b)
	}
	h := uint(n)*31 + uint(b[0])*7 + uint(b[n-1])*131 + uint(b[n/2])*17 + uint(b[n-2])
	slot := &c[h%uint(len(c))]
	if *slot == string(b) {
		return *slot
	}
	*slot = t.string(b)
	return *slot
}

// text makes the strings a scanner decodes: it copies their bytes into
// chunks that are only ever appended to, and each string is a view of
// its bytes there, so that a record's strings cost one allocation per
// chunk, not one each. Nothing writes to bytes already in a chunk; a
// string keeps its whole chunk alive, which a decoded alert's strings
// share with its neighbours'.
type text struct {
	chunk []byte
}

// textChunk is the size of a chunk: the largest of Go's small objects
// (32 KiB, less the 8 bytes of the header an object with pointers has:
// the runtime's bound for all). A chunk of 32 KiB would be a large
// object, which costs more to allocate and to clear.
const textChunk = 32<<10 - 8

func (t *text) string(b []byte) string {
	switch {
	case len(b) == 0:
		return ""
	case len(b) > textChunk/16:
		return string(b)
	}
	c := t.append(b)
	return unsafe.String(&c[0], len(c))
}

// append copies b to the chunk, or to a new one when it has no room.
func (t *text) append(b []byte) []byte {
	if cap(t.chunk)-len(t.chunk) < len(b) {
		t.chunk = make([]byte, 0, textChunk)
	}
	n := len(t.chunk)
	t.chunk = append(t.chunk, b...) // within capacity: the chunk stays put
	return t.chunk[n:len(t.chunk):len(t.chunk)]
}

// Concat returns the strings joined, made in the scanner's chunks as the
// strings it decodes are: for those a decoder builds from them (a path
// from folder and name, say), without an allocation each.
func (s *Scanner) Concat(ss ...string) string {
	n := 0
	for _, x := range ss {
		n += len(x)
	}
	switch {
	case n == 0:
		return ""
	case n > textChunk/16:
		return strings.Join(ss, "")
	}
	t := &s.text
	if cap(t.chunk)-len(t.chunk) < n {
		t.chunk = make([]byte, 0, textChunk)
	}
	start := len(t.chunk)
	for _, x := range ss {
		t.chunk = append(t.chunk, x...) // within capacity
	}
	return unsafe.String(&t.chunk[start], n)
}

// Text returns b as a string made in the scanner's chunks, as Concat
// makes its strings.
func (s *Scanner) Text(b []byte) string { return s.text.string(b) }

// Copy returns a copy of b (a record's Raw, say) that may share a chunk
// with the strings the scanner made: its capacity is its length, and
// nothing must write to it.
func (s *Scanner) Copy(b []byte) []byte {
	if len(b) > textChunk/4 {
		return bytes.Clone(b)
	}
	if len(b) == 0 {
		return nil
	}
	return s.text.append(b)
}

// peek skips white space and returns the next byte, or 0 at the end.
// Compact JSON has no white space between tokens: one comparison (white
// space and the control characters are all at most ' ') settles the
// common case.
func (s *Scanner) peek() byte {
	for s.i < len(s.b) {
		c := s.b[s.i]
		if c > ' ' || c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return c
		}
		s.i++
	}
	return 0
}

// stringEnd returns the index just past the string that opens at b[i], and
// whether it holds escapes; it looks at eight bytes at a time for a quote
// or a backslash.
func (s *Scanner) stringEnd(i int) (int, bool, error) {
	if s.strict { // validString, written out
		j := plainLong(s.b, i+1)
		if j < len(s.b) && s.b[j] == '"' {
			return j + 1, false, nil
		}
		end, ok, esc := validStringAt(s.b, i, j)
		if !ok {
			return 0, false, ErrSlow
		}
		return end, esc, nil
	}
	if s.k < len(s.spans) {
		// The splitter found the string ends already; the scanner reads
		// strings in the same order, skipping some.
		for s.k < len(s.spans) && int(s.spans[s.k]) < i {
			s.k += 2
		}
		if s.k < len(s.spans) && int(s.spans[s.k]) == i {
			e := s.spans[s.k+1]
			s.k += 2
			return int(e &^ escBit), e&escBit != 0, nil
		}
	}
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
	return 0, false, ErrSlow
}

// special marks, in the high bit of each byte, the bytes of x that are a
// quote or a backslash; the lowest mark is exact.
func special(x uint64) uint64 {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	q := x ^ (lo * '"')
	bs := x ^ (lo * '\\')
	return ((q-lo)&^q | (bs-lo)&^bs) & hi
}

// Reset starts scanning raw, a record.
func (s *Scanner) Reset(raw []byte) {
	s.b, s.i, s.spans, s.k, s.strict, s.view = raw, 0, nil, 0, false, false
}

// ResetStrings starts scanning raw with the spans of its strings that
// the splitter found (Item.Strings), so that the scanner need not look
// for their ends.
func (s *Scanner) ResetStrings(raw []byte, spans []uint32) {
	s.b, s.i, s.spans, s.k, s.strict, s.view = raw, 0, spans, 0, false, false
}

// Keep tells the scanner, after a reset, that the bytes it scans never
// change (a record the splitter yields with Item.Kept, or a KeptParseFunc
// called with kept true): the strings it then reads that have no escapes
// (String, Strings, Integer) are views of those bytes, not copies, and
// keep them alive as the record's Raw does. The next reset forgets it.
func (s *Scanner) Keep() { s.view = true }

// ResetStrict starts scanning b, which begins with a record that nothing
// has checked yet (see ParseFunc): the scanner then checks all it reads
// as validEnd does, the values it skips included, and gives up (ErrSlow)
// on anything validEnd would not pass: a scan that succeeds has checked
// the record's syntax and UTF-8. Pos then gives the record's length.
func (s *Scanner) ResetStrict(b []byte) {
	s.b, s.i, s.spans, s.k, s.strict, s.view = b, 0, nil, 0, true, false
}

// Skip moves past the next value.
func (s *Scanner) Skip() error {
	switch s.peek() {
	case 0:
		return ErrSlow
	case '"':
		if s.strict { // validString, written out
			j := plainLong(s.b, s.i+1)
			if j < len(s.b) && s.b[j] == '"' {
				s.i = j + 1
				return nil
			}
			end, ok, _ := validStringAt(s.b, s.i, j)
			if !ok {
				return ErrSlow
			}
			s.i = end
			return nil
		}
		end, _, err := s.stringEnd(s.i)
		s.i = end
		return err
	case '{', '[':
		if s.strict {
			return s.checkedNested()
		}
		return s.skipNested()
	}
	if s.strict {
		return s.checkedLiteral()
	}
	s.literal()
	return nil
}

// checkedNested moves past the object or array that opens at the current
// byte, which validEnd must pass; an empty one ({} or [], as records have
// many of) without a call of validEnd.
func (s *Scanner) checkedNested() error {
	if i := s.i; i+1 < len(s.b) && s.b[i+1] == s.b[i]+2 { // '{'+2 is '}', '['+2 is ']'
		s.i = i + 2
		return nil
	}
	return s.checked()
}

// checkedLiteral moves past the null, true, false or number that starts
// at the current byte, checked as validEnd checks one: not a call of
// validEnd, which readies itself for nesting, for a few bytes each.
func (s *Scanner) checkedLiteral() error {
	end, ok := scalarEnd(s.b, s.i)
	if !ok {
		return ErrSlow
	}
	s.i = end
	return nil
}

// checked moves past the next value, which validEnd must pass.
func (s *Scanner) checked() error {
	end, ok, _ := validEnd(s.b, s.i, nil)
	if !ok {
		return ErrSlow
	}
	s.i = end
	return nil
}

// nullOrSlow moves past a null literal, or gives up on something else
// that starts with 'n'.
func (s *Scanner) nullOrSlow() error {
	if string(s.literal()) != "null" {
		return ErrSlow
	}
	return nil
}

// literal moves past a number, true, false or null and returns it.
func (s *Scanner) literal() []byte {
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

func (s *Scanner) skipNested() error {
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
	return ErrSlow
}

// Object calls fn with the unquoted name of each member of the object
// that comes next; fn must consume the member's value (Skip it, at least).
// The name is valid only until fn reads the value. It keeps its place in
// locals between the calls of fn, which it reads back from s.i after
// each: a load and a store per member instead of one for each byte it
// looks at. Compact JSON (a comma and the next name's quote right after a
// value, a colon right after a name) takes the shortest way.
func (s *Scanner) Object(fn func(name []byte) error) error {
	i, empty, err := s.openObject()
	if empty || err != nil {
		return err
	}
	b := s.b
	for {
		name, _, next, err := s.memberName(i)
		if err != nil {
			return err
		}
		s.i = skipSpace(b, next)
		if err := fn(name); err != nil {
			return err
		}
		i = s.i
		if i+1 < len(b) && b[i] == ',' && b[i+1] == '"' {
			i++
			continue
		}
		var more bool
		if i, more, err = s.memberEnd(i); !more {
			return err
		}
	}
}

// openObject moves past the '{' of the object that comes next, for
// Object and ObjectNamed, and returns the index of its first member's
// name; an empty object is read whole (empty).
func (s *Scanner) openObject() (i int, empty bool, err error) {
	b := s.b
	i = skipSpace(b, s.i)
	if i >= len(b) || b[i] != '{' {
		s.i = i
		return 0, false, ErrSlow
	}
	if i = skipSpace(b, i+1); i < len(b) && b[i] == '}' {
		s.i = i + 1
		return 0, true, nil
	}
	return i, false, nil
}

// memberName reads the name of the member at b[i] and the colon after it,
// for Object and ObjectNamed, checking the name in strict mode: plain
// finds the closing quote of a name with nothing to look at, and
// validString judges the others. It returns the name, unquoted (a view of
// the record, or of the scanner's scratch buffer when it has escapes,
// valid until the next name is read), whether it had escapes, and the
// index past the colon.
func (s *Scanner) memberName(i int) (name []byte, esc bool, next int, err error) {
	b := s.b
	if i >= len(b) || b[i] != '"' {
		s.i = i
		return nil, false, 0, ErrSlow
	}
	var (
		end int
		ok  bool
	)
	if s.strict {
		if j := plain(b, i+1); j < len(b) && b[j] == '"' {
			end = j + 1
		} else if end, ok, esc = validString(b, i); !ok {
			s.i = i
			return nil, false, 0, ErrSlow
		}
	} else if end, esc, err = s.stringEnd(i); err != nil {
		s.i = i
		return nil, false, 0, err
	}
	// Bounds checked: b holds input from anywhere, and a pointer
	// computed past a mistaken end would read outside it.
	name = b[i+1 : end-1]
	if esc {
		if s.buf, err = jsontext.AppendUnquote(s.buf[:0], b[i:end]); err != nil {
			s.i = i
			return nil, false, 0, ErrSlow
		}
		name = s.buf
	}
	if end < len(b) && b[end] == ':' {
		return name, esc, end + 1, nil
	}
	if next = skipSpace(b, end); next < len(b) && b[next] == ':' {
		return name, esc, next + 1, nil
	}
	s.i = next
	return nil, false, 0, ErrSlow
}

// memberEnd reads what follows a member's value at b[i] when it is not
// a comma and the next name's quote: white space, then a comma (more,
// and the index of the next name) or the object's closing brace (not
// more, and s.i past it). Anything else is ErrSlow.
func (s *Scanner) memberEnd(i int) (next int, more bool, err error) {
	b := s.b
	if i = skipSpace(b, i); i >= len(b) {
		s.i = i
		return 0, false, ErrSlow
	}
	switch b[i] {
	case '}':
		s.i = i + 1
		return 0, false, nil
	case ',':
		return skipSpace(b, i+1), true, nil
	}
	s.i = i
	return 0, false, ErrSlow
}

// array calls fn for each element of the array that opens at the current
// byte; fn must consume the element. It keeps its place as Object does.
func (s *Scanner) array(fn func() error) error {
	b := s.b
	i := s.i + 1 // '['
	for n := 0; ; n++ {
		i = skipSpace(b, i)
		if i < len(b) && b[i] == ']' {
			s.i = i + 1
			return nil
		}
		if n > 0 {
			if i >= len(b) || b[i] != ',' {
				s.i = i
				return ErrSlow
			}
			i = skipSpace(b, i+1)
		}
		s.i = i
		if err := fn(); err != nil {
			return err
		}
		i = s.i
	}
}

// String reads a string; null is "".
func (s *Scanner) String(dst *string) error {
	switch s.peek() {
	case 'n':
		*dst = ""
		return s.nullOrSlow()
	case '"':
	default:
		return ErrSlow
	}
	var (
		end     int
		ok, esc bool
		err     error
	)
	if s.strict {
		j := plainLong(s.b, s.i+1) // validString, written out
		if j < len(s.b) && s.b[j] == '"' {
			end = j + 1
		} else if end, ok, esc = validStringAt(s.b, s.i, j); !ok {
			return ErrSlow
		}
	} else if end, esc, err = s.stringEnd(s.i); err != nil {
		return err
	}
	switch {
	case !esc && s.view:
		*dst = s.viewOf(s.i+1, end-1)
	case !esc:
		*dst = s.cache.get(s.b[s.i+1:end-1], &s.text)
	default:
		if s.buf, err = s.unquote(s.b[s.i:end]); err != nil {
			return ErrSlow
		}
		*dst = s.cache.get(s.buf, &s.text)
	}
	s.i = end
	return nil
}

// viewOf returns s.b[i:j] as a string that shares its bytes (see Keep).
func (s *Scanner) viewOf(i, j int) string {
	if i == j {
		return ""
	}
	return unsafe.String(&s.b[i], j-i)
}

// Unquote returns the string q (quotes included), one the scanner has
// just read, unquoted: a view of the scanner's scratch buffer, valid until
// its next call. It fails as jsontext.AppendUnquote does.
func (s *Scanner) Unquote(q []byte) ([]byte, error) {
	var err error
	s.buf, err = s.unquote(q)
	return s.buf, err
}

// unquote unquotes the string q (quotes included) into s.buf. A string
// the scanner or the splitter has checked (valid UTF-8, escapes well
// formed) with no \u escape is copied a run at a time between its
// backslashes; others go to jsontext, which judges them.
func (s *Scanner) unquote(q []byte) ([]byte, error) {
	if !s.strict && s.spans == nil {
		return jsontext.AppendUnquote(s.buf[:0], q)
	}
	out, in := s.buf[:0], q[1:len(q)-1]
	for {
		k := bytes.IndexByte(in, '\\')
		if k < 0 {
			return append(out, in...), nil
		}
		out = append(out, in[:k]...)
		if k+1 >= len(in) {
			return jsontext.AppendUnquote(s.buf[:0], q)
		}
		switch c := in[k+1]; c {
		case '"', '\\', '/':
			out = append(out, c)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		default: // \u, or not JSON
			return jsontext.AppendUnquote(s.buf[:0], q)
		}
		in = in[k+2:]
	}
}

// Integer reads what recerr.ReadInteger reads: a JSON integer as its
// text, a string trimmed; null is "". Anything else gives up.
func Integer[T ~string](s *Scanner, dst *T) error {
	switch c := s.peek(); {
	case c == '"':
		var t string
		if err := s.String(&t); err != nil {
			return err
		}
		*dst = T(strings.TrimSpace(t))
		return nil
	case c == 'n':
		*dst = ""
		return s.nullOrSlow()
	case c >= '0' && c <= '9':
		// The digits, then what literal stops at (or the end): one pass.
		b, start := s.b, s.i
		j := start + 1
		for j < len(b) && b[j]-'0' <= 9 {
			j++
		}
		if j < len(b) {
			switch b[j] {
			case ',', '}', ']', ' ', '\t', '\r', '\n':
			default:
				return ErrSlow // a fraction, an exponent, or not JSON
			}
		}
		if c == '0' && j-start > 1 {
			return ErrSlow // not JSON: jsontext words it
		}
		s.i = j
		lit := b[start:j]
		if s.view {
			*dst = T(s.viewOf(s.i-len(lit), s.i))
		} else {
			*dst = T(s.cache.get(lit, &s.text))
		}
		return nil
	}
	return ErrSlow
}

// Strings reads an array of strings into *dst, reusing its capacity; null
// is nil, [] an empty slice.
func (s *Scanner) Strings(dst *[]string) error {
	switch s.peek() {
	case 'n':
		*dst = nil
		return s.nullOrSlow()
	case '[':
	default:
		return ErrSlow
	}
	out, err := s.appendStrings((*dst)[:0])
	if out == nil {
		out = []string{}
	}
	*dst = out
	return err
}

// appendStrings appends the strings of the array that opens at the
// current byte to p.
func (s *Scanner) appendStrings(p []string) ([]string, error) {
	err := s.array(func() error {
		p = append(p, "")
		return s.String(&p[len(p)-1])
	})
	return p, err
}

// Elems reads an array into *dst the way json.Unmarshal does: null gives
// nil, [] an empty slice, elements are decoded by one into zeroed values
// in *dst's capacity.
func Elems[T any](s *Scanner, dst *[]T, one func(*T) error) error {
	switch s.peek() {
	case 'n':
		*dst = nil
		return s.nullOrSlow()
	case '[':
	default:
		return ErrSlow
	}
	out := (*dst)[:0]
	err := s.array(func() error {
		if len(out) < cap(out) {
			out = out[:len(out)+1] // cleared in place, not copied from a zero value
			clear(out[len(out)-1:])
		} else {
			var zero T
			out = append(out, zero)
		}
		return one(&out[len(out)-1])
	})
	if out == nil {
		out = make([]T, 0)
	}
	*dst = out
	return err
}

// Null reads a null as the zero value of *dst (nil for a pointer, as
// Members and Pointer read one); anything else gives up. It serves
// decoders that read the members of an object that comes with a closure
// of their own (Object) and leave the rest to it.
func Null[T any](s *Scanner, dst *T) error {
	if s.peek() != 'n' {
		return ErrSlow
	}
	var zero T
	*dst = zero
	return s.nullOrSlow()
}

// Members decodes an object into *dst, calling field for each member;
// null sets *dst to its zero value.
func Members[T any](s *Scanner, dst *T, field func(*T, []byte) error) error {
	switch s.peek() {
	case 'n':
		var zero T
		*dst = zero
		return s.nullOrSlow()
	case '{':
		return s.Object(func(name []byte) error { return field(dst, name) })
	}
	return ErrSlow
}

// Pointer decodes an object into **dst, allocating it when nil (and
// merging into it when not); null sets it to nil.
func Pointer[T any](s *Scanner, dst **T, field func(*T, []byte) error) error {
	switch s.peek() {
	case 'n':
		*dst = nil
		return s.nullOrSlow()
	case '{':
		if *dst == nil {
			*dst = new(T)
		}
		p := *dst
		return s.Object(func(name []byte) error { return field(p, name) })
	}
	return ErrSlow
}

// Slab hands out zeroed values from an array that a decoder reuses from
// record to record, for the objects its wire structs point to (Graph's
// fileDetails, say): one allocation now and then instead of one each.
// Its values must not outlive the record: Reset frees them all.
type Slab[T any] struct {
	a []T
}

// Reset makes all values handed out so far free for the next record.
func (p *Slab[T]) Reset() { p.a = p.a[:0] }

// New returns a zeroed value; the ones handed out before stay put.
func (p *Slab[T]) New() *T {
	if len(p.a) == cap(p.a) {
		p.a = make([]T, 0, max(8, 2*cap(p.a)))
	}
	var zero T
	p.a = append(p.a, zero)
	return &p.a[len(p.a)-1]
}

// PointerIn is Pointer with the new value taken from slab.
func PointerIn[T any](s *Scanner, dst **T, slab *Slab[T], field func(*T, []byte) error) error {
	if *dst == nil && s.peek() == '{' {
		*dst = slab.New()
	}
	return Pointer(s, dst, field)
}

// StringsIn is Strings for a slice with no array of its own to reuse
// (the member of an array element, which Elems zeroes): the strings are
// appended to *pool, which the caller empties for each record, and *dst
// is a view of them with no spare capacity. null is nil, [] an empty
// slice, as with Strings.
func (s *Scanner) StringsIn(dst *[]string, pool *[]string) error {
	switch s.peek() {
	case 'n':
		*dst = nil
		return s.nullOrSlow()
	case '[':
	default:
		return ErrSlow
	}
	start := len(*pool)
	p, err := s.appendStrings(*pool)
	*pool = p
	*dst = p[start:len(p):len(p)]
	if len(*dst) == 0 {
		*dst = []string{} // not nil, even when the pool is
	}
	return err
}

// Spares keeps the arrays of slices that a decoder's reused wire structs
// would drop (json.Unmarshal zeroes the elements it reuses, with their
// slices), to fill again with the next record's values.
type Spares[T any] struct {
	free [][]T
}

// Put keeps s's array, if it has room.
func (p *Spares[T]) Put(s []T) {
	if cap(s) > 0 {
		p.free = append(p.free, s[:0])
	}
}

// Get returns an empty slice with room, or nil when none is kept.
func (p *Spares[T]) Get() []T {
	n := len(p.free)
	if n == 0 {
		return nil
	}
	s := p.free[n-1]
	p.free = p.free[:n-1]
	return s
}

// The primitives below serve decoders that walk a record themselves
// rather than fill wire structs (elastic joins member names into dotted
// paths).

// Peek returns the next byte after white space, or 0 at the end.
func (s *Scanner) Peek() byte { return s.peek() }

// Pos returns the offset in the record of the next byte.
func (s *Scanner) Pos() int { return s.i }

// Value moves past the next value and returns its bytes (a string with
// its quotes) and, for a string, whether it holds escapes.
func (s *Scanner) Value() (raw []byte, esc bool, err error) {
	switch s.peek() {
	case 0:
		return nil, false, ErrSlow
	case '"':
		start := s.i
		end, esc, err := s.stringEnd(s.i)
		if err != nil {
			return nil, false, err
		}
		s.i = end
		return s.b[start:end], esc, nil
	}
	start := s.i
	switch {
	case s.strict:
		if err := s.checked(); err != nil {
			return nil, false, err
		}
		return s.b[start:s.i], false, nil
	case s.b[s.i] == '{' || s.b[s.i] == '[':
		if err := s.skipNested(); err != nil {
			return nil, false, err
		}
		return s.b[start:s.i], false, nil
	}
	return s.literal(), false, nil
}

// Elements calls fn with the index of each element of the array that
// comes next; fn must consume the element.
func (s *Scanner) Elements(fn func(i int) error) error {
	if s.peek() != '[' {
		return ErrSlow
	}
	n := 0
	return s.array(func() error {
		err := fn(n)
		n++
		return err
	})
}

// RawObject is Object for callers that unquote names themselves: fn gets
// each member's name as the record has it, quotes included, and whether it
// holds escapes. The name stays valid as long as the record.
func (s *Scanner) RawObject(fn func(quoted []byte, esc bool) error) error {
	if s.peek() != '{' {
		return ErrSlow
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
				return ErrSlow
			}
			s.i++
			c = s.peek()
		}
		if c != '"' {
			return ErrSlow
		}
		end, esc, err := s.stringEnd(s.i)
		if err != nil {
			return err
		}
		name := s.b[s.i:end]
		s.i = end
		if s.peek() != ':' {
			return ErrSlow
		}
		s.i++
		s.peek()
		if err := fn(name, esc); err != nil {
			return err
		}
	}
}
