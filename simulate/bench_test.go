package simulate

import (
	"context"
	"encoding/json"
	"io"
	"sync"
	"testing"
	"time"
)

// benchEvents simulates 30 days at 200 incidents a day once per test
// binary: the writers' benchmarks replay them.
var benchEvents = sync.OnceValues(func() ([]Event, error) {
	gn, err := NewGenerator(Options{Seed: 7, Days: 30, IncidentsPerDay: 200, Formats: Formats()})
	if err != nil {
		return nil, err
	}
	var evs []Event
	for ev, err := range gn.Events(context.Background()) {
		if err != nil {
			return nil, err
		}
		if ev.Incident != nil {
			evs = append(evs, ev)
		}
	}
	return evs, nil
})

// benchmarkWrite writes the events in one format to io.Discard and
// reports alerts written per second (wall clock and CPU).
func benchmarkWrite(b *testing.B, format string) {
	evs, err := benchEvents()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var bytes, alerts, records int64
	cpu0 := cpuTime()
	for b.Loop() {
		w := newWriter(format, 7, "tenant", "subscription")
		o := &output{name: format, w: w}
		day := time.Time{}
		for i := range evs {
			ev := &evs[i]
			if !ev.Day.Equal(day) {
				if o.started {
					w.tail(&o.e)
					o.started = false
				}
				day = ev.Day
			}
			if !o.started {
				w.head(&o.e, ev.Day)
				o.started = true
			}
			r, a := w.event(&o.e, ev)
			alerts, records = alerts+int64(a), records+int64(r)
			if len(o.e.b) >= 1<<18 {
				bytes += int64(len(o.e.b))
				io.Discard.Write(o.e.b)
				o.e.b = o.e.b[:0]
			}
		}
		w.tail(&o.e)
		bytes += int64(len(o.e.b))
		o.e.reset()
	}
	b.SetBytes(bytes / int64(b.N))
	b.ReportMetric(float64(alerts)/b.Elapsed().Seconds(), "alerts/s")
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
	if cpu := (cpuTime() - cpu0).Seconds(); cpu > 0 {
		b.ReportMetric(float64(alerts)/cpu, "alerts/cpu-s")
	}
}

func BenchmarkWriteDefender(b *testing.B) { benchmarkWrite(b, FormatDefender) }
func BenchmarkWriteGraph(b *testing.B)    { benchmarkWrite(b, FormatGraph) }
func BenchmarkWriteSentinel(b *testing.B) { benchmarkWrite(b, FormatSentinel) }
func BenchmarkWriteElastic(b *testing.B)  { benchmarkWrite(b, FormatElastic) }
func BenchmarkWriteWazuh(b *testing.B)    { benchmarkWrite(b, FormatWazuh) }
func BenchmarkWriteOCSF(b *testing.B)     { benchmarkWrite(b, FormatOCSF) }

// BenchmarkWriteDefenderStdlib is the baseline of BenchmarkWriteDefender:
// the same incidents marshalled by encoding/json (debrief's own shape).
func BenchmarkWriteDefenderStdlib(b *testing.B) {
	evs, err := benchEvents()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var alerts int64
	cw := &countingWriter{}
	cpu0 := cpuTime()
	for b.Loop() {
		enc := json.NewEncoder(cw)
		for i := range evs {
			if err := enc.Encode(evs[i].Incident); err != nil {
				b.Fatal(err)
			}
			alerts += int64(len(evs[i].Incident.Alerts))
		}
	}
	b.SetBytes(cw.n / int64(b.N))
	b.ReportMetric(float64(alerts)/b.Elapsed().Seconds(), "alerts/s")
	if cpu := (cpuTime() - cpu0).Seconds(); cpu > 0 {
		b.ReportMetric(float64(alerts)/cpu, "alerts/cpu-s")
	}
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

// BenchmarkGenerate runs the generator alone: planning, handling and the
// daily snapshots of 30 days at 200 incidents a day.
func BenchmarkGenerate(b *testing.B) {
	b.ReportAllocs()
	var alerts int64
	cpu0 := cpuTime()
	for b.Loop() {
		gn, err := NewGenerator(Options{Seed: 7, Days: 30, IncidentsPerDay: 200})
		if err != nil {
			b.Fatal(err)
		}
		for ev, err := range gn.Events(context.Background()) {
			if err != nil {
				b.Fatal(err)
			}
			if ev.Incident != nil {
				alerts += int64(len(ev.Incident.Alerts))
			}
		}
	}
	b.ReportMetric(float64(alerts)/b.Elapsed().Seconds(), "alerts/s")
	if cpu := (cpuTime() - cpu0).Seconds(); cpu > 0 {
		b.ReportMetric(float64(alerts)/cpu, "alerts/cpu-s")
	}
}

// BenchmarkRun is the whole command: generate and write the Graph export
// and the ground truth to files, with the command's GC settings
// (TuneGC).
func BenchmarkRun(b *testing.B) {
	defer TuneGC()()
	benchmarkRun(b)
}

// BenchmarkRunBaseline is BenchmarkRun with the runtime's default GC
// settings.
func BenchmarkRunBaseline(b *testing.B) { benchmarkRun(b) }

func benchmarkRun(b *testing.B) {
	dir := b.TempDir()
	b.ReportAllocs()
	var alerts int64
	cpu0 := cpuTime()
	for b.Loop() {
		sum, err := Run(context.Background(), RunOptions{Options: Options{Seed: 7, Days: 30, IncidentsPerDay: 200},
			Out: dir, Formats: []string{FormatGraph}})
		if err != nil {
			b.Fatal(err)
		}
		alerts += sum.Formats[FormatGraph].Alerts
	}
	b.ReportMetric(float64(alerts)/b.Elapsed().Seconds(), "alerts/s")
	if cpu := (cpuTime() - cpu0).Seconds(); cpu > 0 {
		b.ReportMetric(float64(alerts)/cpu, "alerts/cpu-s")
	}
}

// BenchmarkNewGenerator is the set-up every run pays before its first
// day: the default scenario resolved against the embedded catalog, the
// actors chosen, the organisation and the SOC made.
func BenchmarkNewGenerator(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewGenerator(Options{Seed: 7, Days: 30, IncidentsPerDay: 200}); err != nil {
			b.Fatal(err)
		}
	}
}
