package attribution_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/attribution"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/ingest/formats"
	"github.com/debrief-dev/debrief/simulate"
	"github.com/debrief-dev/debrief/sqlite"
)

func TestAdjustedRandIndex(t *testing.T) {
	tests := []struct {
		a, b []string
		want float64
	}{
		{[]string{"x", "x", "y", "y"}, []string{"p", "p", "q", "q"}, 1},
		{[]string{"x", "x", "", ""}, []string{"p", "p", "", ""}, 1},
		{[]string{"x", "x", "x", "x"}, []string{"p", "p", "q", "q"}, 0},
		{[]string{"x", "x", "y", "y", "z", "z"}, []string{"p", "q", "p", "q", "r", "r"}, 0},
	}
	for _, tc := range tests {
		got := attribution.AdjustedRandIndex(tc.a, tc.b)
		if got < tc.want-0.25 || got > tc.want+0.25 {
			t.Errorf("ARI(%v, %v) = %.2f, want about %.2f", tc.a, tc.b, got, tc.want)
		}
	}
	if got := attribution.AdjustedRandIndex([]string{"x", "x", "y"}, []string{"p", "p", "q"}); got != 1 {
		t.Errorf("identical partitions: %v", got)
	}
}

// TestClusterMatchesGroundTruth clusters a simulated history and compares
// the campaigns with the clusters the simulator planted.
func TestClusterMatchesGroundTruth(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates and ingests a history")
	}
	for _, seed := range []uint64{11, 7} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { clusterSeed(t, seed) })
	}
}

func clusterSeed(t *testing.T, seed uint64) {
	ctx := context.Background()
	dir := t.TempDir()
	cat, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	sum, err := simulate.Run(ctx, simulate.RunOptions{Options: simulate.Options{Catalog: cat, Seed: seed, Days: 120},
		Out: filepath.Join(dir, "sim"), Formats: []string{simulate.FormatGraph}})
	if err != nil {
		t.Fatal(err)
	}
	truth, err := simulate.ReadGroundTruth(sum.Truth)
	if err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(ctx, filepath.Join(dir, "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := ingest.Run(ctx, ingest.Options{Paths: []string{filepath.Join(dir, "sim")}, Decoders: formats.All(),
		Store: st, Knowledge: ingest.Catalog(cat)}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, in := range truth.Incidents {
		if id := in.IDs.Get(simulate.FormatGraph); id != "" {
			want[id] = in.Cluster
		}
	}
	list, err := st.Incidents(ctx, debrief.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var ins []*debrief.Incident
	for _, l := range list {
		in, err := st.Incident(ctx, l.ID)
		if err != nil {
			t.Fatal(err)
		}
		ins = append(ins, in)
	}
	got := map[string]string{}
	campaigns := attribution.Cluster(ins, attribution.ClusterOptions{})
	for _, c := range campaigns {
		for _, id := range c.Incidents {
			got[id] = c.ID
		}
	}
	var a, b []string
	clustered := 0
	for _, in := range ins {
		a, b = append(a, want[in.ID]), append(b, got[in.ID])
		if want[in.ID] != "" {
			clustered++
		}
	}
	ari := attribution.AdjustedRandIndex(a, b)
	t.Logf("%d incidents, %d in planted clusters, %d campaigns found, ARI %.3f", len(ins), clustered, len(campaigns), ari)
	if clustered < 20 {
		t.Fatalf("only %d incidents in planted clusters: the test checks little", clustered)
	}
	if ari < 0.9 {
		t.Errorf("adjusted Rand index %.3f, want ≥ 0.9", ari)
	}
}

// TestClustererKeepsNoIncident adds incidents that are changed right
// after, as a store's scan reuses them, and wants the campaigns of the
// incidents as added.
func TestClustererKeepsNoIncident(t *testing.T) {
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	mk := func(id string, d int, ip, hash string) *debrief.Incident {
		return &debrief.Incident{ID: id, Times: debrief.Times{Created: day.AddDate(0, 0, d)}, Alerts: []debrief.Alert{{
			Techniques: []debrief.Technique{{ID: "T1566.001"}},
			Entities: []debrief.Entity{{Kind: debrief.EntityIP, ID: ip},
				{Kind: debrief.EntityFile, ID: "f", Attributes: map[string]string{"sha256": hash}}},
		}}}
	}
	ins := []*debrief.Incident{
		mk("a", 0, "203.0.113.7", "aa"), mk("b", 3, "203.0.113.7", "bb"), mk("c", 5, "198.51.100.1", "bb"),
		mk("d", 70, "192.0.2.9", "aa"), mk("e", 1, "10.0.0.1", "ee"), mk("f", 2, "10.0.0.1", "ff"),
	}
	want := attribution.Cluster(ins, attribution.ClusterOptions{})
	cl := attribution.NewClusterer(attribution.ClusterOptions{})
	scratch := &debrief.Incident{}
	for _, in := range ins {
		*scratch = *in
		cl.Add(scratch)
		scratch.Alerts = nil
		scratch.ID = "changed"
	}
	got := cl.Campaigns()
	if len(got) != 1 || !slices.Equal(got[0].Incidents, []string{"a", "b", "c"}) ||
		!slices.Equal(got[0].Indicators, []string{"ip:203.0.113.7", "sha256:bb"}) ||
		!slices.Equal(got[0].Techniques, []debrief.TechniqueID{"T1566.001"}) {
		t.Fatalf("campaigns %+v: want a, b, c joined by the public IP and the hash (d shares a hash with a 70 days later, out of the window; e and f share a private IP)", got)
	}
	if !slices.EqualFunc(got, want, func(a, b attribution.Campaign) bool { return slices.Equal(a.Incidents, b.Incidents) }) {
		t.Errorf("Clusterer %v, Cluster %v", got, want)
	}
	if cl.Len() != len(ins) {
		t.Errorf("Len %d, want %d", cl.Len(), len(ins))
	}
}
