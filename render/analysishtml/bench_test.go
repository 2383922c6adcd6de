package analysishtml_test

import (
	"bytes"
	"encoding/json"
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

func BenchmarkTrendsHTML(b *testing.B) {
	r := trendBench(b)
	var out bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		out.Reset()
		if err := analysishtml.Trends(&out, r, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(out.Len()))
	b.ReportMetric(float64(len(r.Emerging)+len(r.Fading)+len(r.New)), "changes")
}

func BenchmarkTrendsHTMLBaseline(b *testing.B) {
	r := trendBench(b)
	var out bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		out.Reset()
		if err := json.NewEncoder(&out).Encode(r); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(out.Len()))
}

func BenchmarkSkillsHTML(b *testing.B) {
	r := skillBench(b)
	var out bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		out.Reset()
		if err := analysishtml.Skills(&out, r, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(out.Len()))
	b.ReportMetric(float64(len(r.Groups)), "groups")
}

func BenchmarkSkillsHTMLBaseline(b *testing.B) {
	r := skillBench(b)
	var out bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		out.Reset()
		if err := json.NewEncoder(&out).Encode(r); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(out.Len()))
}
