package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/wire"
)

// Format identification first shows the decoders' Sniff the start of an
// input (sniffWindow bytes). An export whose first record is large and
// written with sorted keys names its distinguishing members late, so when
// the start does not tell, identification reads on, streaming, up to
// sniffLimit bytes: it skips leading white space and shows Sniff the
// next window, then the member names and short values of the records read
// so far, each once (see outline).
const (
	sniffWindow = 64 << 10
	sniffLimit  = 4 << 20
)

// errEmpty is the reason given for an input with nothing but white space
// (and a byte order mark).
var errEmpty = errors.New("file is empty")

// identify returns the decoder for the input whose content br gives (at
// its start), and what the decoder is to read: br, or, for stdin that
// the first window did not identify, a copy of it in a temporary file,
// which done removes. path is the input's path, "-" for stdin.
func (r *runner) identify(br *bufio.Reader, path string) (dec Decoder, rd io.Reader, done func(), err error) {
	done = func() {}
	if f := r.opts.Format; f != "" && f != "auto" {
		dec, err := r.named(f)
		return dec, br, done, err
	}
	head, _ := br.Peek(sniffWindow)
	if d := r.sniff(head); d != nil {
		return d, br, done, nil
	}
	if len(head) < sniffWindow { // the whole input
		if blank(head) {
			return nil, nil, done, errEmpty
		}
		return nil, nil, done, r.notAFormat()
	}
	// Read on from a second reader of the input (the file again, or a
	// copy of stdin), so that br's position and memory stay as they are.
	rd = br
	if path == "-" {
		if path, rd, done, err = spoolRest(br); err != nil {
			return nil, nil, done, err
		}
	}
	again, closeFn, err := r.open(path, false)
	if err == nil {
		dec, err = r.sniffDeep(again)
		closeFn()
	}
	if err != nil {
		done()
		return nil, nil, func() {}, err
	}
	return dec, rd, done, nil
}

// spoolRest copies what is left of stdin to a temporary file, which it
// opens; done closes and removes it.
func spoolRest(br *bufio.Reader) (path string, f *os.File, done func(), err error) {
	path, cleanup, err := spool(br)
	if err != nil {
		return "", nil, func() {}, err
	}
	if f, err = os.Open(path); err != nil {
		cleanup()
		return "", nil, func() {}, err
	}
	return path, f, func() { f.Close(); cleanup() }, nil
}

// named returns the decoder that --format names.
func (r *runner) named(f string) (Decoder, error) {
	for _, d := range r.opts.Decoders {
		if d.Name() == f {
			return d, nil
		}
	}
	return nil, debrief.Errorf(debrief.EINVALID, "unknown format %q: want one of %s", f, strings.Join(r.names(), ", "))
}

// sniff returns the first decoder whose Sniff accepts head, or nil.
func (r *runner) sniff(head []byte) Decoder {
	for _, d := range r.opts.Decoders {
		if d.Sniff(head) {
			return d
		}
	}
	return nil
}

// sniffDeep identifies an input the first window did not: it skips a byte
// order mark and white space, tries the next window, then the outline of
// the records, up to sniffLimit bytes in all.
func (r *runner) sniffDeep(in io.Reader) (Decoder, error) {
	lr := &io.LimitedReader{R: in, N: sniffLimit}
	br := bufio.NewReaderSize(lr, sniffWindow)
	wire.SkipBOM(br)
	for {
		b, err := br.Peek(1)
		if err != nil {
			return nil, errEmpty
		}
		if !isSpace(b[0]) {
			break
		}
		br.Discard(1)
	}
	head, _ := br.Peek(sniffWindow)
	if d := r.sniff(head); d != nil {
		return d, nil
	}
	var o outline
	dec := jsontextDecoder(br)
	tried := int64(0)
	for {
		err := o.read(dec)
		if o.changed && (err != nil || dec.InputOffset()-tried >= sniffWindow) {
			tried, o.changed = dec.InputOffset(), false
			if d := r.sniff(o.buf.Bytes()); d != nil {
				return d, nil
			}
		}
		if err == nil {
			continue
		}
		if lr.N > 0 && !errors.Is(err, errFull) { // the input ended, or is not JSON there
			return nil, r.notAFormat()
		}
		break
	}
	read := fmt.Sprintf("%d MiB", sniffLimit>>20)
	if lr.N > 0 { // the outline is full
		read = fmt.Sprintf("%d KiB", (sniffLimit-lr.N+1023)>>10)
	}
	return nil, fmt.Errorf("could not identify the format within the first %s (tried %s); name it with %s", read, strings.Join(r.names(), ", "), r.formatOption())
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func jsontextDecoder(r io.Reader) *jsontext.Decoder {
	return jsontext.NewDecoder(r, jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))
}

// blank reports whether b holds nothing but a byte order mark and white
// space.
func blank(b []byte) bool {
	return len(bytes.TrimLeft(bytes.TrimPrefix(b, []byte(wire.BOM)), " \t\r\n")) == 0
}

// notAFormat is the reason given for an input, read whole, that no
// decoder recognises.
func (r *runner) notAFormat() error {
	return fmt.Errorf("not a format debrief reads: tried %s; name one with %s if it is", strings.Join(r.names(), ", "), r.formatOption())
}

// formatOption is Options.FormatOption, "--format" when unset.
func (r *runner) formatOption() string {
	if r.opts.FormatOption == "" {
		return "--format"
	}
	return r.opts.FormatOption
}

// outline gathers what identifies the format of records too large for a
// window: each member name once, with the value it has where first read
// when short ("name":"value", "name":7, or "name":{ for an object), in the
// order read. Sniff finds in it the marks it looks for in raw JSON. Names
// are few where values are not (ids, times), so the outline stays small.
type outline struct {
	buf     bytes.Buffer
	seen    map[string]bool
	changed bool // something was added since the last look
}

// maxValue is the longest value an outline keeps; longer ones are cut.
const maxValue = 256

// read reads the next token, and after a name not seen before the first
// token of its value, and adds them. It returns the decoder's error
// (io.EOF at the end) or errFull once the outline holds a window's worth.
func (o *outline) read(dec *jsontext.Decoder) error {
	if o.buf.Len() >= sniffWindow {
		return errFull
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	if kind, n := dec.StackIndex(dec.StackDepth()); tok.Kind() != '"' || kind != '{' || n%2 == 0 {
		return nil // not a member name
	}
	name := tok.String()
	if o.seen[name] {
		return nil
	}
	if o.seen == nil {
		o.seen = map[string]bool{}
	}
	o.seen[name] = true
	v, err := dec.ReadToken()
	if err != nil {
		return err
	}
	entry := quote(name) + ":"
	switch v.Kind() {
	case '{', '[':
		entry += string(rune(v.Kind()))
	case '"':
		entry += quote(v.String())
	default:
		entry += v.String()
	}
	if o.buf.Len() > 0 {
		o.buf.WriteByte(',')
	}
	o.buf.WriteString(entry)
	o.changed = true
	return nil
}

var errFull = errors.New("outline full")

func quote(s string) string {
	if len(s) > maxValue {
		s = s[:maxValue]
	}
	return `"` + s + `"`
}
