package trend_test

import (
	"cmp"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/simulate"
	"github.com/debrief-dev/debrief/trend"
)

// noTrends is the default scenario with nothing planted.
const noTrends = "trends: []\ngaps: []\nstrengths: []\n"

// TestPlantedTrends checks that the planted emerging and fading techniques
// of the default scenario and of two others (testdata/*.yaml) are found,
// and that what is flagged belongs to a planted trend's source.
func TestPlantedTrends(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 180 days")
	}
	for _, file := range []string{"", "testdata/inverted.yaml", "testdata/noise_shift.yaml"} {
		t.Run(cmp.Or(file, "default"), func(t *testing.T) {
			var sc *simulate.Scenario
			if file != "" {
				yaml, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				sc = scenario(t, string(yaml))
			}
			var found, want, flagged, right int
			for seed := uint64(1); seed <= 3; seed++ {
				ins, gt := history(t, simulate.Options{Seed: seed, Scenario: sc})
				res, err := trend.Analyse(ins, trend.Options{By: trend.BySubTechnique, Baseline: 365 * 24 * time.Hour})
				if err != nil {
					t.Fatal(err)
				}
				f, w, fl, r := score(res, gt)
				found, want, flagged, right = found+f, want+w, flagged+fl, right+r
				t.Logf("seed %d: emerging %v fading %v", seed, ids(res.Emerging), ids(res.Fading))
			}
			recall, precision := float64(found)/float64(want), float64(right)/float64(max(flagged, 1))
			t.Logf("recall %.2f (%d/%d), precision %.2f (%d/%d)", recall, found, want, precision, right, flagged)
			if recall < 0.9 || precision < 0.9 {
				t.Errorf("recall %.2f, precision %.2f: want both ≥ 0.9", recall, precision)
			}
		})
	}
}

// score counts the planted trend techniques found with the right
// direction, and the flagged keys that belong to a planted source of the
// same direction.
func score(res *trend.Result, gt *simulate.GroundTruth) (found, want, flagged, right int) {
	dir := map[string]string{}
	for _, tr := range gt.Trends {
		if tr.Technique == "" {
			continue
		}
		want++
		if slices.ContainsFunc(pick(res, tr.Kind), func(c trend.Change) bool { return c.ID == string(tr.Technique) }) {
			found++
		}
		for _, id := range tr.Techniques {
			dir[string(id)] = tr.Kind
		}
	}
	for kind, cs := range map[string][]trend.Change{"emerge": res.Emerging, "fade": res.Fading} {
		for _, c := range cs {
			flagged++
			if dir[c.ID] == kind {
				right++
			}
		}
	}
	return found, want, flagged, right
}

func pick(res *trend.Result, kind string) []trend.Change {
	if kind == "emerge" {
		return res.Emerging
	}
	return res.Fading
}

func ids(cs []trend.Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s(q=%.2g)", c.ID, c.Q))
	}
	return out
}

// TestNothingPlanted checks that on histories without planted trends the
// share of seeds with any flag stays near the FDR level.
func TestNothingPlanted(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 10 histories")
	}
	sc := scenario(t, noTrends)
	const seeds = 10
	runs, cpRuns := 0, 0
	for seed := uint64(1); seed <= seeds; seed++ {
		ins, _ := history(t, simulate.Options{Seed: seed, Scenario: sc, Days: 120})
		res, err := trend.Analyse(ins, trend.Options{By: trend.BySubTechnique})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(res.Emerging) + len(res.Fading); n > 0 {
			runs++
			t.Logf("seed %d: emerging %v fading %v", seed, ids(res.Emerging), ids(res.Fading))
		}
		if cps := changed(res); len(cps) > 0 {
			cpRuns++
			t.Logf("seed %d: change points in %v", seed, cps)
		}
	}
	if runs > 1 {
		t.Errorf("%d of %d seeds flagged something, want at most 1", runs, seeds)
	}
	if cpRuns > 1 {
		t.Errorf("%d of %d seeds have a series with a change point, want at most 1", cpRuns, seeds)
	}
}

// changed lists the series with change points, and where.
func changed(res *trend.Result) []string {
	var out []string
	for _, s := range res.Series.Series {
		for _, cp := range s.ChangePoints {
			out = append(out, fmt.Sprintf("%s@%s(%.1f→%.1f/wk)", s.Key, cp.At.Format(time.DateOnly), cp.Before, cp.After))
		}
	}
	return out
}

