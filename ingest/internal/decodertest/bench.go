package decodertest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"iter"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
)

// Bench decodes in with d at each iteration of b. count says how many
// units (unit is their plural: "alerts", "rows", …) a record holds; an
// iteration must give want of them. It reports bytes per unit, units per second and, where the CPU
// time is known, units per CPU second (better than the wall clock on a
// busy machine).
func Bench(b *testing.B, d Decoder, in []byte, unit string, want int, count func(debrief.Record) int) {
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	ctx := context.Background()
	cpu0 := CPUTime()
	for b.Loop() {
		got := 0
		for rec, err := range d.Decode(ctx, bytes.NewReader(in), "bench") {
			if err != nil {
				b.Fatal(err)
			}
			got += count(rec)
		}
		if got != want {
			b.Fatalf("decoded %d %s, want %d", got, unit, want)
		}
	}
	n := float64(want) * float64(b.N)
	b.ReportMetric(float64(len(in))/float64(want), "B/"+strings.TrimSuffix(unit, "s"))
	b.ReportMetric(n/b.Elapsed().Seconds(), unit+"/s")
	if cpu := (CPUTime() - cpu0).Seconds(); cpu > 0 {
		b.ReportMetric(n/cpu, unit+"/cpu-s")
	}
}

// Alerts counts the alerts of a record, in an incident or on their own.
func Alerts(rec debrief.Record) int {
	switch {
	case rec.Alert != nil:
		return 1
	case rec.Incident != nil:
		return len(rec.Incident.Alerts)
	}
	return 0
}

// Records counts each record as one.
func Records(debrief.Record) int { return 1 }

// StdlibBaseline is the benchmarks' same-run baseline: it parses each
// top-level JSON value of its input (an NDJSON line, or a whole document)
// into a map[string]any with encoding/json and yields one empty alert for
// it. It maps no field, so a decoder that beats it pays less for reading,
// checking and mapping a record than the standard library pays for
// reading it alone.
type StdlibBaseline struct{}

// Sniff accepts anything.
func (StdlibBaseline) Sniff([]byte) bool { return true }

// Decode parses r value by value.
func (StdlibBaseline) Decode(_ context.Context, r io.Reader, _ string) iter.Seq2[debrief.Record, error] {
	return func(yield func(debrief.Record, error) bool) {
		dec := json.NewDecoder(r)
		for {
			var m map[string]any
			if err := dec.Decode(&m); err == io.EOF {
				return
			} else if err != nil {
				yield(debrief.Record{}, err)
				return
			}
			if !yield(debrief.Record{Alert: &debrief.Alert{}}, nil) {
				return
			}
		}
	}
}
