package sentinel_test

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
	"github.com/debrief-dev/debrief/rules/sentinel"
)

func TestDecode(t *testing.T) {
	cat := testutil.Load(t, attack.Embedded)
	tests := []struct {
		file       string
		wantErr    string
		techniques []debrief.TechniqueID
		tactics    []string
		unknown    []string
		level      debrief.Severity
	}{
		// T1685 (ATT&CK v19) reads as v18's T1562.001 through attack.V19ToV18;
		// T1690 has no listed v18 equivalent and stays unknown.
		{file: "revoked.yaml", techniques: []debrief.TechniqueID{"T1558.003", "T1562.001"}, tactics: []string{"credential-access", "defense-evasion"},
			unknown: []string{"T1690"}, level: debrief.SeverityMedium},
		{file: "crlf.yaml", techniques: []debrief.TechniqueID{"T1548.002"}, tactics: []string{"privilege-escalation"}, level: debrief.SeverityHigh},
		{file: "block_scalar.bad.yaml", wantErr: "block_scalar.bad.yaml:3: invalid YAML"},
		{file: "technique_name.bad.yaml", wantErr: `relevantTechniques[1]: "PowerShell" is not a technique id`},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			set, err := rules.Collect(sentinel.Load(context.Background(), []string{filepath.Join("testdata", tc.file)}, rules.Options{Catalog: cat}))
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
			if !slices.Equal(r.Techniques, tc.techniques) || !slices.Equal(r.Tactics, tc.tactics) || !slices.Equal(r.Unknown, tc.unknown) || r.Level != tc.level {
				t.Errorf("techniques %v tactics %v unknown %v level %q", r.Techniques, r.Tactics, r.Unknown, r.Level)
			}
		})
	}
}

// relevant is the independent count: the items of a relevantTechniques list.
var (
	relevant = regexp.MustCompile(`(?m)^relevantTechniques:\s*\r?\n((?:[ \t]*-[ \t]*T\d{4}(?:\.\d{3})?[ \t]*\r?\n?)+)`)
	tid      = regexp.MustCompile(`T\d{4}(?:\.\d{3})?`)
)

func TestCorpusTechniques(t *testing.T) {
	root := testutil.SharedData(t, "rules/sentinel")
	set, err := rules.Collect(sentinel.Load(context.Background(), []string{root}, rules.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Invalid) != 1 || !strings.Contains(set.Invalid[0].Error(), "invalid YAML") {
		t.Fatalf("invalid files %v, want the one with a broken block scalar", set.Invalid)
	}
	want := map[string]bool{}
	broken := func(path string) bool { return path == set.Invalid[0].File }
	testutil.CorpusFiles(t, []string{root}, ".yaml", broken, func(_ string, b []byte) {
		for _, m := range relevant.FindAllStringSubmatch(string(b), -1) {
			for _, id := range tid.FindAllString(m[1], -1) {
				want[id] = true
			}
		}
	})
	got := map[string]bool{}
	for _, r := range set.Rules {
		for _, id := range r.Techniques {
			got[string(id)] = true
		}
	}
	if len(set.Rules) != 28 || len(got) == 0 {
		t.Errorf("%d rules, %d ids, want 28 rules with ids", len(set.Rules), len(got))
	}
	testutil.SetDiff(t, "decoded ids", got, want)
}
