package sqlite

import (
	"context"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attribution"
)

// BenchmarkCampaigns is what "debrief campaigns" pays before attribution:
// a lean scan of the bench store (see benchStore; the budget is
// 100k incidents in ≤ 10 s end to end, DEBRIEF_BENCH_INCIDENTS=100000)
// into a Clusterer, then the clustering.
func BenchmarkCampaigns(b *testing.B) {
	benchCampaigns(b, debrief.ScanOptions{Alerts: true, Lean: true})
}

// BenchmarkCampaignsBaseline is the same over a scan of whole incidents
// and alerts, as the command read them before ScanOptions.Lean.
func BenchmarkCampaignsBaseline(b *testing.B) { benchCampaigns(b, debrief.ScanOptions{Alerts: true}) }

func benchCampaigns(b *testing.B, opt debrief.ScanOptions) {
	path, _ := benchStore(b)
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var n, cs int
	b.ReportAllocs()
	for b.Loop() {
		cl := attribution.NewClusterer(attribution.ClusterOptions{})
		if err := s.ScanIncidents(ctx, debrief.IncidentFilter{}, opt, func(in *debrief.Incident) error {
			cl.Add(in)
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		n, cs = cl.Len(), len(cl.Campaigns())
	}
	b.ReportMetric(float64(n), "incidents")
	b.ReportMetric(float64(cs), "campaigns")
}
