package elastic

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/wire"
)

// Decoder reads Elastic Security alert documents.
type Decoder struct{}

// New returns an Elastic Security decoder.
func New() *Decoder { return &Decoder{} }

// Name is the --format name, "elastic".
func (*Decoder) Name() string { return "elastic" }

// Sniff reports whether head holds kibana.alert.* fields (flat or nested)
// or 7.x signal.rule fields.
func (*Decoder) Sniff(head []byte) bool {
	switch {
	case bytes.Contains(head, []byte(`"kibana.alert.`)), bytes.Contains(head, []byte(`"signal.rule.`)):
		return true
	case bytes.Contains(head, []byte(`"kibana"`)) && bytes.Contains(head, []byte(`"alert"`)):
		return true
	}
	return bytes.Contains(head, []byte(`"signal"`)) && bytes.Contains(head, []byte(`"rule"`))
}

// Decode streams the alerts of r, one record per document.
func (*Decoder) Decode(ctx context.Context, r io.Reader, file string) iter.Seq2[debrief.Record, error] {
	return func(yield func(debrief.Record, error) bool) {
		var w walker
		parse := w.parse
		if !singlePass {
			parse = nil
		}
		wire.EachParsedRoot(ctx, r, file, yield, parse, func(it wire.Item) bool {
			return w.emit(it, file, yield)
		}, container)
	}
}

// container holds the documents of a search response; parse refuses a
// document whose top level names its first part (see
// wire.EachParsedRoot).
const container, containerHead = "hits.hits", "hits"

// errContainer is parse's refusal of a search response.
var errContainer = errors.New("a search response, not a document")

// singlePass lets the splitter hand documents to the walker to check and
// read at once (see walker.parse).
var singlePass = true

// emit decodes one document and yields its alert, or its error, and then
// the errors of the fields it dropped.
func (w *walker) emit(it wire.Item, file string, yield func(debrief.Record, error) bool) bool {
	loc := func(field, reason string, kept bool) *debrief.RecordError {
		return &debrief.RecordError{File: file, Line: it.Line, Record: it.Index, Field: field, Reason: reason, Kept: kept}
	}
	var err error
	if !it.Parsed {
		w.raw = nil
		err = w.walk(it.Raw, it.Strings)
	}
	if err != nil {
		var fe *fieldError
		if errors.As(err, &fe) {
			return yield(debrief.Record{}, loc(fe.field, fe.reason, false))
		}
		return yield(debrief.Record{}, loc("", err.Error(), false))
	}
	a, dropped, fe := w.d.alert(&w.memos, &w.text)
	if fe != nil {
		return yield(debrief.Record{}, loc(fe.field, fe.reason, false))
	}
	a.Raw = w.raw
	if a.Raw == nil {
		a.Raw = bytes.Clone(it.Raw)
	}
	if !yield(debrief.Record{Alert: a, Line: it.Line, Index: it.Index}, nil) {
		return false
	}
	for _, d := range dropped {
		if !yield(debrief.Record{}, loc(d.field, d.reason, true)) {
			return false
		}
	}
	return true
}

// fieldError names the field of a document that could not be read.
type fieldError struct {
	field  string
	reason string
}

func (e *fieldError) Error() string { return e.field + ": " + e.reason }

// walker reads a document member by member, joining member names into the
// dotted path of each value, so that flat and nested spellings of a field
// reach the same handler.
type walker struct {
	s    wire.Scanner
	src  string // the document being walked, as a string: str's values are views of it
	path []byte
	name []byte // scratch for member names below a handled field
	d    doc

	text  text // copies of the strings the alert keeps
	memos memos

	// alias: the document being walked is a copy in w.text that becomes
	// the alert's Raw (raw), so the strings it keeps are views of it.
	alias bool
	raw   []byte
}

// walk reads a document that the splitter has checked (spans are its
// strings' ends, or nil).
func (w *walker) walk(raw []byte, spans []uint32) error {
	w.alias = false
	w.start(raw)
	w.s.ResetStrings(raw, spans)
	err := w.object(0)
	if errors.Is(err, errSyntax) {
		return errMalformed
	}
	return err
}

// parse reads the document at the start of b, which nothing has checked
// yet, checking it as the splitter would as it goes, and returns its
// length: the splitter's wire.ParseFunc, so that a good document is read
// in one pass. A document it cannot read, for bad JSON or a bad field,
// the splitter checks and hands to emit, which walks it again to word the
// error. It refuses a search response (a top level that names hits),
// which the splitter splits itself (wire.EachParsedRoot).
//
// A document whose splitter buffer is short and ends with it (a line of
// NDJSON is the whole buffer) is copied into w.text first and read from there, and the
// copy becomes the alert's Raw: the alert's strings are views of it, and
// neither they nor Raw need copies of their own.
func (w *walker) parse(b []byte) (int, bool) {
	// A buffer that ends with '}' is most likely the document alone.
	w.raw, w.alias = nil, len(b) <= maxAlias && len(b) > 0 && b[len(b)-1] == '}'
	if w.alias {
		b = w.text.hold(b)
	}
	w.start(b)
	w.s.ResetStrict(b)
	if w.top() != nil {
		return 0, false
	}
	n := w.s.Pos()
	if w.alias {
		w.raw = b[:n:n]
	}
	return n, true
}

