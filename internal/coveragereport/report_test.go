package coveragereport_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/coverage"
	"github.com/debrief-dev/debrief/internal/coveragereport"
	"github.com/debrief-dev/debrief/rules"
)

// TestNew builds the report of three rules — one tagged with a known
// technique, one also with an unknown id, one with none — and checks
// each field of its JSON against what the rules say.
func TestNew(t *testing.T) {
	cat, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	team := []debrief.Rule{
		{ID: "r1", File: "ps.yml", Title: "PowerShell", Techniques: []debrief.TechniqueID{"T1059.001"}, Enabled: true},
		{ID: "r2", File: "odd.yml", Title: "Odd", Techniques: []debrief.TechniqueID{"T1059.001", "T9999"}, Enabled: true},
		{ID: "r3", File: "none.yml", Title: "No tags", Enabled: true},
	}
	for i := range team {
		rules.Normalise(&team[i], cat)
	}
	opts := coverage.Options{Catalog: cat}
	res := coverage.Compute(team, opts)
	prof, err := coverage.Groups(cat, []string{"APT29"})
	if err != nil {
		t.Fatal(err)
	}
	gaps := res.Gaps(prof, team, opts, coverage.GapOptions{})
	rep := coveragereport.New(team, res, gaps, nil)
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"profile", "coverage_before", "coverage_after", "suggested_rules_added", "rules", "invalid_files",
		"unknown_ids", "ids", "unmapped_rules", "techniques", "gaps"} {
		if _, ok := got[k]; !ok {
			t.Errorf("no %q in %.300s", k, b)
		}
	}
	if string(got["invalid_files"]) != "[]" {
		t.Errorf("invalid_files %s, want []", got["invalid_files"])
	}
	if !slices.Equal(rep.Unmapped, []string{"none.yml"}) {
		t.Errorf("unmapped %v, want none.yml", rep.Unmapped)
	}
	if len(rep.IDs.Unknown) != 1 || rep.IDs.Unknown[0].ID != "T9999" || !slices.Equal(rep.IDs.Unknown[0].Files, []string{"odd.yml"}) {
		t.Errorf("unknown ids %+v, want T9999 in odd.yml", rep.IDs.Unknown)
	}
	if rep.Rules != res.Rules || rep.Profile != prof.Name || !strings.Contains(rep.Profile, "G0016") && !strings.Contains(rep.Profile, "APT29") ||
		rep.Before != gaps.Before || len(rep.Gaps) != len(gaps.Gaps) || len(rep.Techniques) != len(res.Techniques) {
		t.Errorf("report %+v", rep)
	}
}
