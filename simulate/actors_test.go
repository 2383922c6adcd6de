package simulate

import (
	"testing"

	"github.com/debrief-dev/debrief/attack"
)

// TestProfilerMatchesBuild counts every group's and campaign's kill-chain
// techniques and tactics with the profiler, which reads the catalog's id
// lists, and compares the counts with the actor build makes from
// TechniquesOfGroup and TechniquesOfCampaign.
func TestProfilerMatchesBuild(t *testing.T) {
	cat, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	sc := DefaultScenario()
	ts, err := newTechniques(cat, sc, 1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := newActorBuilder(cat, ts, sc)
	if err != nil {
		t.Fatal(err)
	}
	pr := b.newProfiler()
	check := func(kind, id string) {
		t.Helper()
		nTech, tactics, seen := pr.count(kind, id)
		a := b.build(kind, id)
		if a == nil {
			if nTech != 0 {
				t.Errorf("%s %s: profiler counts %d techniques, build makes no actor", kind, id, nTech)
			}
			return
		}
		wantTactics := 0
		for i, cs := range a.byTactic {
			if len(cs) > 0 {
				wantTactics++
			}
			if seen[i] != (len(cs) > 0) {
				t.Errorf("%s %s: tactic %d seen %v, build has %d candidates", kind, id, i, seen[i], len(cs))
			}
		}
		if nTech != a.nTech || tactics != wantTactics {
			t.Errorf("%s %s: profiler counts %d techniques over %d tactics, build %d over %d", kind, id, nTech, tactics, a.nTech, wantTactics)
		}
	}
	groups, camps := 0, 0
	for _, g := range cat.Groups() {
		check(ActorGroup, g.ID)
		groups++
	}
	for _, c := range cat.Campaigns() {
		check(ActorCampaign, c.ID)
		camps++
	}
	if groups < 100 || camps < 20 {
		t.Fatalf("checked %d groups and %d campaigns, want the whole catalog", groups, camps)
	}
}
