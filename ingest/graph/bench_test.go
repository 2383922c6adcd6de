package graph_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/ingest/graph"
	"github.com/debrief-dev/debrief/ingest/internal/decodertest"
)

// BenchmarkDecodeNormalise measures what issue #3's target is about:
// decoding an alerts_v2 response and normalising each alert through the
// embedded ATT&CK catalog, on one goroutine. alerts/cpu-s is the figure
// to read on a busy machine.
func BenchmarkDecodeNormalise(b *testing.B) {
	benchDecodeNormalise(b, graph.New())
}

// BenchmarkDecodeNormaliseBaseline is BenchmarkDecodeNormalise the way
// it was before records were decoded in the pass that checks them: the
// splitter checks each record, then the scanner decodes it.
func BenchmarkDecodeNormaliseBaseline(b *testing.B) {
	defer graph.SetSinglePass(false)()
	benchDecodeNormalise(b, graph.New())
}

func benchDecodeNormalise(b *testing.B, d ingest.Decoder) {
	const n = 10000
	data := graph.GenerateAlerts(n)
	cat, err := attack.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	k := ingest.Catalog(cat)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu0 := decodertest.CPUTime()
	for b.Loop() {
		counts := ingest.Counts{Unknown: map[debrief.TechniqueID]int{}, Revoked: map[debrief.TechniqueID]string{}}
		got := 0
		for rec, err := range d.Decode(context.Background(), bytes.NewReader(data), "bench") {
			if err != nil {
				b.Fatal(err)
			}
			for _, a := range rec.Alerts() {
				ingest.Normalise(k, a, &counts)
				got++
			}
		}
		if got != n {
			b.Fatalf("decoded %d alerts, want %d", got, n)
		}
	}
	cpu := decodertest.CPUTime() - cpu0
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "alerts/s")
	if cpu > 0 {
		b.ReportMetric(float64(n*b.N)/cpu.Seconds(), "alerts/cpu-s")
	}
}
