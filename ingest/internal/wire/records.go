package wire

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// MaxRecord is the largest record, in bytes, a decoder accepts. A larger one
// is rejected as a bad record (a 10 MB title is not an alert) and the
// decoder goes on with the next.
const MaxRecord = 8 << 20

// Item is one record found in an input.
type Item struct {
	Raw   jsontext.Value // the record's JSON; valid only until the next item, unless Kept
	Line  int            // 1-based line where the record starts; 0 when not known
	Index int            // 1-based position of the record in the input
	Err   error          // a bad record (Raw may be nil); see RecordError
	Fatal bool           // the input cannot be read further

	// Strings holds the spans of Raw's strings when the splitter knows
	// them (see Scanner.ResetStrings), else nil; valid as long as Raw.
	Strings []uint32

	// Parsed says the ParseFunc given to RecordsParsed has decoded the
	// record already, in the pass that checked it.
	Parsed bool

	// Kept says that Raw stays as it is after the next item: it is a
	// view of a buffer the splitter no longer writes to, which a decoder
	// may keep (as its record's Raw, say) instead of a copy. Nothing
	// must write to it; it keeps the whole buffer alive.
	Kept bool
}

// ParseFunc decodes the record at the start of b, in the pass that
// checks it, and returns its length. b may go on past the record (the
// next records, the rest of the input's buffer) or end inside it. ok
// must be true only when the function has checked the record as strictly
// as the splitter would have (syntax and UTF-8: see Scanner.ResetStrict)
// and decoded it; the splitter then yields the record with Parsed set,
// before it calls the function again. Otherwise (a record it cannot
// decode, a bad one, one that b cuts short) the splitter goes on as
// without it, and the record comes without Parsed.
type ParseFunc func(b []byte) (n int, ok bool)

// KeptParseFunc is a ParseFunc that is also told whether b stays as it
// is while the decoder keeps what it decodes (kept: the record would
// come with Item.Kept), so that it may decode views of b rather than
// copies (see Scanner.Keep). kept is false for lines of NDJSON, which are
// read into a buffer the next line overwrites.
type KeptParseFunc func(b []byte, kept bool) (n int, ok bool)

// Container names a member of a top-level object whose array holds the
// records, e.g. "value" (Microsoft APIs), "records" (Event Hubs) or
// "hits.hits" (Elasticsearch search responses).
type Container = string

// Records splits r into records, streaming, whatever its layout:
//
//   - NDJSON: one JSON value per line (blank lines skipped);
//   - a JSON array of records, or several concatenated JSON documents;
//   - an object holding the records in one of the containers;
//   - a single object, which is one record.
//
// Arrays and containers are flattened one level: each element is a record.
// A syntax error inside a line of NDJSON spoils that line only; anywhere
// else it ends the input (Fatal).
func Records(r io.Reader, containers ...Container) iter.Seq[Item] {
	return RecordsParsed(r, nil, containers...)
}

// RecordsParsed is Records with parse, when not nil, given the records
// of arrays and of NDJSON lines to decode in the same pass that checks
// them (see ParseFunc): one pass over the bytes of a record rather than
// two.
func RecordsParsed(r io.Reader, parse ParseFunc, containers ...Container) iter.Seq[Item] {
	return records(r, ignoreKept(parse), false, containers)
}

// RecordsParsedKept is RecordsParsed with a parse told which records it
// may keep views of.
func RecordsParsedKept(r io.Reader, parse KeptParseFunc, containers ...Container) iter.Seq[Item] {
	return records(r, parse, false, containers)
}

// ignoreKept makes parse a KeptParseFunc, or nil.
func ignoreKept(parse ParseFunc) KeptParseFunc {
	if parse == nil {
		return nil
	}
	return func(b []byte, _ bool) (int, bool) { return parse(b) }
}

// RecordsParsedRoot is RecordsParsed for a parse that also refuses (ok
// false) every record whose top-level object has a member named as the
// first name of one of the containers ("hits" for "hits.hits"): the
// splitter then hands the lines of NDJSON to parse without looking for
// the containers' names in them first, and reads the lines parse
// refuses itself.
func RecordsParsedRoot(r io.Reader, parse ParseFunc, containers ...Container) iter.Seq[Item] {
	return records(r, ignoreKept(parse), parse != nil, containers)
}