// TestEmergesOnDay plants a technique that appears on day 80 and checks
// that it is found a few weeks later, and reported as new in its first
// window.
func TestEmergesOnDay(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 100 days")
	}
	sc := scenario(t, `trends:
  - {name: mfa, kind: emerge, source: mfa-fatigue, technique: T1621, start_day: 80, end_day: 99, from: 2, to: 2}
gaps: []
strengths: []
`)
	ins, gt := history(t, simulate.Options{Seed: 7, Scenario: sc, Days: 100})
	res, err := trend.Analyse(ins, trend.Options{By: trend.BySubTechnique})
	if err != nil {
		t.Fatal(err)
	}
	// With nothing in the baseline it is new, and only new: there is no
	// rate to compare with.
	if slices.ContainsFunc(append(res.Emerging, res.Fading...), func(c trend.Change) bool { return c.Baseline == 0 }) {
		t.Errorf("keys with no baseline tested: emerging %v, fading %v", ids(res.Emerging), ids(res.Fading))
	}
	if !slices.ContainsFunc(res.New, func(c trend.Change) bool { return c.ID == "T1621" }) {
		t.Errorf("T1621 not new: %v", ids(res.New))
	}
	if first := firstSeen(res.New, "T1621"); first.Before(gt.Start.AddDate(0, 0, 80)) {
		t.Errorf("T1621 first seen %s, before day 80", first)
	}
	day80 := gt.Start.AddDate(0, 0, 80)
	for _, s := range res.Series.Series {
		if s.Key != "T1621" {
			continue
		}
		if len(s.ChangePoints) != 1 || s.ChangePoints[0].At.Sub(day80).Abs() > 7*24*time.Hour || s.ChangePoints[0].After <= s.ChangePoints[0].Before {
			t.Errorf("T1621 change points %+v, want one rise within a week of day 80 (%s)", s.ChangePoints, day80.Format(time.DateOnly))
		}
	}
	// Every change point is in a technique of the planted source.
	planted := map[string]bool{}
	for _, tr := range gt.Trends {
		for _, id := range tr.Techniques {
			planted[string(id)] = true
		}
	}
	for _, s := range res.Series.Series {
		if len(s.ChangePoints) > 0 && !planted[s.Key] {
			t.Errorf("change points in %s, not a technique of the planted source: %v", s.Key, changed(res))
		}
	}
}

func firstSeen(cs []trend.Change, id string) time.Time {
	for _, c := range cs {
		if c.ID == id {
			return c.FirstSeen
		}
	}
	return time.Time{}
}

// TestCount checks the buckets against a hand count.
func TestCount(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC).AddDate(0, 0, d) } // a Monday
	ins := []debrief.Incident{
		{Source: "defender", Severity: debrief.SeverityHigh, Times: debrief.Times{Created: day(0)}, Techniques: []debrief.TechniqueID{"T1059", "T1059.001"}, Tactics: []string{"execution"}},
		{Source: "defender", Times: debrief.Times{Created: day(6)}, Techniques: []debrief.TechniqueID{"T1059.003", "T1566"}},
		{Source: "sentinel", Verdict: debrief.VerdictTruePositive, Times: debrief.Times{Created: day(7)}, Techniques: []debrief.TechniqueID{"T1566.001"}},
		{Source: "sentinel", Times: debrief.Times{Created: day(40)}}, // outside
		{Source: "sentinel"}, // no created time
	}
	tests := []struct {
		by     trend.Dimension
		period trend.Period
		want   map[string][]int
	}{
		{trend.ByTechnique, trend.Week, map[string][]int{"T1059": {2, 0}, "T1566": {1, 1}}},
		{trend.BySubTechnique, trend.Week, map[string][]int{"T1059.001": {1, 0}, "T1059.003": {1, 0}, "T1566": {1, 0}, "T1566.001": {0, 1}}},
		{trend.ByTactic, trend.Week, map[string][]int{"execution": {1, 0}}},
		{trend.BySource, trend.Week, map[string][]int{"defender": {2, 0}, "sentinel": {0, 1}}},
		{trend.BySeverity, trend.Month, map[string][]int{"high": {1}, "unknown": {2}}},
		{trend.ByVerdict, trend.Day, nil},
	}
	for _, tc := range tests {
		t.Run(string(tc.by), func(t *testing.T) {
			to := time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC)
			if tc.period == trend.Month {
				to = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
			}
			tb, err := trend.Count(ins, tc.by, tc.period, day(0), to)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]int{}
			for _, s := range tb.Series {
				got[s.Key] = s.Counts
			}
			for k, w := range tc.want {
				if !slices.Equal(got[k], w) {
					t.Errorf("%s = %v, want %v (all %v)", k, got[k], w, got)
				}
			}
			if tc.by == trend.ByVerdict && (len(tb.Starts) != 14 || got["undetermined"][6] != 1 || got["true_positive"][7] != 1) {
				t.Errorf("verdict by day: %d buckets, %v", len(tb.Starts), got)
			}
		})
	}
}

// TestZeroBaselineOnlyNew checks that a key seen often in the window and
// never before it is listed as new, and not tested as emerging.
func TestZeroBaselineOnlyNew(t *testing.T) {
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	var ins []debrief.Incident
	add := func(day int, tech debrief.TechniqueID) {
		ins = append(ins, debrief.Incident{ID: fmt.Sprintf("i%d", len(ins)), Techniques: []debrief.TechniqueID{tech},
			Times: debrief.Times{Created: start.AddDate(0, 0, day).Add(10 * time.Hour)}})
	}
	for day := range 112 {
		add(day, "T1059")
		if day >= 84 && day%2 == 0 {
			add(day, "T1621")
		}
	}
	res, err := trend.Analyse(ins, trend.Options{Now: start.AddDate(0, 0, 112)})
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(res.Emerging, func(c trend.Change) bool { return c.ID == "T1621" }) {
		t.Errorf("T1621, never seen before the window, tested as emerging: %v", ids(res.Emerging))
	}
	if !slices.ContainsFunc(res.New, func(c trend.Change) bool { return c.ID == "T1621" && c.Recent == 14 }) {
		t.Errorf("T1621 not new with 14 in the window: %+v", res.New)
	}
	if res.Tested != 1 {
		t.Errorf("%d keys tested, want 1 (T1059)", res.Tested)
	}
}
