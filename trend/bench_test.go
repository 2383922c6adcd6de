package trend_test

import (
	"testing"

	"github.com/debrief-dev/debrief/simulate"
	"github.com/debrief-dev/debrief/trend"
)

// BenchmarkAnalyse runs Analyse by sub-technique over a simulated history
// of about 100k incidents.
func BenchmarkAnalyse(b *testing.B) {
	ins, _ := history(b, simulate.Options{Seed: 1, Days: 365, IncidentsPerDay: 275})
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := trend.Analyse(ins, trend.Options{By: trend.BySubTechnique}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(ins)), "incidents")
}
