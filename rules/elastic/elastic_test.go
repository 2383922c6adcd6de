package elastic_test

import (
	"context"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/rules"
	"github.com/debrief-dev/debrief/rules/elastic"
)

func catalog(t testing.TB) *attack.Catalog {
	t.Helper()
	return testutil.Load(t, attack.Embedded)
}

func TestDecode(t *testing.T) {
	tests := []struct {
		file       string
		wantErr    string
		techniques []debrief.TechniqueID
		tactics    []string
		unknown    []string
		remapped   string // the replacement of T1086
		status     debrief.RuleStatus
		building   bool
		enabled    bool
	}{
		{file: "plain.toml", techniques: []debrief.TechniqueID{"T1548", "T1548.002"}, tactics: []string{"defense-evasion", "privilege-escalation"},
			status: debrief.RuleStable, enabled: true},
		// T1685 (ATT&CK v19) reads as v18's T1562.001 through attack.V19ToV18;
		// T1690 has no listed v18 equivalent and stays unknown.
		{file: "revoked.toml", techniques: []debrief.TechniqueID{"T1059.001", "T1562.001"}, tactics: []string{"execution"}, unknown: []string{"T1690"},
			remapped: "T1059.001", status: debrief.RuleStable, building: true, enabled: true},
		{file: "deprecated.toml", techniques: []debrief.TechniqueID{"T1003", "T1003.001"}, tactics: []string{"credential-access"},
			status: debrief.RuleDeprecated},
		{file: "technique_string.bad.toml", wantErr: "technique_string.bad.toml:"},
		{file: "bad_id.bad.toml", wantErr: `rule.threat[0].technique[0].id: "PowerShell" is not a technique id`},
		{file: "syntax.bad.toml", wantErr: "syntax.bad.toml:3"},
		{file: "no_rule.bad.toml", wantErr: "rule.rule_id: required"},
	}
	cat := catalog(t)
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			set, err := rules.Collect(elastic.Load(context.Background(), []string{filepath.Join("testdata", tc.file)}, rules.Options{Catalog: cat}))
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantErr != "" {
				if len(set.Invalid) != 1 || !strings.Contains(set.Invalid[0].Error(), tc.wantErr) {
					t.Fatalf("errors %v, want one containing %q", set.Invalid, tc.wantErr)
				}
				return
			}
			if len(set.Invalid) > 0 || len(set.Rules) != 1 {
				t.Fatalf("%d rules, errors %v", len(set.Rules), set.Invalid)
			}
			r := set.Rules[0]
			if !slices.Equal(r.Techniques, tc.techniques) || !slices.Equal(r.Tactics, tc.tactics) || !slices.Equal(r.Unknown, tc.unknown) {
				t.Errorf("techniques %v tactics %v unknown %v, want %v %v %v", r.Techniques, r.Tactics, r.Unknown, tc.techniques, tc.tactics, tc.unknown)
			}
			if r.Remapped["T1086"] != tc.remapped || r.Status != tc.status || r.Building != tc.building || r.Enabled != tc.enabled {
				t.Errorf("remapped %v status %q building %v enabled %v", r.Remapped, r.Status, r.Building, r.Enabled)
			}
		})
	}
}

// mitreID is the independent count: every id = "T…" line of the files
// (they only occur in [[rule.threat]] technique and subtechnique tables).
var mitreID = regexp.MustCompile(`(?m)^\s*id\s*=\s*"(T\d{4}(?:\.\d{3})?)"`)

func TestCorpusTechniques(t *testing.T) {
	root := testutil.SharedData(t, "rules/elastic")
	paths := []string{filepath.Join(root, "rules"), filepath.Join(root, "rules_building_block")}
	want := map[string]bool{}
	deprecated := func(path string) bool { return strings.Contains(path, "_deprecated") }
	testutil.CorpusFiles(t, paths, ".toml", deprecated, func(_ string, b []byte) {
		for _, m := range mitreID.FindAllStringSubmatch(string(b), -1) {
			want[m[1]] = true
		}
	})
	set, err := rules.Collect(elastic.Load(context.Background(), paths, rules.Options{Catalog: catalog(t)}))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Invalid) > 0 {
		t.Errorf("%d invalid files, e.g. %v", len(set.Invalid), set.Invalid[0])
	}
	got := map[string]bool{}
	inactive := 0
	for _, r := range set.Rules {
		if !r.Active() {
			inactive++
			continue // the folder rules/_deprecated
		}
		for _, id := range r.Techniques {
			got[string(id)] = true
		}
		for _, id := range r.Unknown {
			got[id] = true
		}
		for old, now := range r.Remapped {
			got[old] = true
			if !slices.ContainsFunc(set.Rules, func(o debrief.Rule) bool {
				return o.Active() && o.Remapped[old] == "" && slices.Contains(o.Techniques, debrief.TechniqueID(now))
			}) {
				delete(got, now) // only present as a replacement
			}
		}
	}
	if len(want) != 450 {
		t.Errorf("independent count: %d ids, the README says 450", len(want))
	}
	if inactive != 124 || len(set.Rules)-inactive != 2068 {
		t.Errorf("%d active and %d deprecated rules, want 2,068 and 124", len(set.Rules)-inactive, inactive)
	}
	testutil.SetDiff(t, "decoded ids", got, want)
}
