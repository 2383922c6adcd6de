package ingest

import (
	"bytes"
	"context"
	"io"
	"iter"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
)

// markDecoder recognises inputs that hold all its marks.
type markDecoder struct {
	name  string
	marks []string
}

func (d markDecoder) Name() string { return d.name }

func (d markDecoder) Sniff(head []byte) bool {
	for _, m := range d.marks {
		if !bytes.Contains(head, []byte(m)) {
			return false
		}
	}
	return true
}

func (markDecoder) Decode(context.Context, io.Reader, string) iter.Seq2[debrief.Record, error] {
	return func(func(debrief.Record, error) bool) {}
}

// FuzzSniffDeep checks that reading on never panics, keeps its outline
// within bounds, and finds a mark the input holds as a member name, in
// whatever layout, after a window of white space.
func FuzzSniffDeep(f *testing.F) {
	for _, seed := range []string{`{"b":1,"a":{"x":[1,"y"]}}`, `[{"a":1},{"b":"\u0061"}]`, "{\"b\":1}\n{\"a\":2}\n", `{"value":[{"b":{"c":"`} {
		f.Add(seed)
	}
	r := &runner{opts: Options{Decoders: []Decoder{markDecoder{"a", []string{`"a":`}}}}}
	f.Fuzz(func(t *testing.T, in string) {
		var o outline
		dec := jsontextDecoder(strings.NewReader(in))
		for o.read(dec) == nil {
		}
		if o.buf.Len() > sniffWindow+2*maxValue+8 {
			t.Fatalf("outline of %d bytes", o.buf.Len())
		}
		d, err := r.sniffDeep(strings.NewReader(strings.Repeat(" ", sniffWindow) + in))
		if d == nil && err == nil {
			t.Fatal("no decoder and no error")
		}
		if d == nil && bytes.Contains(o.buf.Bytes(), []byte(`"a":`)) {
			t.Fatalf("outline %s holds the mark, but: %v", o.buf.Bytes(), err)
		}
	})
}
