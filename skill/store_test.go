package skill_test

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/simulate"
	"github.com/debrief-dev/debrief/skill"
	"github.com/debrief-dev/debrief/sqlite"
	"github.com/debrief-dev/debrief/storetest"
)

// TestFromStoreSameAsIncidents checks that FromStore over the facts a
// store keeps finds what Analyse finds over the same incidents read in
// full, by technique and by analyst.
func TestFromStoreSameAsIncidents(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "debrief.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := storetest.WriteSimulated(t.Context(), st, simulate.Options{Seed: 5, Days: 120, IncidentsPerDay: 25}); err != nil {
		t.Fatal(err)
	}
	var ins []debrief.Incident
	if err := st.ScanIncidents(t.Context(), debrief.IncidentFilter{}, debrief.ScanOptions{History: true}, func(in *debrief.Incident) error {
		ins = append(ins, *in)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, by := range []skill.Dimension{skill.ByTechnique, skill.ByAnalyst} {
		opts := skill.Options{By: by}
		want, err := skill.Analyse(ins, opts)
		if err != nil {
			t.Fatal(err)
		}
		got, err := skill.FromStore(t.Context(), st, debrief.IncidentFilter{}, opts)
		if err != nil {
			t.Fatal(err)
		}
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if string(g) != string(w) {
			t.Errorf("by %s: FromStore and Analyse differ:\n%s\n%s", by, g, w)
		}
		if len(want.Gaps)+len(want.Strengths) == 0 {
			t.Errorf("by %s: nothing flagged over %d incidents: the comparison shows little", by, len(ins))
		}
	}
}
