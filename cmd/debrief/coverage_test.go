package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/render/navigator"
)

func TestCoverageCommand(t *testing.T) {
	sigmaDir := filepath.Join("..", "..", "rules", "sigma", "testdata")
	good := []string{filepath.Join(sigmaDir, "plain.yml"), filepath.Join(sigmaDir, "revoked.yml"), filepath.Join(sigmaDir, "v19.yml")}
	tests := []struct {
		name string
		args []string
		code int
		want string // substring of stdout+stderr
	}{
		{"table", append([]string{"coverage", "--threat", "group:APT29", "--rules"}, strings.Join(good, ",")), 0, "threat group:APT29: coverage"},
		{"invalid files exit 3", []string{"coverage", "--rules", sigmaDir}, 3, "skipped"},
		{"no rules", []string{"coverage"}, 2, "--rules"},
		{"bad format", []string{"coverage", "--rules", sigmaDir, "--format", "xml"}, 2, "--format"},
		{"bad threat", []string{"coverage", "--rules", good[0], "--threat", "martians"}, 2, "--threat"},
		{"unknown group", []string{"coverage", "--rules", good[0], "--threat", "group:NoSuchGroup"}, 1, "NoSuchGroup"},
		{"csv", []string{"coverage", "--rules", good[0], "--format", "csv"}, 0, "T1548.002,Bypass User Account Control,1.6"},
		{"layer profile weighs by declared score", []string{"coverage", "--rules", good[0], "--format", "csv", "--threat",
			"layer:" + filepath.Join("..", "..", "rules", "navigator", "testdata", "layers.json")}, 0, "\nT1059.001,PowerShell,0.0,,0.000,0,0.500\n"},
		{"suggestions sentence", []string{"coverage", "--rules", good[0], "--threat", "campaign:C0024", "--suggest-from", filepath.Join(sigmaDir, "flow.yml")}, 0,
			"adding these 1 rules raises coverage of this threat from "},
		{"v19 ids with their files", append([]string{"coverage", "--rules"}, strings.Join(good, ",")), 0,
			"ATT&CK v19 ids read as their v18 technique (2):\n  T1685 → T1562.001  1 rule: " + good[2]},
		{"revoked ids with their files", append([]string{"coverage", "--rules"}, strings.Join(good, ",")), 0,
			"Revoked ids read as their successor (1):\n  T1086 → T1059.001  1 rule: " + good[1]},
		{"unknown ids with their files", append([]string{"coverage", "--rules"}, strings.Join(good, ",")), 0,
			", not scored (1):\n  T1690  1 rule: " + good[2]},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := cli(t, t.TempDir(), "", tc.args...)
			if code != tc.code || !strings.Contains(out+errOut, tc.want) {
				t.Errorf("exit %d (want %d), output lacks %q\nstdout: %.2000s\nstderr: %s", code, tc.code, tc.want, out, errOut)
			}
		})
	}
}

