package graph_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/ingest/graph"
	"github.com/debrief-dev/debrief/ingest/internal/decodertest"
	"github.com/debrief-dev/debrief/ingest/internal/wire"
	"github.com/go-json-experiment/json/jsontext"
)

// BenchmarkDecodeNormalise measures what issue #3's target is about:
// decoding an alerts_v2 response and normalising each alert through the
// embedded ATT&CK catalog, on one goroutine. alerts/cpu-s is the figure
// to read on a busy machine.
func BenchmarkDecodeNormalise(b *testing.B) {
	benchDecodeNormalise(b, graph.New())
}

// BenchmarkDecodeNormaliseFile is BenchmarkDecodeNormalise reading the
// response from a file, as debrief ingest does: the input comes through
// read system calls, and the program does not hold the response, so its
// heap is small and the collector runs far more often.
func BenchmarkDecodeNormaliseFile(b *testing.B) {
	name := filepath.Join(b.TempDir(), "alerts.json")
	if err := os.WriteFile(name, graph.GenerateAlerts(benchAlertCount), 0o600); err != nil {
		b.Fatal(err)
	}
	info, err := os.Stat(name)
	if err != nil {
		b.Fatal(err)
	}
	k, d := benchCatalog(b), graph.New()
	benchPasses(b, info.Size(), func() int {
		f, err := os.Open(name)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		return decodeNormalise(b, k, d, f)
	})
}

// BenchmarkDecodeNormaliseBaseline is BenchmarkDecodeNormalise the way
// it was before records were decoded in the pass that checks them: the
// splitter checks each record, then the scanner decodes it.
func BenchmarkDecodeNormaliseBaseline(b *testing.B) {
	defer graph.SetSinglePass(false)()
	benchDecodeNormalise(b, graph.New())
}

// BenchmarkSplit is a ceiling for BenchmarkDecodeNormalise: the
// splitter alone on the same response (wire.Records finding each alert
// of value[] and checking its syntax and UTF-8), decoding nothing. A
// decoder that checks every byte as strictly cannot run faster.
func BenchmarkSplit(b *testing.B) {
	benchAlerts(b, func(data []byte) int {
		got := 0
		for it := range wire.Records(bytes.NewReader(data), "value") {
			if it.Err != nil {
				b.Fatal(it.Err)
			}
			got++
		}
		return got
	})
}

// BenchmarkValidJSONText is another ceiling for BenchmarkDecodeNormalise:
// jsontext checking the whole response as strictly as the splitter does
// (syntax and UTF-8; duplicate names allowed), decoding nothing.
func BenchmarkValidJSONText(b *testing.B) {
	benchAlerts(b, func(data []byte) int {
		if !jsontext.Value(data).IsValid(jsontext.AllowDuplicateNames(true)) {
			b.Fatal("generated response is not valid JSON")
		}
		return benchAlertCount
	})
}

// benchAlertCount is how many alerts the benchmarks' response holds.
const benchAlertCount = 10000

func benchDecodeNormalise(b *testing.B, d ingest.Decoder) {
	k := benchCatalog(b)
	benchAlerts(b, func(data []byte) int { return decodeNormalise(b, k, d, bytes.NewReader(data)) })
}

func benchCatalog(b *testing.B) ingest.Knowledge {
	cat, err := attack.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	return ingest.Catalog(cat)
}

// decodeNormalise decodes r and normalises each alert; it returns how
// many alerts there were.
func decodeNormalise(b *testing.B, k ingest.Knowledge, d ingest.Decoder, r io.Reader) int {
	counts := ingest.Counts{Unknown: map[debrief.TechniqueID]int{}, Revoked: map[debrief.TechniqueID]string{}}
	got := 0
	for rec, err := range d.Decode(context.Background(), r, "bench") {
		if err != nil {
			b.Fatal(err)
		}
		for _, a := range rec.Alerts() {
			ingest.Normalise(k, a, &counts)
			got++
		}
	}
	return got
}

// benchAlerts runs one pass over an alerts_v2 response of
// benchAlertCount generated alerts at each iteration (see benchPasses);
// pass returns how many alerts it found.
func benchAlerts(b *testing.B, pass func(data []byte) int) {
	data := graph.GenerateAlerts(benchAlertCount)
	benchPasses(b, int64(len(data)), func() int { return pass(data) })
}

// benchPasses runs pass, over size bytes of benchAlertCount alerts, at
// each iteration; pass returns how many alerts it found. It reports
// alerts per second and per CPU second, the figure to read on a busy
// machine.
func benchPasses(b *testing.B, size int64, pass func() int) {
	b.SetBytes(size)
	b.ReportAllocs()
	cpu0 := decodertest.CPUTime()
	for b.Loop() {
		if got := pass(); got != benchAlertCount {
			b.Fatalf("found %d alerts, want %d", got, benchAlertCount)
		}
	}
	cpu := decodertest.CPUTime() - cpu0
	n := float64(benchAlertCount * b.N)
	b.ReportMetric(n/b.Elapsed().Seconds(), "alerts/s")
	if cpu > 0 {
		b.ReportMetric(n/cpu.Seconds(), "alerts/cpu-s")
	}
}
