package stix

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief/attack/internal/model"
)

// bigBundle has n techniques with long descriptions, enough to cross
// many of the inflating goroutine's chunks; technique noID has no id.
func bigBundle(n, noID int) []byte {
	var b strings.Builder
	b.WriteString(`{"type":"bundle","id":"bundle--1","objects":[`)
	desc := strings.Repeat("Adversaries may do something that takes many words to describe. ", 20)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		id := fmt.Sprintf(`"id":"attack-pattern--%08d-0000-4000-8000-000000000000",`, i)
		if i == noID {
			id = ""
		}
		fmt.Fprintf(&b, `{"type":"attack-pattern",%s"name":"Technique %d","description":%q,`+
			`"external_references":[{"source_name":"mitre-attack","external_id":"T%04d"}]}`, id, i, desc, i)
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

func gz(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestLoadManyChunks(t *testing.T) {
	raw := bigBundle(3000, -1)
	if len(raw) < 8*chunkSize {
		t.Fatalf("bundle of %d bytes is too small to test chunking", len(raw))
	}
	for name, in := range map[string][]byte{"plain": raw, "gzip": gz(t, raw)} {
		d, err := Load(bytes.NewReader(in), name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		n := 0
		for _, o := range d.Objects {
			if o.Kind == model.Technique {
				n++
			}
		}
		if n != 3000 || d.Domains[0].Name != "unknown" {
			t.Errorf("%s: %d techniques, domains %v; want 3000 and unknown", name, n, d.Domains)
		}
	}
}

// TestEarlyErrorStopsInflating checks that an error early in a large
// gzip bundle returns without inflating the rest, and leaves no goroutine.
func TestEarlyErrorStopsInflating(t *testing.T) {
	in := gz(t, bigBundle(3000, 5))
	before := runtime.NumGoroutine()
	_, err := Load(bytes.NewReader(in), "big.json.gz")
	if err == nil || !strings.Contains(err.Error(), `big.json.gz: objects[5] (attack-pattern): no "id"`) {
		t.Fatalf("Load = %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Load, %d before", n, before)
	}
}
