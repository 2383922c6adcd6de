package wire

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"

	"github.com/go-json-experiment/json/jsontext"
)

// fastArrays turns fastElements on; tests compare it with jsontext alone.
var fastArrays = true

// fastElements reads the elements of the array of records whose '[' dec
// has just read: from dec's unread buffer and the rest of s.rd, checking
// each with validEnd rather than jsontext (which costs as much as
// decoding the record). It hands the input back to dec at the array's
// ']', or at the first place validEnd gives up on (a bad or unusual
// element, the end of the input), so that jsontext reads on from there as
// if it had read everything itself: what it accepts and how it words an
// error do not change. It reports false when the consumer stopped.
func (s *splitter) fastElements(dec *jsontext.Decoder, line int) bool {
	outer, ok := envelopePrefix(dec)
	if !ok || !fastArrays {
		return true // leave it to dec
	}
	f := fastReader{r: io.MultiReader(bytes.NewReader(bytes.Clone(dec.UnreadBuffer())), s.rd)}
	start := s.base + dec.InputOffset() // f's first byte in the input
	count, atElem := 0, true            // records read; whether one comes next (else ',' or ']')
	last := 0                           // the length of the last record parsed
	var token int64                     // the offset from start past the last '[', ',' or record read
	back := func() bool {
		return s.handBack(dec, line, &f, start, outer, count, atElem, f.done+int64(f.pos)-token)
	}
	for !s.stopped {
		f.pos = skipSpace(f.b, f.pos)
		if f.pos == len(f.b) {
			if !f.more() {
				return back()
			}
			continue
		}
		c := f.b[f.pos]
		if !atElem || c == ']' && count == 0 {
			switch {
			case c == ',' && !atElem:
				f.pos++
				atElem = true
				token = f.done + int64(f.pos)
				continue
			case c == ']':
				// The array ends well: jsontext need not read a
				// placeholder for each of its records (a call each)
				// to read on from here as from an empty array.
				count, atElem = 0, true
				return back()
			}
			return back() // jsontext words the error
		}
		if s.parse != nil && c == '{' {
			if len(f.b)-f.pos < 2*last && f.more() {
				// Records are often alike in length: read on first
				// rather than parse one that the buffer would cut short.
				continue
			}
			if n, ok := s.parse(f.b[f.pos:], true); ok { // f.b never changes: see more
				last = n
				v := f.b[f.pos : f.pos+n]
				f.pos += n
				count++
				atElem = false
				token = f.done + int64(f.pos)
				s.emitChecked(Item{Raw: v[:n:n], Line: line, Parsed: true, Kept: true}, true)
				continue
			}
		}
		end, ok, incomplete := validEnd(f.b, f.pos, &s.spans)
		if !ok {
			if incomplete && f.more() {
				continue
			}
			return back()
		}
		v := f.b[f.pos:end]
		f.pos = end
		count++
		atElem = false
		token = f.done + int64(f.pos)
		if v[0] != '{' {
			s.emit(Item{Err: errNotObject(jsontext.Value(v).Kind()), Line: line})
			continue
		}
		s.emitChecked(Item{Raw: v[:len(v):len(v)], Line: line, Strings: s.spans, Kept: true}, true)
	}
	return false
}

// envelopePrefix returns the JSON that takes a new decoder to where dec
// is: inside the objects that lead to the array just opened, e.g.
// {"value": for a Microsoft envelope, {"hits":{"hits": for a search
// response, nothing for a top-level array. ok is false when an enclosing
// level is an array.
func envelopePrefix(dec *jsontext.Decoder) (string, bool) {
	depth := dec.StackDepth()
	var b strings.Builder
	n := 0
	for tok := range dec.StackPointer().Tokens() {
		n++
		if n >= depth {
			return "", false
		}
		if k, _ := dec.StackIndex(n); k != '{' {
			return "", false
		}
		q, err := jsontext.AppendQuote(nil, tok)
		if err != nil {
			return "", false
		}
		b.WriteByte('{')
		b.Write(q)
		b.WriteByte(':')
	}
	if n != depth-1 {
		return "", false
	}
	if k, _ := dec.StackIndex(depth); k != '[' {
		return "", false
	}
	return b.String(), true
}

