package d3fend

import (
	"bytes"
	"testing"
)

// BenchmarkEmbeddedLoad measures what the first call of Embedded costs:
// decoding and indexing the embedded snapshot (SetBytes: compressed size).
func BenchmarkEmbeddedLoad(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(embeddedSnapshot)))
	for b.Loop() {
		if _, err := Load(bytes.NewReader(embeddedSnapshot)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFor measures one look-up with its parent fallback.
func BenchmarkFor(b *testing.B) {
	cat, err := Embedded()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if len(cat.For("T1003.001")) == 0 || len(cat.For("T1036.012")) == 0 {
			b.Fatal("no matches")
		}
	}
}
