package sigma_test

import (
	"context"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/rules"
	"github.com/debrief-dev/debrief/rules/sigma"
)

var activeFolders = []string{"rules", "rules-emerging-threats", "rules-threat-hunting", "rules-placeholder", "rules-compliance"}

func catalog(t testing.TB) *attack.Catalog {
	t.Helper()
	return testutil.Load(t, attack.Embedded)
}

func TestDecode(t *testing.T) {
	tests := []struct {
		file       string
		wantErr    string // substring of the error; "" for none
		techniques []debrief.TechniqueID
		tactics    []string
		unknown    []string
		remapped   map[string]string
		status     debrief.RuleStatus
		level      debrief.Severity
	}{
		{file: "plain.yml", techniques: []debrief.TechniqueID{"T1548.002"}, tactics: []string{"defense-evasion", "privilege-escalation"},
			status: debrief.RuleTest, level: debrief.SeverityHigh},
		{file: "revoked.yml", techniques: []debrief.TechniqueID{"T1059.001"}, remapped: map[string]string{"T1086": "T1059.001"},
			status: debrief.RuleStable, level: debrief.SeverityMedium},
		// ATT&CK v19 ids under the v18.1 catalog: those attack.V19ToV18
		// lists are read as their v18 technique and recorded in Remapped;
		// T1690 has no v18 equivalent listed and stays unknown.
		{file: "v19.yml", techniques: []debrief.TechniqueID{"T1562", "T1562.001", "T1562.002"}, unknown: []string{"T1690"},
			remapped: map[string]string{"T1685": "T1562.001", "T1685.001": "T1562.002"},
			tactics:  []string{"defense-impairment", "stealth"}, status: debrief.RuleExperimental, level: debrief.SeverityLow},
		{file: "deprecated.yml", techniques: []debrief.TechniqueID{"T1003.001"}, tactics: []string{"credential-access"},
			status: debrief.RuleDeprecated, level: debrief.SeverityCritical},
		{file: "flow.yml", techniques: []debrief.TechniqueID{"T1003", "T1003.001"}, tactics: []string{"credential-access"},
			status: debrief.RuleTest, level: debrief.SeverityHigh},
		{file: "multidoc.yml", techniques: []debrief.TechniqueID{"T1543.003"}, tactics: []string{"lateral-movement"},
			status: debrief.RuleUnsupported, level: debrief.SeverityMedium},
		{file: "tags_mapping.bad.yml", wantErr: "tags: want a list of strings, got mapping"},
		{file: "tag_number.bad.yml", wantErr: "tags[1]: want a string"},
		{file: "syntax.bad.yml", wantErr: "syntax.bad.yml:"},
		{file: "empty.bad.yml", wantErr: "empty file"},
	}
	cat := catalog(t)
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			set, err := rules.Collect(sigma.Load(context.Background(), []string{filepath.Join("testdata", tc.file)}, rules.Options{Catalog: cat}))
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
			if !maps.Equal(r.Remapped, tc.remapped) {
				t.Errorf("remapped %v, want %v", r.Remapped, tc.remapped)
			}
			if r.Status != tc.status || r.Level != tc.level {
				t.Errorf("status %q level %q, want %q %q", r.Status, r.Level, tc.status, tc.level)
			}
			if !strings.HasPrefix(r.ID, "sigma:") || r.Title == "" || len(r.LogSources) == 0 {
				t.Errorf("id %q title %q log sources %v", r.ID, r.Title, r.LogSources)
			}
		})
	}
}

// techniqueTag is the independent count: a list item "attack.tNNNN" or
// "attack.tNNNN.NNN", quoted or not.
var techniqueTag = regexp.MustCompile(`(?im)^\s*-\s*['"]?attack\.(t\d{4}(?:\.\d{3})?)['"]?\s*(?:#.*)?$`)

func TestCorpusTechniques(t *testing.T) {
	root := testutil.SharedData(t, "rules/sigma")
	var paths []string
	want := map[string]bool{}
	for _, f := range activeFolders {
		paths = append(paths, filepath.Join(root, f))
	}
	testutil.CorpusFiles(t, paths, ".yml", nil, func(_ string, b []byte) {
		for _, m := range techniqueTag.FindAllStringSubmatch(string(b), -1) {
			want[strings.ToUpper(m[1])] = true
		}
	})
	set, err := rules.Collect(sigma.Load(context.Background(), paths, rules.Options{Catalog: catalog(t)}))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Invalid) > 0 {
		t.Errorf("%d invalid files, e.g. %v", len(set.Invalid), set.Invalid[0])
	}
	if len(set.Rules) != 3780 {
		t.Errorf("%d rules, want the 3,780 of the README", len(set.Rules))
	}
	got := map[string]bool{}
	for _, r := range set.Rules {
		for _, id := range r.Unknown {
			got[id] = true
		}
		for _, id := range r.Techniques {
			if !slices.Contains(mapValues(r.Remapped), string(id)) {
				got[string(id)] = true
			}
		}
		for old := range r.Remapped {
			got[old] = true
		}
	}
	if len(want) != 400 {
		t.Errorf("independent count: %d ids, the README says 400", len(want))
	}
	for id := range want {
		if !got[id] {
			t.Errorf("%s tagged but not decoded", id)
		}
	}
	for id := range got {
		if !want[id] {
			t.Errorf("%s decoded but not tagged", id)
		}
	}
	// Sigma tags ATT&CK v19: T1685 (164 files) is read as v18's
	// T1562.001 and reported as translated; T1690 has no v18 equivalent
	// and is counted as unknown.
	if tr := set.Translated(); tr["T1685"] != "T1562.001" {
		t.Errorf("T1685 (ATT&CK v19) translated to %q, want T1562.001", tr["T1685"])
	}
	if n := set.Unknown()["T1690"]; n == 0 {
		t.Errorf("T1690 (ATT&CK v19) not counted as unknown")
	}
	if n := set.Unknown()["T1685"]; n != 0 {
		t.Errorf("T1685 counted as unknown by %d rules, want translated", n)
	}
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// TestScanAgreesWithParser decodes every file of the corpus with the YAML
// parser too: the line scanner must give the same rule or step aside.
func TestScanAgreesWithParser(t *testing.T) {
	root := testutil.SharedData(t, "rules/sigma")
	n := 0
	testutil.CorpusFiles(t, []string{root}, ".yml", nil, func(path string, b []byte) {
		fast, slow, scanned, err := sigma.Compare(b, path)
		if scanned && err != nil {
			t.Errorf("%s: the scanner read a file the parser rejects: %v", path, err)
		}
		if scanned && err == nil {
			n++
			if !equalRule(fast, slow) {
				t.Errorf("%s: scanner %+v\nparser %+v", path, fast, slow)
			}
		}
	})
	if n < 3500 {
		t.Errorf("the scanner read only %d files", n)
	}
}

func equalRule(a, b debrief.Rule) bool {
	return a.ID == b.ID && a.Title == b.Title && a.Status == b.Status && a.Level == b.Level &&
		slices.Equal(a.Techniques, b.Techniques) && slices.Equal(a.Tactics, b.Tactics) &&
		slices.Equal(a.Unknown, b.Unknown) && slices.Equal(a.LogSources, b.LogSources)
}