func records(r io.Reader, parse KeptParseFunc, refuses bool, containers []Container) iter.Seq[Item] {
	return func(yield func(Item) bool) {
		br := bufio.NewReaderSize(r, 1<<16)
		bom := SkipBOM(br)
		if isNDJSON(br, containers) {
			lines(br, splitter{containers: containers, yield: yield, parse: parse, refuses: refuses})
			return
		}
		s := splitter{containers: containers, yield: yield, rd: br, parse: parse, base: bom}
		dec := jsontext.NewDecoder(br, jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
		s.stream(dec, 0)
	}
}

// BOM is the UTF-8 byte order mark that Windows tools (PowerShell's
// Out-File, Excel) write at the start of a text file.
const BOM = "\xef\xbb\xbf"

// SkipBOM discards a byte order mark at the start of br and returns how
// many bytes it discarded: 3, or 0 when there is none. Line numbers do
// not change (the mark holds no line break); offsets in the input are
// the returned count more than offsets in what br gives after it.
func SkipBOM(br *bufio.Reader) int64 {
	if b, _ := br.Peek(len(BOM)); string(b) == BOM {
		br.Discard(len(BOM))
		return int64(len(BOM))
	}
	return 0
}

// isNDJSON reports whether the first non-blank line holds a complete JSON
// object followed by a line break: the mark of NDJSON.
func isNDJSON(br *bufio.Reader, containers []Container) bool {
	peek, _ := br.Peek(1 << 16)
	head := bytes.TrimLeft(peek, " \t\r\n")
	if len(head) == 0 || head[0] != '{' {
		return false
	}
	nl := bytes.IndexByte(head, '\n')
	if nl < 0 {
		// One line, or a first line longer than the peek: line mode
		// reads either, unless the long line is an envelope (a whole API
		// response saved without line breaks), which may be larger than
		// MaxRecord: the streaming splitter reads those record by record.
		return len(peek) < 1<<16 || !opensContainer(head, containers)
	}
	return jsontext.Value(bytes.TrimSpace(head[:nl])).IsValid(jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
}

// opensContainer reports whether head, the start of an object, reaches
// one of the containers at its top level.
func opensContainer(head []byte, containers []Container) bool {
	dec := jsontext.NewDecoder(bytes.NewReader(head), jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
	if _, err := dec.ReadToken(); err != nil {
		return false
	}
	s := splitter{containers: containers}
	for {
		name, err := dec.ReadToken()
		if err != nil || name.Kind() != '"' {
			return false
		}
		if sub, ok := s.container(name.String()); ok && (dec.PeekKind() == '[' || sub != "" && dec.PeekKind() == '{') {
			return true
		}
		if err := dec.SkipValue(); err != nil {
			return false
		}
	}
}

type splitter struct {
	containers []Container
	yield      func(Item) bool
	index      int
	stopped    bool

	spans []uint32 // string spans of the last record validEnd checked
	parse KeptParseFunc

	// refuses: parse refuses every record whose top-level object names a
	// container (see EachParsedRoot), so the records it accepts need no
	// look for the containers' names first.
	refuses bool

	// whole is the line being split (line mode), which is the record
	// when it holds no container: as the fast paths yield it, not as
	// object rebuilds it.
	whole []byte

	// rd is what the decoder reads from, and base the offset in the
	// input of rd's first byte: fastElements reads arrays of records
	// itself and hands the rest back to the decoder (see handBack).
	rd   io.Reader
	base int64
}

func (s *splitter) emit(it Item) bool { return s.emitChecked(it, false) }

// emitChecked emits it; utf8ok says validEnd has checked its UTF-8.
func (s *splitter) emitChecked(it Item, utf8ok bool) bool {
	if s.stopped {
		return false
	}
	s.index++
	it.Index = s.index
	if it.Err == nil && len(it.Raw) > MaxRecord {
		it.Err, it.Raw = fmt.Errorf("record is %d bytes, more than the %d MiB limit", len(it.Raw), MaxRecord>>20), nil
	} else if it.Err == nil && !utf8ok && !utf8.Valid(it.Raw) {
		it.Err, it.Raw = errors.New("record is not valid UTF-8"), nil
	}
	if !s.yield(it) {
		s.stopped = true
	}
	return !s.stopped
}

func (s *splitter) fatal(err error, line int) {
	var se *jsontext.SyntacticError
	if errors.As(err, &se) {
		se.ByteOffset += s.base
		err = inputSyntaxError{se}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		err = fmt.Errorf("input ends in the middle of a record (truncated?): %w", err)
	}
	s.index++
	if !s.stopped {
		s.yield(Item{Err: err, Line: line, Index: s.index, Fatal: true})
	}
	s.stopped = true
}

// inputSyntaxError is a syntax error that ends an input, in words that
// do not name the parser.
type inputSyntaxError struct{ se *jsontext.SyntacticError }

func (e inputSyntaxError) Error() string {
	msg := "syntax error"
	if e.se.Err != nil {
		msg = e.se.Err.Error()
	}
	if e.se.ByteOffset > 0 {
		return fmt.Sprintf("invalid JSON: %s (after byte %d)", msg, e.se.ByteOffset)
	}
	return "invalid JSON: " + msg
}

func (e inputSyntaxError) Unwrap() error { return e.se }

// SyntaxError describes err, from decoding a record, when it is or wraps
// a syntax error of jsontext (an invalid escape, say), in words that do
// not name the parser: the dotted path of the value it is in and "invalid
// JSON: …". ok is false for other errors.
func SyntaxError(err error) (field, reason string, ok bool) {
	var se *jsontext.SyntacticError
	if !errors.As(err, &se) {
		return "", "", false
	}
	if se.Err == nil {
		return Path(se.JSONPointer), "invalid JSON", true
	}
	return Path(se.JSONPointer), "invalid JSON: " + se.Err.Error(), true
}

// stream reads every top-level value of dec. line, when not 0, is the
// line all its records are on (line mode).
func (s *splitter) stream(dec *jsontext.Decoder, line int) {
	for !s.stopped {
		switch dec.PeekKind() {
		case '[':
			if _, err := dec.ReadToken(); err != nil {
				s.fatal(err, line)
				return
			}
			if !s.elements(dec, line) {
				return
			}
		case '{':
			if !s.object(dec, line) {
				return
			}
		case 0:
			if _, err := dec.ReadToken(); err != nil && !errors.Is(err, io.EOF) {
				s.fatal(err, line)
			}
			return
		default:
			v, err := dec.ReadValue()
			if err != nil {
				s.fatal(err, line)
				return
			}
			s.emit(Item{Err: fmt.Errorf("want a JSON object, got %s", KindName(v.Kind())), Line: line})
		}
	}
}

// elements emits each element of an array whose '[' was read.
func (s *splitter) elements(dec *jsontext.Decoder, line int) bool {
	if !s.fastElements(dec, line) {
		return false
	}
	for dec.PeekKind() != ']' {
		v, err := dec.ReadValue()
		if err != nil {
			s.fatal(err, line)
			return false
		}
		if v.Kind() != '{' {
			if !s.emit(Item{Err: fmt.Errorf("want a JSON object, got %s", KindName(v.Kind())), Line: line}) {
				return false
			}
			continue
		}
		if !s.emit(Item{Raw: v, Line: line}) {
			return false
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		s.fatal(err, line)
		return false
	}
	return true
}

// object reads one top-level object. If it holds a container, the
// container's elements are the records; otherwise the object is one.
func (s *splitter) object(dec *jsontext.Decoder, line int) bool {
	if _, err := dec.ReadToken(); err != nil {
		s.fatal(err, line)
		return false
	}
	var rebuilt []byte
	rebuilt = append(rebuilt, '{')
	found := false
	for dec.PeekKind() != '}' {
		name, err := dec.ReadValue()
		if err != nil {
			s.fatal(err, line)
			return false
		}
		// name points into the decoder's buffer, which the next read
		// (even a peek) may overwrite: copy it first.
		mark := len(rebuilt)
		if mark > 1 {
			rebuilt = append(rebuilt, ',')
		}
		rebuilt = append(rebuilt, name...)
		key := unquote(rebuilt[len(rebuilt)-len(name):])
		rebuilt = append(rebuilt, ':')
		if sub, ok := s.container(key); ok && (dec.PeekKind() == '[' || sub != "" && dec.PeekKind() == '{') {
			found = true
			rebuilt = rebuilt[:mark]
			if !s.inner(dec, sub, line) {
				return false
			}
			continue
		}
		v, err := dec.ReadValue()
		if err != nil {
			s.fatal(err, line)
			return false
		}
		rebuilt = append(rebuilt, v...)
	}
	if _, err := dec.ReadToken(); err != nil {
		s.fatal(err, line)
		return false
	}
	if found {
		return true
	}
	if s.whole != nil {
		return s.emit(Item{Raw: s.whole, Line: line})
	}
	return s.emit(Item{Raw: append(rebuilt, '}'), Line: line})
}

// container reports whether key names a container, and the rest of its
// dotted path ("hits.hits" gives "hits" for the key "hits").
func (s *splitter) container(key string) (rest string, ok bool) {
	for _, c := range s.containers {
		head, tail, _ := bytes.Cut([]byte(c), []byte("."))
		if string(head) == key {
			return string(tail), true
		}
	}
	return "", false
}

// inner descends into a container value: an array of records, or for a
// dotted path an object whose member named sub holds the array.
func (s *splitter) inner(dec *jsontext.Decoder, sub string, line int) bool {
	if sub == "" || dec.PeekKind() == '[' {
		if dec.PeekKind() != '[' {
			v, err := dec.ReadValue()
			if err != nil {
				s.fatal(err, line)
				return false
			}
			return s.emit(Item{Err: fmt.Errorf("want an array of records, got %s", KindName(v.Kind())), Line: line})
		}
		if _, err := dec.ReadToken(); err != nil {
			s.fatal(err, line)
			return false
		}
		return s.elements(dec, line)
	}
	if _, err := dec.ReadToken(); err != nil {
		s.fatal(err, line)
		return false
	}
	for dec.PeekKind() != '}' {
		name, err := dec.ReadValue()
		if err != nil {
			s.fatal(err, line)
			return false
		}
		if key := unquote(name); key == sub && dec.PeekKind() == '[' {
			if !s.inner(dec, "", line) {
				return false
			}
			continue
		}
		if err := dec.SkipValue(); err != nil {
			s.fatal(err, line)
			return false
		}
	}
	_, err := dec.ReadToken()
	if err != nil {
		s.fatal(err, line)
	}
	return err == nil
}

// lines reads NDJSON: every line is read on its own, so a bad line costs
// only itself.
func lines(br *bufio.Reader, s splitter) {
	dec := jsontext.NewDecoder(bytes.NewReader(nil), jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
	var long []byte
	for n := 1; !s.stopped; n++ {
		line, err := readLine(br, &long)
		if err != nil && !errors.Is(err, io.EOF) {
			if errors.Is(err, errTooLong) {
				s.emit(Item{Err: fmt.Errorf("line is longer than the %d MiB limit", MaxRecord>>20), Line: n})
				continue
			}
			s.fatal(err, n)
			return
		}
		if t := bytes.TrimSpace(line); len(t) > 0 {
			s.line(dec, t, n)
		}
		if errors.Is(err, io.EOF) {
			return
		}
	}
}

func (s *splitter) line(dec *jsontext.Decoder, t []byte, n int) {
	if t[0] == '{' && s.parse != nil && (s.refuses || !s.mayContain(t)) {
		// Fastest path: the decoder checks and decodes the record at once.
		if end, ok := s.parse(t, false); ok && end == len(t) {
			s.emitChecked(Item{Raw: t, Line: n, Parsed: true}, true)
			return
		}
	}
	if t[0] == '{' {
		// Fast path: a well-formed object that names no container is
		// one record; validEnd checks it in one pass, UTF-8 included.
		if end, ok, _ := validEnd(t, 0, &s.spans); ok && end == len(t) && !s.mayContain(t) {
			s.emitChecked(Item{Raw: t, Line: n, Strings: s.spans}, true)
			return
		}
	}
	if t[0] != '{' && t[0] != '[' || !jsontext.Value(t).IsValid(jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true)) {
		s.emit(Item{Err: fmt.Errorf("line is not a complete JSON object (truncated or not JSON)"), Line: n})
		return
	}
	if t[0] == '{' && !s.mayContain(t) {
		s.emit(Item{Raw: t, Line: n})
		return
	}
	rd := bytes.NewReader(t)
	dec.Reset(rd, jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
	inner := splitter{containers: s.containers, index: s.index, yield: s.yield, rd: rd, parse: s.parse, whole: t}
	inner.stream(dec, n)
	s.index, s.stopped = inner.index, inner.stopped
}

// mayContain reports whether t mentions a container's first name followed
// by a quote anywhere; when it does not, t cannot hold a container. The
// pattern leaves out the opening quote on purpose: a search that starts
// with '"' stops at every string of the line and costs five times more.
func (s *splitter) mayContain(t []byte) bool {
	for _, c := range s.containers {
		head, _, _ := strings.Cut(c, ".")
		if bytes.Contains(t, []byte(head+`"`)) {
			return true
		}
	}
	return false
}

var errTooLong = errors.New("line too long")

// readLine returns the next line without its terminator. Lines over
// MaxRecord are drained and reported as errTooLong.
func readLine(br *bufio.Reader, buf *[]byte) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == nil || !errors.Is(err, bufio.ErrBufferFull) {
		return line, err
	}
	*buf = append((*buf)[:0], line...)
	for {
		line, err = br.ReadSlice('\n')
		if len(*buf)+len(line) > MaxRecord {
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, err
			}
			return nil, errTooLong
		}
		*buf = append(*buf, line...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			return *buf, err
		}
	}
}

func unquote(name jsontext.Value) string {
	if len(name) >= 2 && bytes.IndexByte(name, '\\') < 0 {
		return string(name[1 : len(name)-1])
	}
	var s string
	if err := jsonUnquote(name, &s); err != nil {
		return ""
	}
	return s
}

// KindName names a kind of JSON value for an error message, e.g. "a
// string"; an unknown kind is "nothing".
func KindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '[':
		return "an array"
	case '{':
		return "an object"
	}
	return "nothing"
}

// Path writes a JSON pointer as a dotted field path, the way record errors
// name fields: /alerts/2/title gives alerts[2].title.
func Path(ptr jsontext.Pointer) string {
	var b strings.Builder
	for tok := range ptr.Tokens() {
		if _, err := strconv.Atoi(tok); err == nil {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}