func TestCoverageJSON(t *testing.T) {
	sigmaDir := filepath.Join("..", "..", "rules", "sigma", "testdata")
	out, errOut, code := cli(t, t.TempDir(), "", "coverage", "--rules", filepath.Join(sigmaDir, "plain.yml")+","+filepath.Join(sigmaDir, "v19.yml"),
		"--threat", "campaign:C0024", "--suggest-from", filepath.Join(sigmaDir, "flow.yml"), "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		IDs struct {
			Translated, Unknown []struct {
				ID, As string
				Files  []string
			}
		}
		Techniques []struct {
			ID         string
			Score      float64
			Visibility *float64
			Rules      []string
		}
		Gaps []struct {
			ID             string
			Weight         float64
			SuggestedRules []string `json:"suggested_rules"`
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	cat, _ := attack.Embedded()
	active := 0
	for _, tt := range cat.Techniques("enterprise-attack") {
		if tt.Active() {
			active++
		}
	}
	if len(rep.Techniques) != active {
		t.Errorf("%d techniques, want every active one (%d)", len(rep.Techniques), active)
	}
	for _, tt := range rep.Techniques {
		if tt.ID == "T1548.002" && (tt.Score != 1.6 || len(tt.Rules) != 1) {
			t.Errorf("T1548.002: %+v", tt)
		}
	}
	v19 := filepath.Join(sigmaDir, "v19.yml")
	if tr := rep.IDs.Translated; len(tr) != 2 || tr[0].ID != "T1685" || tr[0].As != "T1562.001" || !slices.Equal(tr[0].Files, []string{v19}) {
		t.Errorf("translated ids %+v", tr)
	}
	if un := rep.IDs.Unknown; len(un) != 1 || un[0].ID != "T1690" || !slices.Equal(un[0].Files, []string{v19}) {
		t.Errorf("unknown ids %+v", un)
	}
	if len(rep.Gaps) == 0 || rep.Gaps[0].Weight <= 0 {
		t.Errorf("gaps %+v", rep.Gaps)
	}
}

func TestCoverageNavigator(t *testing.T) {
	path := filepath.Join(t.TempDir(), "layers.json")
	rulesPath := filepath.Join("..", "..", "rules", "sigma", "testdata", "plain.yml")
	_, errOut, code := cli(t, t.TempDir(), "", "coverage", "--rules", rulesPath, "--threat", "group:G0016", "--format", "navigator", "-o", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var layers []*navigator.Layer
	if err := json.Unmarshal(data, &layers); err != nil {
		t.Fatal(err)
	}
	cat, _ := attack.Embedded()
	if len(layers) != 3 {
		t.Fatalf("%d layers, want coverage, threat and gaps", len(layers))
	}
	for _, l := range layers {
		if err := navigator.Validate(l, cat); err != nil {
			t.Errorf("layer %q: %v", l.Name, err)
		}
		if len(l.Techniques) == 0 {
			t.Errorf("layer %q is empty", l.Name)
		}
	}
}

// TestCoverageLogSources declares Sigma log sources: visibility comes
// through the Sigma table, and a suggested rule must read one of them.
func TestCoverageLogSources(t *testing.T) {
	sigmaDir := filepath.Join("..", "..", "rules", "sigma", "testdata")
	sources := filepath.Join(t.TempDir(), "sources.yaml")
	if err := os.WriteFile(sources, []byte("- windows/process_creation\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := cli(t, t.TempDir(), "", "coverage", "--rules", filepath.Join(sigmaDir, "plain.yml"), "--log-sources", sources, "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	// T1548.002 is detected through process creation (among its data
	// components); without log sources the visibility column is empty.
	if !strings.Contains(out, "\nT1548.002,Bypass User Account Control,1.6,0.") {
		t.Errorf("no visibility for T1548.002:\n%.3000s", out)
	}
	// flow.yml (T1003.001, G0016 uses it) reads process_creation: it is
	// suggested to a team that collects that, not to one that only has the
	// Windows security log.
	security := filepath.Join(t.TempDir(), "security.yaml")
	if err := os.WriteFile(security, []byte("- product: windows\n  service: security\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{sources: `"suggested_rules_added": 1`, security: `"suggested_rules_added": 0`} {
		out, errOut, code = cli(t, t.TempDir(), "", "coverage", "--rules", filepath.Join(sigmaDir, "plain.yml"), "--log-sources", file,
			"--threat", "group:G0016", "--suggest-from", filepath.Join(sigmaDir, "flow.yml"), "--json")
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("%s: exit %d, output lacks %s: %s", filepath.Base(file), code, want, errOut)
		}
	}
}

// TestCoverageUnknownLogSources: entries of --log-sources that give no
// data component are named on stderr with their line, and exit 3.
func TestCoverageUnknownLogSources(t *testing.T) {
	sources := filepath.Join(t.TempDir(), "sources.yaml")
	if err := os.WriteFile(sources, []byte("- windows/process_creation\n- nonsense/thing\n- DC9999\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rulesPath := filepath.Join("..", "..", "rules", "sigma", "testdata", "plain.yml")
	out, errOut, code := cli(t, t.TempDir(), "", "coverage", "--rules", rulesPath, "--log-sources", sources)
	for _, want := range []string{sources + `:2: log source "nonsense/thing" gives no data component`, sources + `:3: log source "DC9999"`, "attack search DC0"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if code != exitRejected || !strings.Contains(out, "coverage") {
		t.Errorf("exit %d, want %d; stdout %.200s", code, exitRejected, out)
	}
}

// TestCoverageUnmapped: a rule with no technique is reported, not lost.
func TestCoverageUnmapped(t *testing.T) {
	file := filepath.Join(t.TempDir(), "untagged.yml")
	rule := "title: Untagged\nid: 0d1e2f3a-0000-4000-8000-000000000009\nstatus: test\ntags:\n    - attack.execution\n" +
		"logsource:\n    category: process_creation\n    product: windows\ndetection:\n    sel:\n        Image: x\n    condition: sel\n"
	if err := os.WriteFile(file, []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := cli(t, t.TempDir(), "", "coverage", "--rules", file, "--json")
	var rep struct {
		Unmapped []string `json:"unmapped_rules"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || !slices.Equal(rep.Unmapped, []string{file}) {
		t.Errorf("exit %d, unmapped %v: %s", code, rep.Unmapped, errOut)
	}
	out, _, _ = cli(t, t.TempDir(), "", "coverage", "--rules", file)
	if !strings.Contains(out, "; 1 rules without a technique") {
		t.Errorf("table: %.300s", out)
	}
}

// TestCoverageWindowNote: when the observed window ends at the store's
// latest incident, coverage says so on stderr as a note, not with the
// "debrief:" of an error.
func TestCoverageWindowNote(t *testing.T) {
	home := simulatedHome(t, "60")
	rules := filepath.Join("..", "..", "rules", "sigma", "testdata", "plain.yml")
	_, errOut, code := cli(t, home, "", "coverage", "--rules", rules, "--threat", "observed")
	if code != 0 || !strings.HasPrefix(errOut, "Window ends at the store's latest incident, 2026-03-0") {
		t.Errorf("exit %d, want 0 and the note first on stderr, without \"debrief:\"\nstderr: %s", code, errOut)
	}
}

// TestCoverageObservedWithoutTechniques: incidents that name no technique
// make no threat profile: coverage says so and fails, as for an empty
// window, rather than reporting 0% of nothing.
func TestCoverageObservedWithoutTechniques(t *testing.T) {
	home := t.TempDir()
	const alert = `{"AlertId":"da1","Timestamp":"2026-01-02T03:04:05Z","Title":"t","Category":"Execution","Severity":"High","ServiceSource":"Microsoft Defender for Endpoint","DetectionSource":"EDR"}`
	if _, errOut, code := cli(t, home, alert, "ingest", "-", "--format", "defender-hunting", "-q"); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errOut)
	}
	rules := filepath.Join("..", "..", "rules", "sigma", "testdata", "plain.yml")
	out, errOut, code := cli(t, home, "", "coverage", "--rules", rules, "--threat", "observed")
	if code != 1 || !strings.Contains(errOut, "--threat observed: no ATT&CK technique in the 1 incident created in the 90d up to 2026-01-02") || strings.Contains(out, "coverage 0%") {
		t.Errorf("exit %d, want 1 and why there is no profile\nstdout: %.300s\nstderr: %s", code, out, errOut)
	}
}