// handBack resets dec to read the rest of f after a made-up prefix that
// leaves it in the state it would be in had it read the array so far:
// the enclosing objects, then count placeholder elements and, when an
// element comes next, their comma, then as many spaces as the white
// space read since the last of them (ws bytes, read by then). Offsets in
// its errors are then corrected by s.base. The spaces matter: jsontext
// places some bad elements after a comma at the comma.
func (s *splitter) handBack(dec *jsontext.Decoder, line int, f *fastReader, start int64, outer string, count int, atElem bool, ws int64) bool {
	placeholders := strings.Repeat("{},", count)
	if !atElem {
		placeholders = strings.TrimSuffix(placeholders, ",")
	}
	prefix := outer + "[" + placeholders
	rest := f.r
	if f.err != nil {
		rest = errReader{f.err}
	} else if f.eof {
		rest = bytes.NewReader(nil)
	}
	s.rd = io.MultiReader(strings.NewReader(prefix), &spaces{ws}, bytes.NewReader(f.b[f.pos:]), rest)
	s.base = start + f.done + int64(f.pos) - int64(len(prefix)) - ws
	dec.Reset(s.rd, jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
	for range strings.Count(outer, "{") {
		if _, err := dec.ReadToken(); err != nil {
			s.fatal(err, line)
			return false
		}
		if _, err := dec.ReadToken(); err != nil {
			s.fatal(err, line)
			return false
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		s.fatal(err, line)
		return false
	}
	for range count {
		if _, err := dec.ReadValue(); err != nil {
			s.fatal(err, line)
			return false
		}
	}
	return true
}

// fastReader buffers the input of fastElements.
type fastReader struct {
	r    io.Reader
	b    []byte
	pos  int   // next byte to look at
	done int64 // bytes dropped from the front of b
	eof  bool
	err  error
}

// more reads more input behind b[pos:], growing b when b[pos:] fills it,
// and reports whether it got any.
func (f *fastReader) more() bool {
	if f.eof || f.err != nil {
		return false
	}
	if f.pos > 0 || cap(f.b)-len(f.b) < 1<<15 {
		// Another buffer for the unread rest: nothing writes to a buffer
		// once records have been handed out from it (Item.Kept) until
		// nothing refers to it (see recycled). Four times the rest,
		// which is at most two records when records are read on before
		// they are cut (see fastElements), so that what is copied again
		// stays a small part of what is read; at least 256 KiB, so that
		// for records of a few KiB (Graph's alerts) the copies and the
		// changes of buffer are few (64 KiB copied 16% of what was read
		// again).
		rest := f.b[f.pos:]
		var nb []byte
		if 4*len(rest) <= bufSize {
			nb = append(recycled(), rest...)
		} else {
			nb = make([]byte, len(rest), 4*len(rest))
			copy(nb, rest)
		}
		f.done += int64(f.pos)
		f.b, f.pos = nb, 0
	}
	// Read at least as much as b holds (or fill it), so that a long
	// element is checked again only as often as it doubles.
	n0 := len(f.b)
	for len(f.b) < cap(f.b) && len(f.b)-n0 < max(n0, 1<<15) {
		n, err := f.r.Read(f.b[len(f.b):cap(f.b)])
		f.b = f.b[:len(f.b)+n]
		if err == io.EOF {
			f.eof = true
			break
		}
		if err != nil {
			f.err = err
			break
		}
		if n == 0 {
			break
		}
	}
	return len(f.b) > n0
}

// spaces reads n spaces.
type spaces struct{ n int64 }

func (s *spaces) Read(p []byte) (int, error) {
	if s.n == 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), s.n)]
	for i := range p {
		p[i] = ' '
	}
	s.n -= int64(len(p))
	return len(p), nil
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func errNotObject(k jsontext.Kind) error {
	return fmt.Errorf("want a JSON object, got %s", KindName(k))
}

// bufSize is the size of fastReader's usual buffers.
const bufSize = 1 << 18

// buffers holds usual buffers that nothing refers to any more.
var buffers sync.Pool

// recycled returns an empty usual buffer: one from buffers, whose bytes
// are those of records nothing sees any more, or a new one. When nothing
// refers to it again (no record, string or reader), the collector hands
// it back to buffers rather than free it: reading into it again is
// cheaper than having a new buffer cleared, and the collector runs less
// often when the input is not new memory. Only a finalizer can do that
// (a cleanup of runtime.AddCleanup never sees its object again). The old
// bytes past what is read are never handed out: records are cut from
// what is read.
func recycled() []byte {
	p, _ := buffers.Get().(*[bufSize]byte)
	if p == nil {
		p = new([bufSize]byte)
	}
	runtime.SetFinalizer(p, func(p *[bufSize]byte) { buffers.Put(p) })
	return p[:0]
}
