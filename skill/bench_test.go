package skill_test

import (
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/simulate"
	"github.com/debrief-dev/debrief/skill"
)

// BenchmarkAnalyse runs Analyse by technique over a simulated history of
// about 100k incidents.
func BenchmarkAnalyse(b *testing.B) {
	ins := bigHistory(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := skill.Analyse(ins, skill.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(ins)), "incidents")
}

func bigHistory(b *testing.B) []debrief.Incident {
	ins, _ := history(b, simulate.Options{Seed: 1, Days: 365, IncidentsPerDay: 275})
	return ins
}
