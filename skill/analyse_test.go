package skill_test

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/simulate"
	"github.com/debrief-dev/debrief/skill"
)

// TestMetricsByHand checks the metrics against values worked out by hand
// for a small fixture.
func TestMetricsByHand(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h := func(x float64) time.Time { return t0.Add(time.Duration(x * float64(time.Hour))) }
	ch := func(at float64, field, from, to string) debrief.Change {
		return debrief.Change{At: h(at), Field: field, From: from, To: to}
	}
	tp, bp := debrief.VerdictTruePositive, debrief.VerdictBenignPositive
	res := debrief.StatusResolved
	ins := []debrief.Incident{
		// TTA 1, TTR 10; closed benign, reopened, closed TP; handed over.
		{ID: "a", Status: res, Verdict: tp, Assignee: "b@x", Techniques: []debrief.TechniqueID{"T1566", "T1566.001"},
			Times: debrief.Times{Created: h(0), FirstTriage: h(1), Resolved: h(10)},
			History: []debrief.Change{ch(1, "assignee", "", "a@x"), ch(2, "assignee", "a@x", "b@x"), ch(3, "verdict", "", "benign_positive"),
				ch(3, "status", "active", "resolved"), ch(5, "status", "resolved", "active"), ch(10, "verdict", "benign_positive", "true_positive")}},
		// TTA 2, TTR 4, benign.
		{ID: "b", Status: res, Verdict: bp, Assignee: "a@x", Techniques: []debrief.TechniqueID{"T1566"},
			Times: debrief.Times{Created: h(0), FirstTriage: h(2), Resolved: h(4)}},
		// TTA 3, closed undetermined.
		{ID: "c", Status: res, Assignee: "a@x", Techniques: []debrief.TechniqueID{"T1059"},
			Times: debrief.Times{Created: h(0), FirstTriage: h(3), Resolved: h(6)}},
		// TTA 0.5, still open, TP.
		{ID: "d", Status: debrief.StatusActive, Verdict: tp, Assignee: "a@x", Techniques: []debrief.TechniqueID{"T1059.001"},
			Times: debrief.Times{Created: h(0), FirstTriage: h(0.5)}},
	}
	r, err := skill.Analyse(ins, skill.Options{MinSample: 1})
	if err != nil {
		t.Fatal(err)
	}
	team := r.Team
	// TTA 0.5, 1, 2, 3: median 1.5, p90 at 0.9·3 = 2.7 → 2 + 0.7·1 = 2.7.
	checkF(t, "team TTA median", team.Acknowledge.Median, 1.5)
	checkF(t, "team TTA p90", team.Acknowledge.P90, 2.7)
	// TTR of closed: 4, 6, 10: median 6, p90 at 1.8 → 6 + 0.8·4 = 9.2.
	checkF(t, "team TTR median", team.Resolve.Median, 6)
	checkF(t, "team TTR p90", team.Resolve.P90, 9.2)
	want := map[string]skill.Rate{
		"misclassified": {Count: 1, Of: 2, Value: 0.5},     // a of the TPs a, d
		"undetermined":  {Count: 1, Of: 3, Value: 1.0 / 3}, // c of closed a, b, c
		"reopened":      {Count: 1, Of: 3, Value: 1.0 / 3},
		"escalated":     {Count: 1, Of: 4, Value: 0.25},
	}
	got := map[string]skill.Rate{"misclassified": team.Misclassified, "undetermined": team.Undetermined, "reopened": team.Reopened, "escalated": team.Escalated}
	for k, w := range want {
		if g := got[k]; g.Count != w.Count || g.Of != w.Of || math.Abs(g.Value-w.Value) > 1e-12 {
			t.Errorf("team %s = %+v, want %+v", k, g, w)
		}
	}
	i := slices.IndexFunc(r.Groups, func(g skill.Group) bool { return g.ID == "T1059" })
	if i < 0 || r.Groups[i].Incidents != 2 || r.Groups[i].Acknowledge.Median != 1.75 || r.Groups[i].Resolve.N != 1 {
		t.Errorf("T1059 group (c, d: TTA 3 and 0.5, one resolved): %+v", r.Groups)
	}
	a, _ := skill.Analyse(ins, skill.Options{By: skill.ByAnalyst, MinSample: 1})
	if len(a.Groups) != 1 || a.Groups[0].ID != "a@x" || a.Groups[0].Incidents != 4 {
		t.Errorf("by first owner: %+v", a.Groups)
	}
}

func checkF(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

// TestPlantedGaps checks that the team-wide gaps planted in the default
// scenario are flagged on the metric they affect.
func TestPlantedGaps(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 180 days")
	}
	want := []struct {
		by     skill.Dimension
		id     string
		metric string
	}{
		{skill.ByTactic, "credential-access", skill.MetricTTA},
		{skill.ByTactic, "credential-access", skill.MetricTTR},
		{skill.ByTechnique, "T1566", skill.MetricMisclassified},
		{skill.ByTechnique, "T1078", skill.MetricHandedOver},
	}
	for seed := uint64(1); seed <= 2; seed++ {
		ins, _ := history(t, simulate.Options{Seed: seed})
		for _, w := range want {
			r, err := skill.Analyse(ins, skill.Options{By: w.by})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(r.Gaps, func(g skill.Gap) bool { return g.ID == w.id && g.Metric == w.metric }) {
				t.Errorf("seed %d: planted gap %s %s not flagged", seed, w.id, w.metric)
			}
		}
	}
}

// TestSection checks that the review section lists the gaps of the
// incident's own techniques and tactics only.
func TestSection(t *testing.T) {
	r := &skill.Result{Gaps: []skill.Gap{
		{ID: "T1566", Name: "Phishing", Metric: skill.MetricMisclassified, Team: 0.05, Group: 0.2},
		{ID: "T1003", Metric: skill.MetricTTR, Team: 8, Group: 20},
		{ID: "credential-access", Metric: skill.MetricTTA, Team: 0.5, Group: 1},
	}}
	in := &debrief.Incident{Techniques: []debrief.TechniqueID{"T1566", "T1566.001"}, Tactics: []string{"credential-access"}}
	s := skill.Section(in, r, nil)
	if len(s.Tables) != 1 || len(s.Tables[0].Rows) != 2 || s.Tables[0].Rows[0][0] != "T1566 Phishing" || s.Tables[0].Rows[1][3] != "1.0 h" {
		t.Errorf("section %+v", s)
	}
	if s := skill.Section(&debrief.Incident{Techniques: []debrief.TechniqueID{"T1059"}}, r); len(s.Tables) != 0 {
		t.Errorf("no gap for T1059, got %+v", s.Tables)
	}
}
