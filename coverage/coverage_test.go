package coverage_test

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/coverage"
	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/rules"
	"github.com/debrief-dev/debrief/rules/auto"
)

func catalog(t testing.TB) *attack.Catalog {
	t.Helper()
	return testutil.Load(t, attack.Embedded)
}

// loadRules reads the rule files or folders names below dir, each in the
// format rules/auto detects, and returns the set with the paths read.
func loadRules(t testing.TB, cat *attack.Catalog, dir string, names []string) (*rules.Set, []string) {
	t.Helper()
	var paths []string
	for _, n := range names {
		paths = append(paths, filepath.Join(dir, n))
	}
	set, err := rules.Collect(auto.Load(context.Background(), paths, rules.Options{Catalog: cat}))
	if err != nil {
		t.Fatal(err)
	}
	return set, paths
}

func rule(id string, st debrief.RuleStatus, lvl debrief.Severity, techs ...debrief.TechniqueID) debrief.Rule {
	return debrief.Rule{ID: "sigma:" + id, Corpus: "sigma", Title: id, Status: st, Level: lvl, Techniques: techs, Enabled: true}
}

func TestScore(t *testing.T) {
	cat := catalog(t)
	stableHigh := func(id string, techs ...debrief.TechniqueID) debrief.Rule {
		return rule(id, debrief.RuleStable, debrief.SeverityHigh, techs...)
	}
	building := stableHigh("bb", "T1059")
	building.Building = true
	disabled := stableHigh("off", "T1059")
	disabled.Enabled = false
	declared := func(score *float64) debrief.Rule {
		return debrief.Rule{ID: "navigator:team#0:T1059", Corpus: "navigator", Techniques: []debrief.TechniqueID{"T1059"}, Enabled: true, Score: score}
	}
	half, zero := 0.5, 0.0
	tests := []struct {
		name  string
		rules []debrief.Rule
		id    debrief.TechniqueID
		want  float64
	}{
		{"uncovered", nil, "T1059", 0},
		{"one stable high rule", []debrief.Rule{stableHigh("a", "T1059")}, "T1059", 2.0},
		{"two rules", []debrief.Rule{stableHigh("a", "T1059"), stableHigh("b", "T1059")}, "T1059", 3.2},
		{"five rules", []debrief.Rule{stableHigh("a", "T1059"), stableHigh("b", "T1059"), stableHigh("c", "T1059"), stableHigh("d", "T1059"), stableHigh("e", "T1059")}, "T1059", 4.6},
		{"experimental low", []debrief.Rule{rule("a", debrief.RuleExperimental, debrief.SeverityLow, "T1059")}, "T1059", 0.8},
		{"sub-technique rule: parent partial", []debrief.Rule{stableHigh("a", "T1059.001")}, "T1059", 1.1},
		{"sub-technique rule: the sub full", []debrief.Rule{stableHigh("a", "T1059.001")}, "T1059.001", 2.0},
		{"many sub-technique rules never full", slices.Repeat([]debrief.Rule{stableHigh("a", "T1059.001")}, 40), "T1059", 2.5},
		{"parent rule gives subs nothing", []debrief.Rule{stableHigh("a", "T1059")}, "T1059.001", 0},
		{"deprecated does not count", []debrief.Rule{rule("a", debrief.RuleDeprecated, debrief.SeverityHigh, "T1059")}, "T1059", 0},
		{"building block counts half", []debrief.Rule{building}, "T1059", 1.1},
		{"disabled does not count", []debrief.Rule{disabled}, "T1059", 0},
		{"layer entry without score weighs 1", []debrief.Rule{declared(nil)}, "T1059", 2.0},
		{"layer entry at half its gradient weighs 0.5", []debrief.Rule{declared(&half)}, "T1059", 1.1},
		{"layer entry weighing 0 does not count", []debrief.Rule{declared(&zero)}, "T1059", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := coverage.Compute(tc.rules, coverage.Options{Catalog: cat})
			got, ok := res.Technique(tc.id)
			if !ok {
				t.Fatalf("%s not in the result", tc.id)
			}
			if got.Score != tc.want {
				t.Errorf("score %v, want %v", got.Score, tc.want)
			}
			if got.Visibility != nil || math.Abs(got.Coverage-tc.want/5) > 1e-9 {
				t.Errorf("visibility %v coverage %v without log sources", got.Visibility, got.Coverage)
			}
		})
	}
}

func TestVisibility(t *testing.T) {
	cat := catalog(t)
	dcs := cat.DataComponentsOf("T1059.001")
	if len(dcs) < 2 {
		t.Fatalf("T1059.001 has %d data components", len(dcs))
	}
	one := []byte("- " + dcs[0].ID + "\n")
	all := []byte{}
	for _, dc := range dcs {
		all = append(all, "- "+dc.Name+"\n"...)
	}
	tests := []struct {
		name string
		file []byte
		want float64
	}{
		{"none collected", []byte("- product: windows\n  service: nothing\n"), 0},
		{"one by id", one, 1 / float64(len(dcs))},
		{"all by name", all, 1},
	}
	rs := []debrief.Rule{rule("a", debrief.RuleStable, debrief.SeverityHigh, "T1059.001")}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ls, err := coverage.ParseLogSources(tc.file, "ls.yaml", cat)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := coverage.Compute(rs, coverage.Options{Catalog: cat, LogSources: ls}).Technique("T1059.001")
			if got.Visibility == nil || *got.Visibility != tc.want || got.Coverage != roundTo(0.4*tc.want) {
				t.Errorf("visibility %v coverage %v, want %v", got.Visibility, got.Coverage, tc.want)
			}
		})
	}
	if _, err := coverage.ParseLogSources([]byte("- bogus_field: x\n"), "ls.yaml", cat); err == nil {
		t.Error("unknown field accepted")
	}
}

