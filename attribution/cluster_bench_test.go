package attribution_test

import (
	"context"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attribution"
	"github.com/debrief-dev/debrief/simulate"
)

// simulated returns the incidents of a simulated history in their final
// state, with the cluster the simulator planted each in ("" for none).
func simulated(tb testing.TB, days int, perDay float64) ([]*debrief.Incident, []string) {
	tb.Helper()
	gn, err := simulate.NewGenerator(simulate.Options{Seed: 7, Days: days, IncidentsPerDay: perDay})
	if err != nil {
		tb.Fatal(err)
	}
	index := map[string]int{}
	var ins []*debrief.Incident
	var truth []string
	for ev, err := range gn.Events(context.Background()) {
		if err != nil {
			tb.Fatal(err)
		}
		if ev.Incident == nil {
			continue
		}
		if i, ok := index[ev.Incident.ID]; ok {
			ins[i] = ev.Incident
			continue
		}
		index[ev.Incident.ID] = len(ins)
		ins = append(ins, ev.Incident)
		cl := ""
		if ev.Truth != nil {
			cl = ev.Truth.Cluster
		}
		truth = append(truth, cl)
	}
	return ins, truth
}

// BenchmarkCluster100k clusters 100,000 simulated incidents held in
// memory (the budget: ≤ 10 s).
func BenchmarkCluster100k(b *testing.B) {
	ins, truth := simulated(b, 100, 1000)
	var cs []attribution.Campaign
	b.ReportAllocs()
	for b.Loop() {
		cs = attribution.Cluster(ins, attribution.ClusterOptions{})
	}
	got := make(map[string]string, len(ins))
	for _, c := range cs {
		for _, id := range c.Incidents {
			got[id] = c.ID
		}
	}
	labels := make([]string, len(ins))
	for i, in := range ins {
		labels[i] = got[in.ID]
	}
	b.ReportMetric(float64(len(ins)), "incidents")
	b.ReportMetric(attribution.AdjustedRandIndex(truth, labels), "ARI")
}

// BenchmarkCluster100kBaseline is the floor any clustering pays: one pass
// that indexes every entity of the same 100,000 incidents by incident.
func BenchmarkCluster100kBaseline(b *testing.B) {
	ins, _ := simulated(b, 100, 1000)
	b.ReportAllocs()
	for b.Loop() {
		seen := map[string][]int32{}
		for i, in := range ins {
			for _, a := range in.Alerts {
				for _, e := range a.Entities {
					seen[e.ID] = append(seen[e.ID], int32(i))
				}
			}
		}
	}
	b.ReportMetric(float64(len(ins)), "incidents")
}
