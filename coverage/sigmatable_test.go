package coverage_test

import (
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/coverage"
	"github.com/debrief-dev/debrief/internal/testutil"
)

func TestSigmaTable(t *testing.T) {
	cat := catalog(t)
	rows := coverage.SigmaTable()
	if len(rows) < 20 {
		t.Fatalf("%d rows", len(rows))
	}
	seen := map[[3]string]bool{}
	for i, row := range rows {
		key := [3]string{row.Product, row.Category, row.Service}
		if seen[key] {
			t.Errorf("row %d: %v listed twice", i, key)
		}
		seen[key] = true
		for _, id := range row.DataComponents {
			dc, ok := cat.DataComponent(id)
			switch {
			case !ok || dc.ID != id:
				t.Errorf("row %d %v: %s is not a data component id of the catalog", i, key, id)
			case !dc.Active():
				t.Errorf("row %d %v: %s (%s) is deprecated or revoked", i, key, id, dc.Name)
			}
		}
	}
}

// TestSigmaTableCorpus counts, with a plain regex over the SigmaHQ rule
// files, the rules of each logsource category, and requires a row for
// every category of at least 20 rules.
func TestSigmaTableCorpus(t *testing.T) {
	root := testutil.SharedData(t, "rules/sigma")
	block := regexp.MustCompile(`(?m)^logsource:\s*\n((?:[ \t]+.*\n?|\s*\n)*)`)
	category := regexp.MustCompile(`(?m)^[ \t]+category:[ \t]*['"]?([A-Za-z0-9_\-]+)`)
	counts := map[string]int{}
	var dirs []string
	for _, dir := range []string{"rules", "rules-emerging-threats", "rules-threat-hunting", "rules-placeholder", "rules-compliance"} {
		dirs = append(dirs, filepath.Join(root, dir))
	}
	testutil.CorpusFiles(t, dirs, ".yml", nil, func(_ string, data []byte) {
		if m := block.FindSubmatch(data); m != nil {
			if c := category.FindSubmatch(m[1]); c != nil {
				counts[string(c[1])]++
			}
		}
	})
	if counts["process_creation"] < 1000 {
		t.Fatalf("process_creation in %d rules: the regex count is off", counts["process_creation"])
	}
	big := 0
	for c, n := range counts {
		if n < 20 {
			continue
		}
		big++
		if len(coverage.SigmaComponents(debrief.LogSource{Category: c})) == 0 {
			t.Errorf("category %s (%d rules) has no row in sigma_logsources.yaml", c, n)
		}
	}
	t.Logf("%d categories of ≥ 20 rules, all mapped", big)
}

func TestSigmaLogSources(t *testing.T) {
	cat := catalog(t)
	tests := []struct {
		name string
		file string
		want []string // data components that must be collected
		not  []string // and some that must not
	}{
		{"category path", "- process_creation\n", []string{"DC0032", "DC0064"}, []string{"DC0067"}},
		{"product/category path", "- windows/process_creation\n", []string{"DC0032"}, []string{"DC0067"}},
		{"product/service path", "- windows/security\n", []string{"DC0067", "DC0002", "DC0001"}, []string{"DC0016"}},
		{"mapping", "- product: windows\n  service: security\n", []string{"DC0067"}, []string{"DC0032"}},
		{"mapping with category", "- product: windows\n  category: image_load\n", []string{"DC0016"}, []string{"DC0032"}},
		{"service of another product", "- product: linux\n  service: security\n", nil, []string{"DC0067"}},
		{"ATT&CK log source name", "- name: WinEventLog:Sysmon\n  channel: EventCode=1\n", []string{"DC0032"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ls, err := coverage.ParseLogSources([]byte(tc.file), "ls.yaml", cat)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range tc.want {
				if !ls.Components[id] {
					t.Errorf("%s not collected; got %v", id, ls.Components)
				}
			}
			for _, id := range tc.not {
				if ls.Components[id] {
					t.Errorf("%s collected", id)
				}
			}
		})
	}
}

// TestSigmaVisibilityAndSuggestions: declaring Sigma log sources gives
// visibility through the table, and suggestions keep only the rules whose
// log source the team has.
func TestSigmaVisibilityAndSuggestions(t *testing.T) {
	cat := catalog(t)
	ls, err := coverage.ParseLogSources([]byte("- windows/process_creation\n"), "ls.yaml", cat)
	if err != nil {
		t.Fatal(err)
	}
	res := coverage.Compute(nil, coverage.Options{Catalog: cat, LogSources: ls})
	tech, _ := res.Technique("T1059.001")
	if tech.Visibility == nil || *tech.Visibility <= 0 {
		t.Fatalf("T1059.001 visibility %v with process creation collected", tech.Visibility)
	}
	ref := func(id string, src debrief.LogSource) debrief.Rule {
		r := rule(id, debrief.RuleStable, debrief.SeverityHigh, "T1078.004")
		r.LogSources = []debrief.LogSource{src}
		return r
	}
	refs := []debrief.Rule{
		ref("proc", debrief.LogSource{Product: "windows", Category: "process_creation"}),
		ref("linuxproc", debrief.LogSource{Product: "linux", Category: "process_creation"}),
		ref("ps", debrief.LogSource{Product: "windows", Category: "ps_script"}), // Script Execution and Command Execution
		ref("sec", debrief.LogSource{Product: "windows", Service: "security"}),
		ref("signin", debrief.LogSource{Product: "azure", Service: "signinlogs"}),
		ref("sysmon", debrief.LogSource{Product: "windows", Service: "sysmon"}),
	}
	tests := []struct {
		name, file string
		want       []string
	}{
		{"a Sigma path: that log only", "- windows/process_creation\n", []string{"proc"}},
		{"a category for every product", "- process_creation\n", []string{"linuxproc", "proc"}},
		// windows/security yields User Account Authentication and Logon
		// Session Creation, but not Azure's sign-in log.
		{"a Windows log is not Azure's", "- windows/security\n", []string{"sec"}},
		{"declared components: every one a category row names", "- Script Execution\n- Command Execution\n", []string{"ps"}},
		{"declared components: one of a whole log's", "- DC0002\n- Host Status\n", []string{"sec", "signin", "sysmon"}},
		{"no log sources: everything", "", []string{"linuxproc", "proc", "ps", "sec", "signin", "sysmon"}},
	}
	p := coverage.Profile{Name: "t", Weights: map[debrief.TechniqueID]float64{"T1078.004": 1}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var opts coverage.Options
			opts.Catalog = cat
			if tc.file != "" {
				if opts.LogSources, err = coverage.ParseLogSources([]byte(tc.file), "ls.yaml", cat); err != nil {
					t.Fatal(err)
				}
			}
			rep := coverage.Compute(nil, opts).Gaps(p, nil, opts, coverage.GapOptions{Reference: refs, PerGap: 10})
			if len(rep.Gaps) != 1 {
				t.Fatalf("gaps %+v", rep.Gaps)
			}
			var got []string
			for _, id := range rep.Gaps[0].Suggested {
				got = append(got, strings.TrimPrefix(id, "sigma:"))
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("suggested %v, want %v", got, tc.want)
			}
		})
	}
}
