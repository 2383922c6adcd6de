package analysishtml_test

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/debrief-dev/debrief/render/analysishtml"
	"github.com/debrief-dev/debrief/skill"
	"github.com/debrief-dev/debrief/trend"
)

// The benchmarks render the analyses of a simulated 180-day history by
// day (the most buckets a page draws); each has a Baseline that writes
// the same result as JSON, as --json does.

func trendBench(b *testing.B) *trend.Result {
	cat := catalog(b)
	r, err := trend.Analyse(simulated(b, cat, 180), trend.Options{Catalog: cat, Period: trend.Day, MinCount: 3})
	if err != nil {
		b.Fatal(err)
	}
	return r
}

func skillBench(b *testing.B) *skill.Result {
	cat := catalog(b)
	r, err := skill.Analyse(simulated(b, cat, 180), skill.Options{Catalog: cat})
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// benchWrite times write, which puts one page (or its JSON) in a buffer,
// and reports the bytes written.
func benchWrite(b *testing.B, write func(w io.Writer) error) {
	var out bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		out.Reset()
		if err := write(&out); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(out.Len()))
}

func jsonOf(v any) func(io.Writer) error {
	return func(w io.Writer) error { return json.NewEncoder(w).Encode(v) }
}

func BenchmarkTrendsHTML(b *testing.B) {
	r := trendBench(b)
	benchWrite(b, func(w io.Writer) error { return analysishtml.Trends(w, r, nil) })
	b.ReportMetric(float64(len(r.Emerging)+len(r.Fading)+len(r.New)), "changes")
}

func BenchmarkTrendsHTMLBaseline(b *testing.B) {
	benchWrite(b, jsonOf(trendBench(b)))
}

func BenchmarkSkillsHTML(b *testing.B) {
	r := skillBench(b)
	benchWrite(b, func(w io.Writer) error { return analysishtml.Skills(w, r, nil) })
	b.ReportMetric(float64(len(r.Groups)), "groups")
}

func BenchmarkSkillsHTMLBaseline(b *testing.B) {
	benchWrite(b, jsonOf(skillBench(b)))
}
