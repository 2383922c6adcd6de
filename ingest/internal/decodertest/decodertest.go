package decodertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/testutil"
)

// Decoder is the part of ingest.Decoder the harness uses.
type Decoder interface {
	Sniff(head []byte) bool
	Decode(ctx context.Context, r io.Reader, file string) iter.Seq2[debrief.Record, error]
}

// Result is what one decoding yielded.
type Result struct {
	Recs []debrief.Record
	Errs []*debrief.RecordError
	Out  []any // records, and errors as {"error": text}, in order, for goldens
}

// Decode decodes r, named file, with d. An error that is not a
// *debrief.RecordError fails the test, and so does a record that does not
// validate.
func Decode(t testing.TB, d Decoder, r io.Reader, file string) Result {
	t.Helper()
	var res Result
	for rec, err := range d.Decode(context.Background(), r, file) {
		if err != nil {
			var re *debrief.RecordError
			if !errors.As(err, &re) {
				t.Fatalf("%s: error is not a *debrief.RecordError: %v", file, err)
			}
			res.Errs = append(res.Errs, re)
			res.Out = append(res.Out, map[string]string{"error": re.Error()})
			continue
		}
		if err := rec.Validate(); err != nil {
			t.Errorf("%s: record %d does not validate: %v", file, rec.Index, err)
		}
		res.Recs = append(res.Recs, rec)
		res.Out = append(res.Out, rec)
	}
	return res
}

// DecodeFile decodes the file at path, named by its base name.
func DecodeFile(t testing.TB, d Decoder, path string) Result {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Decode(t, d, f, filepath.Base(path))
}

// Golden compares v, as indented JSON, with testdata/<name>.golden.
func Golden(t testing.TB, name string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, name, append(b, '\n'))
}

// Fixtures decodes each good fixture matching pattern (there must be
// one) in a subtest: it must yield no error, and its records are compared
// with the golden named after the subtest.
func Fixtures(t *testing.T, d Decoder, pattern string) {
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			res := DecodeFile(t, d, path)
			for _, e := range res.Errs {
				t.Errorf("unexpected error: %v", e)
			}
			Golden(t, t.Name(), res.Recs)
		})
	}
}

// WantErr is one expected record error.
type WantErr struct {
	Line, Record int
	Field        string
	Kept         bool
	Reason       string // a part of the reason; any reason when empty
}

// CheckErrors compares errs with want, in order; each must be of file
// unless file is empty.
func CheckErrors(t testing.TB, file string, errs []*debrief.RecordError, want []WantErr) {
	t.Helper()
	if len(errs) != len(want) {
		t.Fatalf("got %d errors, want %d: %v", len(errs), len(want), errs)
	}
	for i, w := range want {
		e := errs[i]
		if file != "" && e.File != file || e.Line != w.Line || e.Record != w.Record || e.Field != w.Field || e.Kept != w.Kept ||
			e.Reason == "" || !strings.Contains(e.Reason, w.Reason) {
			t.Errorf("error %d = %+v\nwant %+v", i, *e, w)
		}
	}
}

// Head is the start of b that a Sniff sees: at most 64 KiB.
func Head(b []byte) []byte {
	return b[:min(len(b), 64<<10)]
}

// Sniff checks d.Sniff on the head of each file: true for the fixtures
// matching pattern, and for each shared sample (samples/…, prose left
// out) what mine says of its slash-separated path below samples/.
func Sniff(t *testing.T, d Decoder, pattern string, mine func(rel string) bool) {
	t.Helper()
	own, _ := filepath.Glob(pattern)
	for _, path := range own {
		if !d.Sniff(Head(read(t, path))) {
			t.Errorf("Sniff(%s) = false, want true", path)
		}
	}
	root := testutil.SharedData(t, "samples")
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || strings.HasSuffix(p, ".md") {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if got, want := d.Sniff(Head(read(t, p))), mine(rel); got != want {
			t.Errorf("Sniff(%s) = %v, want %v", rel, got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// In says whether a sample's path is in dir, for Sniff.
func In(dir string) func(rel string) bool {
	return func(rel string) bool { return strings.HasPrefix(rel, dir+"/") }
}

func read(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Fuzz feeds d arbitrary input (the seeds are in testdata/fuzz/<name of
// the fuzz test>): it must not panic, every error must be a
// *debrief.RecordError, which does not name the parser, and every record
// must validate.
func Fuzz(f *testing.F, d Decoder) {
	f.Fuzz(func(t *testing.T, in []byte) {
		for rec, err := range d.Decode(context.Background(), bytes.NewReader(in), "fuzz") {
			if err != nil {
				var re *debrief.RecordError
				if !errors.As(err, &re) {
					t.Fatalf("error is not a *debrief.RecordError: %v", err)
				}
				if strings.Contains(re.Field+re.Reason, "jsontext") {
					t.Fatalf("error names the parser: %v", err)
				}
				continue
			}
			if err := rec.Validate(); err != nil {
				t.Fatalf("record %d does not validate: %v", rec.Index, err)
			}
		}
	})
}

// Cancelled checks that d, given a cancelled context, yields
// context.Canceled once and nothing else.
func Cancelled(t *testing.T, d Decoder, in string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var errs []error
	for _, err := range d.Decode(ctx, strings.NewReader(in), "x") {
		errs = append(errs, err)
	}
	if len(errs) != 1 || !errors.Is(errs[0], context.Canceled) {
		t.Errorf("got %v, want one context.Canceled", errs)
	}
}