// maxAlias is the longest buffer parse copies whole.
const maxAlias = 16 << 10

func (w *walker) start(b []byte) {
	w.d.reset()
	w.path = w.path[:0]
	w.src = unsafe.String(unsafe.SliceData(b), len(b))
}

// object reads an object whose members have the path w.path[:base].
func (w *walker) object(base int) error {
	return w.s.RawObject(func(name []byte, esc bool) error {
		w.path = w.path[:base]
		if base > 0 {
			w.path = append(w.path, '.')
		}
		var err error
		if w.path, err = unquoteName(w.path, name, esc); err != nil {
			return err
		}
		return w.member()
	})
}

// top is object(0) for parse: it refuses a document whose top level
// names containerHead, which the splitter reads itself.
func (w *walker) top() error {
	return w.s.RawObject(func(name []byte, esc bool) error {
		var err error
		if w.path, err = unquoteName(w.path[:0], name, esc); err != nil {
			return err
		}
		if string(w.path) == containerHead {
			return errContainer
		}
		return w.member()
	})
}

// member reads the value at w.path: it descends into objects that may hold
// known fields, hands known fields to their handler and skips the rest.
func (w *walker) member() error {
	f := known.lookup(w.path)
	if f.source && w.s.Peek() == '{' {
		// The document's _source: its members are at the root.
		w.path = w.path[:0]
		return w.object(0)
	}
	if f.parent && w.s.Peek() == '{' {
		return w.object(len(w.path))
	}
	if f.h == nil {
		_, err := w.value()
		return err
	}
	if err := f.h(w, &w.d); err != nil {
		var pe *pathError
		if errors.As(err, &pe) {
			return &fieldError{field: string(w.path) + pe.suffix, reason: pe.reason}
		}
		if errors.Is(err, errSyntax) {
			return err
		}
		return &fieldError{field: string(w.path), reason: err.Error()}
	}
	return nil
}

// keep returns a copy of s, a view that str returned, that outlives the
// walk.
func (w *walker) keep(s string) string {
	if w.alias {
		return s
	}
	return w.text.keep(unsafe.Slice(unsafe.StringData(s), len(s)))
}

// text holds the strings the decoder keeps of its documents, copied into
// chunks that are only ever appended to (one allocation per chunk, not
// per string), and remembers recent ones, so that the values documents
// repeat (rule names, severities, hosts) are copied once.
//
// It also hands out the alerts and their entity and technique lists from
// shared arrays (slabs), one allocation for many alerts.
type text struct {
	chunk  []byte
	recent [256]string

	alerts     slab[debrief.Alert]
	entities   slab[debrief.Entity]
	techniques slab[debrief.Technique]
	strs       slab[string]
}

// slab hands out parts of arrays that are never handed out again.
type slab[T any] struct {
	free []T
}

const slabLen = 64

// largestSmall is the largest allocation the runtime serves from its size
// classes (32 KiB less the 8-byte header of an object with pointers, a
// bound it applies to all) rather than as a large object, which costs
// more to allocate and to clear.
const largestSmall = 32<<10 - 8

// take returns an empty list with room for n, which appending beyond
// moves elsewhere.
func (s *slab[T]) take(n int) []T {
	if n == 0 {
		return make([]T, 0) // not nil, and no allocation
	}
	if n > slabLen/4 {
		return make([]T, 0, n)
	}
	if cap(s.free)-len(s.free) < n {
		var zero T
		s.free = make([]T, 0, min(slabLen, largestSmall/max(1, int(unsafe.Sizeof(zero))))) // 63 alerts
	}
	at := len(s.free)
	s.free = s.free[:at+n]
	return s.free[at : at : at+n]
}

// one returns a new zero element.
func (s *slab[T]) one() *T {
	return &s.take(1)[:1][0]
}

const textChunk = 16 << 10

// hold returns a copy of b in the text, whose bytes nothing will
// overwrite.
func (t *text) hold(b []byte) []byte {
	if cap(t.chunk)-len(t.chunk) < len(b) {
		t.chunk = make([]byte, 0, max(largestSmall, len(b)))
	}
	at := len(t.chunk)
	t.chunk = append(t.chunk, b...)
	return t.chunk[at:len(t.chunk):len(t.chunk)]
}

// qualified is debrief.QualifiedID(src, id), written into the text.
func (t *text) qualified(src debrief.Source, id string) string {
	n := len(src) + 1 + len(id)
	if n > textChunk/8 {
		return debrief.QualifiedID(src, id)
	}
	if cap(t.chunk)-len(t.chunk) < n {
		t.chunk = make([]byte, 0, textChunk)
	}
	at := len(t.chunk)
	t.chunk = append(append(append(t.chunk, src...), ':'), id...)
	return unsafe.String(&t.chunk[at], n)
}

