package skill_test

import (
	"os"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief/simulate"
	"github.com/debrief-dev/debrief/skill"
)

// TestAnalystTactic checks that by analyst the gap planted on one
// analyst's incidents of one tactic (testdata/analyst_tactic.yaml) is
// found as that analyst's gap on that tactic, and that nothing else is
// flagged but that analyst's gaps on persistence techniques (the same
// incidents).
func TestAnalystTactic(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 180 days per seed")
	}
	sc := scenarioFile(t, "testdata/analyst_tactic.yaml")
	const seeds = 3
	found, flagged, right := 0, 0, 0
	for seed := uint64(1); seed <= seeds; seed++ {
		ins, _ := history(t, simulate.Options{Seed: seed, Scenario: sc})
		res, err := skill.Analyse(ins, skill.Options{By: skill.ByAnalyst})
		if err != nil {
			t.Fatal(err)
		}
		hit := false
		for _, g := range res.Gaps {
			flagged++
			ravi := strings.HasPrefix(g.ID, "ravi.patel@")
			switch {
			case ravi && g.Attack == "persistence" && g.Metric == skill.MetricTTR:
				hit = true
				right++
			case ravi && g.Attack != "" && g.Metric == skill.MetricTTR:
				right++ // a technique of the same incidents
			default:
				t.Logf("seed %d: not planted: %s %s ratio %.2f n %d q %.2g", seed, g.ID, g.Metric, g.Ratio, g.N, g.Q)
			}
		}
		if hit {
			found++
		} else {
			t.Logf("seed %d: missed ravi.patel/persistence %s; gaps %v", seed, skill.MetricTTR, res.Gaps)
		}
	}
	precision := float64(right) / float64(max(flagged, 1))
	t.Logf("found in %d of %d seeds; %d flagged, %d right (precision %.2f)", found, seeds, flagged, right, precision)
	if found < seeds || precision < 0.9 {
		t.Errorf("found in %d of %d seeds (want all), precision %.2f (want ≥ 0.9)", found, seeds, precision)
	}
}

// TestAnalystNothingPlanted checks that by analyst, on histories where
// every analyst works alike and nothing is planted
// (testdata/analyst_none.yaml), at most one seed in ten flags a gap.
func TestAnalystNothingPlanted(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 180 days per seed")
	}
	sc := scenarioFile(t, "testdata/analyst_none.yaml")
	const seeds = 10
	runs := 0
	for seed := uint64(1); seed <= seeds; seed++ {
		ins, _ := history(t, simulate.Options{Seed: seed, Scenario: sc})
		res, err := skill.Analyse(ins, skill.Options{By: skill.ByAnalyst})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Gaps) > 0 {
			runs++
		}
		for _, g := range res.Gaps {
			t.Logf("seed %d: %s %s ratio %.2f n %d q %.2g", seed, g.ID, g.Metric, g.Ratio, g.N, g.Q)
		}
	}
	if runs > 1 {
		t.Errorf("%d of %d seeds flag a gap by analyst with nothing planted, want at most 1", runs, seeds)
	}
}

func scenarioFile(t *testing.T, path string) *simulate.Scenario {
	t.Helper()
	yaml, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := simulate.ParseScenario(yaml, path)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}
