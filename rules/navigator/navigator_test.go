package navigator_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/internal/testutil"
	nav "github.com/debrief-dev/debrief/render/navigator"
	"github.com/debrief-dev/debrief/rules"
	"github.com/debrief-dev/debrief/rules/navigator"
	"github.com/debrief-dev/debrief/rules/sigma"
)

func TestDecode(t *testing.T) {
	cat := testutil.Load(t, attack.Embedded)
	set, err := rules.Collect(navigator.Load(context.Background(), []string{"testdata"}, rules.Options{Catalog: cat}))
	if err != nil {
		t.Fatal(err)
	}
	var errs []string
	for _, e := range set.Invalid {
		errs = append(errs, e.Error())
	}
	if len(errs) != 2 || !strings.Contains(errs[0], `techniques[0].techniqueID: "PowerShell"`) || !strings.Contains(errs[1], "score_string.bad.json:2") {
		t.Errorf("errors %q", errs)
	}
	type row struct {
		tech    []debrief.TechniqueID
		unknown []string
		tactics []string
		score   float64
	}
	var got []row
	for _, r := range set.Rules {
		s := -1.0
		if r.Score != nil {
			s = *r.Score
		}
		got = append(got, row{r.Techniques, r.Unknown, r.Tactics, s})
	}
	want := []row{
		// Scores on the gradient 1–5: 3 → 0.5, 2 → 0.25; disabled T1003 and
		// T1566 and T1190 (at or below minValue) are left out; 9 is
		// clamped to 1.
		{[]debrief.TechniqueID{"T1059.001"}, nil, []string{"execution"}, 0.5},
		{[]debrief.TechniqueID{"T1059.001"}, nil, []string{"execution"}, 0.25}, // T1086, revoked
		{[]debrief.TechniqueID{"T1021"}, nil, []string{"lateral-movement"}, 1},
		// T1685 (ATT&CK v19) reads as v18's T1562.001 (attack.V19ToV18);
		// no score: 1.
		{[]debrief.TechniqueID{"T1562.001"}, nil, []string{"defense-evasion"}, 1},
		// No gradient: the Navigator's 0–100; the higher of its two entries.
		{[]debrief.TechniqueID{"T1548.002"}, nil, []string{"defense-evasion", "privilege-escalation"}, 0.5},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if !slices.Equal(g.tech, w.tech) || !slices.Equal(g.unknown, w.unknown) || !slices.Equal(g.tactics, w.tactics) || g.score != w.score {
			t.Errorf("rule %d: %+v, want %+v", i, g, w)
		}
	}
}

// TestSigmaPublishedLayer compares SigmaHQ's own coverage layer with the
// techniques our Sigma decoder finds in the rules/ folder, both without
// a catalog (the layer is ATT&CK v19, as are the tags).
func TestSigmaPublishedLayer(t *testing.T) {
	root := testutil.SharedData(t, "rules/sigma")
	layer, err := rules.Collect(navigator.Load(context.Background(), []string{filepath.Join(root, "other", "sigma_attack_nav_coverage.json")}, rules.Options{}))
	if err != nil || len(layer.Invalid) > 0 {
		t.Fatal(err, layer.Invalid)
	}
	ours, err := rules.Collect(sigma.Load(context.Background(), []string{filepath.Join(root, "rules"), filepath.Join(root, "rules-emerging-threats"), filepath.Join(root, "rules-threat-hunting")}, rules.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	theirs, mine := map[debrief.TechniqueID]bool{}, map[debrief.TechniqueID]bool{}
	for _, r := range layer.Rules {
		theirs[r.Techniques[0]] = true
	}
	for _, r := range ours.Rules {
		for _, id := range r.Techniques {
			mine[id] = true
		}
	}
	onlyTheirs, onlyMine := testutil.Diff(theirs, mine)
	// The layer counts the rules of rules/, rules-emerging-threats/ and
	// rules-threat-hunting/ (with only rules/ eight of its techniques are
	// missing). The one technique only we find, T1686.002, is tagged by two
	// Fortinet rules newer than the layer.
	if len(onlyTheirs) > 0 || !slices.Equal(onlyMine, []debrief.TechniqueID{"T1686.002"}) {
		t.Errorf("layer %d techniques, ours %d; only in the layer %v; only ours %v", len(theirs), len(mine), onlyTheirs, onlyMine)
	}
	// The layer's scores are rule counts ("score function count"). They
	// equal ours for 354 of its 397 techniques; the other 43 differ both
	// ways (15 counts are higher in the layer, 28 lower, e.g. T1078 61
	// there, 51 here), so the layer was generated from a slightly
	// different commit of the rules than the snapshot, not by another
	// definition.
	data, err := os.ReadFile(filepath.Join(root, "other", "sigma_attack_nav_coverage.json"))
	if err != nil {
		t.Fatal(err)
	}
	ls, err := navigator.Layers(data, "sigma_attack_nav_coverage.json")
	if err != nil {
		t.Fatal(err)
	}
	count := map[debrief.TechniqueID]float64{}
	for _, r := range ours.Rules {
		for _, id := range r.Techniques {
			count[id]++
		}
	}
	scores := map[debrief.TechniqueID]float64{} // one entry per tactic of a technique, with the same score
	for _, tt := range ls[0].Techniques {
		scores[debrief.TechniqueID(tt.TechniqueID)] = *tt.Score
	}
	same, higher, lower := 0, 0, 0
	for id, score := range scores {
		switch {
		case score == count[id]:
			same++
		case score > count[id]:
			higher++
		default:
			lower++
		}
	}
	if same != 354 || higher != 15 || lower != 28 {
		t.Errorf("rule counts: %d equal, %d higher in the layer, %d lower; want 354, 15, 28", same, higher, lower)
	}
}

func TestWeight(t *testing.T) {
	on, off := true, false
	f := func(v float64) *float64 { return &v }
	grad := &nav.Gradient{MinValue: 10, MaxValue: 20}
	tests := []struct {
		name     string
		gradient *nav.Gradient
		tech     nav.Technique
		want     float64
	}{
		{"no score", grad, nav.Technique{}, 1},
		{"no score, enabled", grad, nav.Technique{Enabled: &on}, 1},
		{"disabled", grad, nav.Technique{Enabled: &off, Score: f(20)}, 0},
		{"mid gradient", grad, nav.Technique{Score: f(15)}, 0.5},
		{"at minValue", grad, nav.Technique{Score: f(10)}, 0},
		{"below minValue", grad, nav.Technique{Score: f(3)}, 0},
		{"above maxValue", grad, nav.Technique{Score: f(146)}, 1},
		{"no gradient: 0–100", nil, nav.Technique{Score: f(25)}, 0.25},
		{"empty range: 0–100", &nav.Gradient{MinValue: 5, MaxValue: 5}, nav.Technique{Score: f(50)}, 0.5},
		{"negative score", nil, nav.Technique{Score: f(-4)}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := navigator.Weight(&nav.Layer{Gradient: tc.gradient}, tc.tech); got != tc.want {
				t.Errorf("weight %v, want %v", got, tc.want)
			}
		})
	}
}