// TestUnknownLogSources: entries that give no data component are listed
// with their file and line, not silently dropped.
func TestUnknownLogSources(t *testing.T) {
	cat := catalog(t)
	file := "- windows/process_creation\n- nonsense/thing\n- DC9999\n- Nonexistent Component\n- data_component: DC9998\n- Process Creation\n"
	ls, err := coverage.ParseLogSources([]byte(file), "ls.yaml", cat)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`ls.yaml:2: log source "nonsense/thing" gives no data component`, `ls.yaml:3: log source "DC9999"`,
		`ls.yaml:4: log source "Nonexistent Component"`, `ls.yaml:5: log source {data_component: DC9998}`}
	if len(ls.Unknown) != len(want) {
		t.Fatalf("unknown %v, want %d", ls.Unknown, len(want))
	}
	for i, w := range want {
		if got := ls.Unknown[i].Error(); !strings.HasPrefix(got, w) || !strings.Contains(got, "want a data component id or name") {
			t.Errorf("unknown[%d] = %q, want prefix %q", i, got, w)
		}
	}
	if !ls.Components["DC0032"] {
		t.Errorf("known entries lost: %v", ls.Components)
	}
}

func roundTo(v float64) float64 { return float64(int64(v*1000+0.5)) / 1000 }

func TestGaps(t *testing.T) {
	cat := catalog(t)
	p, err := coverage.Groups(cat, []string{"APT29"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := coverage.Groups(cat, []string{"no such group"}); err == nil {
		t.Error("unknown group accepted")
	}
	var some debrief.TechniqueID
	for id, w := range p.Weights {
		if w == 1 && (some == "" || id < some) {
			some = id
		}
	}
	team := []debrief.Rule{rule("team", debrief.RuleStable, debrief.SeverityHigh, some)}
	ref := []debrief.Rule{
		rule("ref1", debrief.RuleStable, debrief.SeverityHigh, some),
		rule("ref2", debrief.RuleTest, debrief.SeverityMedium, some),
		rule("old", debrief.RuleDeprecated, debrief.SeverityHigh, some),
	}
	opts := coverage.Options{Catalog: cat}
	res := coverage.Compute(team, opts)
	rep := res.Gaps(p, team, opts, coverage.GapOptions{Reference: ref})
	if len(rep.Gaps) == 0 || rep.Added != 2 || !(rep.After > rep.Before) {
		t.Fatalf("gaps %d added %d before %v after %v", len(rep.Gaps), rep.Added, rep.Before, rep.After)
	}
	for i := 1; i < len(rep.Gaps); i++ {
		if rep.Gaps[i].Priority > rep.Gaps[i-1].Priority {
			t.Fatalf("gaps not ranked at %d", i)
		}
	}
	for _, g := range rep.Gaps {
		if g.ID == some && !slices.Equal(g.Suggested, []string{"sigma:ref1", "sigma:ref2"}) {
			t.Errorf("suggested %v for %s", g.Suggested, some)
		}
		if g.ID != some && g.ID != some.Parent() && len(g.Suggested) > 0 { // a sub-technique's rules also serve its parent
			t.Errorf("%s: suggested %v", g.ID, g.Suggested)
		}
	}
}

func TestIncident(t *testing.T) {
	team := []debrief.Rule{rule("4b1d9a2e", debrief.RuleStable, debrief.SeverityHigh, "T1059.001")}
	team[0].Title = "Encoded PowerShell"
	in := &debrief.Incident{
		Techniques: []debrief.TechniqueID{"T1059.001", "T1566.001", "T1078"},
		Alerts: []debrief.Alert{
			{RuleName: "encoded powershell", Techniques: []debrief.Technique{{ID: "T1059.001"}}},
			{Product: "Microsoft Defender for Office 365", Techniques: []debrief.Technique{{ID: "T1566.001"}}},
		},
	}
	got := coverage.Incident(in, team)
	want := map[debrief.TechniqueID]coverage.Seen{"T1059.001": coverage.Detected, "T1566.001": coverage.ProductOnly, "T1078": coverage.Unseen}
	if len(got) != 3 {
		t.Fatalf("%+v", got)
	}
	for _, o := range got {
		if o.Seen != want[o.ID] {
			t.Errorf("%s: %s, want %s", o.ID, o.Seen, want[o.ID])
		}
	}
	s := coverage.Section(got, coverage.Compute(team, coverage.Options{Catalog: catalog(t)}), nil)
	if s.ID != "coverage" || len(s.Tables[0].Rows) != 3 || s.Scores == nil {
		t.Errorf("section %+v", s)
	}
}

func TestLayerProfile(t *testing.T) {
	w := func(v float64) *float64 { return &v }
	decl := func(score *float64, ids ...debrief.TechniqueID) debrief.Rule {
		return debrief.Rule{Corpus: "navigator", Techniques: ids, Enabled: true, Score: score}
	}
	p := coverage.Layer("team.json", []debrief.Rule{
		decl(w(0.25), "T1059.001"),
		decl(nil, "T1566"),
		decl(w(0), "T1190"),
		decl(w(0.4), "T1021"), decl(w(0.8), "T1021"), // listed twice: the higher
	})
	want := map[debrief.TechniqueID]float64{"T1059.001": 0.25, "T1566": 1, "T1021": 0.8}
	if p.Name != "layer:team.json" || len(p.Weights) != len(want) {
		t.Fatalf("profile %+v", p)
	}
	for id, v := range want {
		if p.Weights[id] != v {
			t.Errorf("%s weighs %v, want %v", id, p.Weights[id], v)
		}
	}
}