// keep returns b as a string of its own.
func (t *text) keep(b []byte) string {
	n := len(b)
	switch {
	case n == 0:
		return ""
	case n > textChunk/8:
		return string(b)
	}
	slot := &t.recent[(uint(n)*31+uint(b[0])*7+uint(b[n-1])*131+uint(b[n/2])*17)%uint(len(t.recent))]
	if *slot == string(b) {
		return *slot
	}
	if cap(t.chunk)-len(t.chunk) < n {
		t.chunk = make([]byte, 0, textChunk)
	}
	at := len(t.chunk)
	t.chunk = append(t.chunk, b...) // within capacity: earlier strings stay put
	*slot = unsafe.String(&t.chunk[at], n)
	return *slot
}

// value moves past the next value and returns it.
func (w *walker) value() ([]byte, error) {
	v, _, err := w.s.Value()
	return v, err
}

// str reads a string value; a number is taken as its text, null and an
// empty array as "", an array as its first element. The value is a view
// of the document, valid during the walk only: what the alert keeps goes
// through keep (setStr, addStrs).
func (w *walker) str() (string, error) {
	switch c := w.s.Peek(); c {
	case '"':
		start := w.s.Pos()
		v, esc, err := w.s.Value()
		if err != nil {
			return "", err
		}
		if !esc {
			return w.src[start+1 : w.s.Pos()-1], nil
		}
		u, err := w.s.Unquote(v)
		return w.text.keep(u), err
	case '[':
		var first string
		err := elems(&w.s, func() error {
			s, err := w.str()
			if first == "" {
				first = s
			}
			return err
		})
		return first, err
	case '{', 't', 'f', 0:
		w.value()
		return "", fmt.Errorf("want a string, got %s", kindName(c))
	case 'n':
		_, err := w.value()
		return "", err
	default:
		start := w.s.Pos()
		_, err := w.value()
		return w.src[start:w.s.Pos()], err
	}
}

// setStr stores a string value in dst unless dst is already set.
func (w *walker) setStr(dst *string) error {
	s, err := w.str()
	if err == nil && *dst == "" {
		*dst = w.keep(s)
	}
	return err
}

// addStrs appends a string or the strings of an array to dst.
func (w *walker) addStrs(dst *[]string) error {
	if w.s.Peek() != '[' {
		s, err := w.str()
		if s != "" {
			*dst = append(*dst, w.keep(s))
		}
		return err
	}
	return elems(&w.s, func() error {
		s, err := w.str()
		if s != "" {
			*dst = append(*dst, w.keep(s))
		}
		return err
	})
}

// setTime reads an RFC 3339 time, or a Unix time in s/ms/µs/ns.
func (w *walker) setTime(dst *time.Time) error {
	var t time.Time
	if c := w.s.Peek(); c == '-' || c >= '0' && c <= '9' {
		v, err := w.value()
		if err != nil {
			return err
		}
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil {
			return fmt.Errorf("want a time, got %s", v)
		}
		if t, err = wire.Epoch(f); err != nil {
			return err
		}
	} else {
		s, err := w.str()
		if err != nil {
			return fmt.Errorf("want a time, got %s", kindName(c))
		}
		if t, err = wire.ParseTime(s); err != nil {
			return err
		}
	}
	if dst.IsZero() {
		*dst = t
	}
	return nil
}

// setFloat reads a number (or a number in a string).
func (w *walker) setFloat(dst *float64) error {
	s, err := w.str()
	if err != nil || s == "" {
		return err
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("want a number, got %q", s)
	}
	if *dst == 0 {
		*dst = f
	}
	return nil
}

// setJSON unmarshals the value into dst, naming the inner field on error.
func (w *walker) setJSON(dst any) error {
	v, err := w.value()
	if err != nil {
		return err
	}
	if err := json.Unmarshal(v, dst, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)); err != nil {
		return &pathError{suffix: pointerPath(err), reason: reason(err)}
	}
	return nil
}

// pointerPath renders the JSON pointer of a semantic error as a field path
// suffix: "/0/technique/1/id" gives "[0].technique[1].id".
func pointerPath(err error) string {
	var se *json.SemanticError
	if !errors.As(err, &se) {
		return ""
	}
	var b strings.Builder
	for tok := range se.JSONPointer.Tokens() {
		if _, err := strconv.Atoi(tok); err == nil {
			b.WriteString("[" + tok + "]")
			continue
		}
		b.WriteString("." + tok)
	}
	return b.String()
}

// reason says what a semantic error expected and found.
func reason(err error) string {
	var se *json.SemanticError
	if errors.As(err, &se) && se.GoType != nil {
		return fmt.Sprintf("want %s, got %s", goKind(se.GoType.Kind().String()), kindName(byte(se.JSONKind)))
	}
	return err.Error()
}

func goKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	case "float64", "int", "int64":
		return "a number"
	}
	return k
}
