package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief/internal/testutil"
)

// cli runs the CLI in-process with its own data directory and store.
func cli(t *testing.T, home string, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	t.Setenv("DEBRIEF_HOME", home)
	t.Setenv("DEBRIEF_DB", "")
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

func TestExitCodes(t *testing.T) {
	home := t.TempDir()
	bad := filepath.Join(t.TempDir(), "bad.ndjson")
	good := `{"AlertId":"da1","Timestamp":"2026-01-02T03:04:05Z","Title":"t","Category":"Execution","Severity":"High","ServiceSource":"Microsoft Defender for Endpoint","DetectionSource":"EDR","AttackTechniques":"[\"PowerShell (T1059.001)\"]"}`
	if err := os.WriteFile(bad, []byte(good+"\n{\"AlertId\":\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	emptyDir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want int
		out  string // substring of stdout or stderr
	}{
		{"version", []string{"version"}, 0, "ATT&CK enterprise-attack v18.1"},
		{"unknown command", []string{"frobnicate"}, 1, "unknown command"},
		{"unknown flag", []string{"attack", "show", "--frob"}, 2, "unknown flag"},
		{"missing argument", []string{"attack", "show"}, 2, "requires at least 1 arg"},
		{"not found", []string{"attack", "show", "T9999"}, 1, "nothing in ATT&CK is called"},
		{"bad filter", []string{"incidents", "--severity", "extreme"}, 2, "--severity"},
		{"rejected records", []string{"ingest", bad}, 3, "rejected 1"},
		{"strict", []string{"ingest", "--strict", bad}, 3, "strict"},
		{"missing file", []string{"ingest", "/nonexistent/x.json"}, 1, "no such file"},
		{"unrecognised file alone", []string{"ingest", "testdata/ingest/notes.txt"}, 1, "nothing read: testdata/ingest/notes.txt: not a format debrief reads"},
		{"unrecognised file beside a good one", []string{"ingest", "testdata/ingest/notes.txt", "testdata/ingest/one.good.ndjson"}, 3, "rejected 1"},
		{"unknown format", []string{"ingest", "--format", "xdr", "testdata/ingest/one.good.ndjson"}, 2,
			`--format "xdr": want auto or one of defender, graph, defender-hunting, sentinel, ocsf, elastic, wazuh`},
		{"empty stdin", []string{"ingest", "-"}, 1, "nothing read: stdin is empty"},
		{"empty folder", []string{"ingest", emptyDir}, 1, "no files found under " + emptyDir},
		{"demo --db", []string{"demo", "--db", "x.db", "--out", filepath.Join(t.TempDir(), "demo"), "--days", "14", "-q"}, 2,
			"demo: --db: demo always makes a fresh store in --out"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := cli(t, home, "", tc.args...)
			if code != tc.want {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.want, out, errOut)
			}
			if !strings.Contains(out+errOut, tc.out) {
				t.Errorf("output lacks %q\nstdout: %s\nstderr: %s", tc.out, out, errOut)
			}
		})
	}
}

func TestAttackShowJSON(t *testing.T) {
	out, errOut, code := cli(t, t.TempDir(), "", "attack", "show", "T1086", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var v struct {
		ID, Type, Name string
		RevokedBy      string `json:"revoked_by"`
		Revoked        bool
		Replacement    struct {
			ID      string
			Tactics []string
			Parent  string
		}
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if v.ID != "T1086" || v.Type != "technique" || !v.Revoked || v.RevokedBy != "T1059.001" ||
		v.Replacement.ID != "T1059.001" || v.Replacement.Parent != "T1059" || strings.Join(v.Replacement.Tactics, ",") != "execution" {
		t.Errorf("got %+v", v)
	}
}

// TestAttackShowGroupTechniques: a group's technique count says how many
// are its own, its campaigns' and its software's, as attack layer uses them.
func TestAttackShowGroupTechniques(t *testing.T) {
	out, errOut, code := cli(t, t.TempDir(), "", "attack", "show", "APT29")
	if code != 0 || !strings.Contains(out, "  techniques (66 own, 119 with campaigns, 249 with software)\n") {
		t.Errorf("exit %d: %s\n%s", code, errOut, out)
	}
	out, _, _ = cli(t, t.TempDir(), "", "attack", "show", "APT29", "--json")
	var v struct {
		Techniques []struct{ ID, Via string }
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	own := 0
	for _, tq := range v.Techniques {
		if strings.Contains(tq.Via, "direct") {
			own++
		}
	}
	if own != 66 || len(v.Techniques) != 249 {
		t.Errorf("%d own of %d techniques, want 66 of 249", own, len(v.Techniques))
	}
}

func TestAttackVersionJSON(t *testing.T) {
	out, _, code := cli(t, t.TempDir(), "", "attack", "version", "--json")
	var v struct {
		Domains []struct{ Name, Version string }
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil || code != 0 {
		t.Fatalf("exit %d: %v", code, err)
	}
	var got []string
	for _, d := range v.Domains {
		got = append(got, d.Name+"@"+d.Version)
	}
	if strings.Join(got, " ") != "enterprise-attack@18.1 mobile-attack@18.1 ics-attack@18.1" {
		t.Errorf("domains %v", got)
	}
}

func TestAttackLayer(t *testing.T) {
	out, errOut, code := cli(t, t.TempDir(), "", "attack", "layer", "--group", "G0016", "--group", "APT28")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var l struct {
		Versions   struct{ Layer, Navigator, Attack string }
		Domain     string
		Techniques []struct {
			TechniqueID string
			Score       float64
		}
		Gradient struct{ MinValue, MaxValue float64 }
	}
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		t.Fatal(err)
	}
	if l.Versions.Layer != "4.5" || l.Domain != "enterprise-attack" || l.Versions.Attack != "18.1" {
		t.Errorf("header %+v %s", l.Versions, l.Domain)
	}
	shared := 0
	for _, tq := range l.Techniques {
		if tq.Score == 2 {
			shared++
		}
		if tq.Score < 1 || tq.Score > 2 {
			t.Errorf("%s score %v outside 1..2", tq.TechniqueID, tq.Score)
		}
	}
	// APT29 and APT28 share many techniques (e.g. T1566.001 and T1078).
	if shared < 20 || len(l.Techniques) < 100 {
		t.Errorf("%d techniques, %d shared: too few", len(l.Techniques), shared)
	}
}

// TestAttackSearchRevoked: revoked and deprecated objects come after the
// current ones and say so.
func TestAttackSearchRevoked(t *testing.T) {
	out, errOut, code := cli(t, t.TempDir(), "", "attack", "search", "spearphishing", "--limit", "0", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var hits []struct {
		ID, Type, Status string
		RevokedBy        string `json:"revoked_by"`
	}
	if err := json.Unmarshal([]byte(out), &hits); err != nil {
		t.Fatal(err)
	}
	old := false
	for _, h := range hits {
		if h.Status == "" && old {
			t.Errorf("current %s %s ranked after a revoked or deprecated object", h.Type, h.ID)
		}
		old = old || h.Status != ""
		if h.ID == "T1192" && h.Type == "technique" && (h.Status != "revoked" || h.RevokedBy != "T1566.002") {
			t.Errorf("T1192: %+v", h)
		}
	}
	if len(hits) == 0 || hits[0].ID != "T1566.001" || !old {
		t.Errorf("hits %+v", hits)
	}
	table, _, _ := cli(t, t.TempDir(), "", "attack", "search", "spearphishing", "--limit", "0")
	if !strings.Contains(table, "revoked → T1566.002") {
		t.Errorf("table lacks the revoked marker:\n%s", table)
	}
}

// TestAttackLayerRepeatedGroup: a group named by id, name and alias is
// one group, not three that share every technique.
func TestAttackLayerRepeatedGroup(t *testing.T) {
	out, errOut, code := cli(t, t.TempDir(), "", "attack", "layer", "--group", "G0016", "--group", "APT29", "--group", "Cozy Bear")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var l struct {
		Name       string
		Techniques []struct{ Score float64 }
		Legend     []struct{ Label string } `json:"legendItems"`
	}
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		t.Fatal(err)
	}
	if l.Name != "Techniques of G0016 APT29" || len(l.Legend) != 1 || l.Legend[0].Label != "used by 1 of 1" || len(l.Techniques) == 0 {
		t.Errorf("name %q, legend %+v, %d techniques", l.Name, l.Legend, len(l.Techniques))
	}
	for _, tq := range l.Techniques {
		if tq.Score != 1 {
			t.Fatalf("score %v, want 1", tq.Score)
		}
	}
}

func TestEveryCommandHasHelpAndExamples(t *testing.T) {
	a := &app{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Runnable() && !c.Hidden && c.Name() != "help" && c.Name() != "completion" {
			if strings.TrimSpace(c.Example) == "" {
				t.Errorf("%q has no examples", c.CommandPath())
			}
			if c.Short == "" {
				t.Errorf("%q has no short help", c.CommandPath())
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(a.rootCmd())
}

func TestIngestSamplesTwice(t *testing.T) {
	samples := testutil.SharedData(t, "samples")
	home := t.TempDir()
	out, errOut, code := cli(t, home, "", "ingest", samples, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	var first, second struct {
		Read      int
		New       struct{ Incidents, Alerts int }
		Unchanged struct{ Incidents, Alerts int }
		Rejected  []any
	}
	if err := json.Unmarshal([]byte(out), &first); err != nil {
		t.Fatal(err)
	}
	if first.New.Incidents == 0 || first.New.Alerts == 0 || len(first.Rejected) != 0 {
		t.Errorf("first ingest: %+v", first)
	}
	out, _, code = cli(t, home, "", "ingest", samples, "--json")
	if err := json.Unmarshal([]byte(out), &second); err != nil || code != 0 {
		t.Fatal(code, err)
	}
	if second.New.Incidents != 0 || second.New.Alerts != 0 || second.Unchanged.Incidents != first.New.Incidents {
		t.Errorf("second ingest changed things: %+v (first %+v)", second, first)
	}
	out, _, _ = cli(t, home, "", "incidents", "--technique", "T1564", "--json")
	var rows []struct {
		ID          string
		Techniques  []string
		Tactics     []string
		Placeholder bool
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	// 28282 is the incident the alerts_v2 sample names: a placeholder.
	if len(rows) != 2 || rows[0].ID != "defender:2972395" || strings.Join(rows[0].Tactics, ",") != "defense-evasion" ||
		rows[1].ID != "defender:28282" || !rows[1].Placeholder {
		t.Errorf("incidents --technique T1564: %+v", rows)
	}
	out, _, code = cli(t, home, "", "incident", "show", "2972395", "--json")
	if code != 0 || !strings.Contains(out, `"T1564.001"`) || !strings.Contains(out, `"history"`) && !strings.Contains(out, `"comments"`) {
		t.Errorf("incident show: exit %d\n%s", code, out)
	}
}

func TestDemo(t *testing.T) {
	out := filepath.Join(t.TempDir(), "demo")
	stdout, errOut, code := cli(t, t.TempDir(), "", "demo", "--out", out, "--days", "30", "-q", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, stdout, errOut)
	}
	var res struct {
		Incident string
		Reviews  map[string]string
		Analyses map[string]string
		Pages    map[string]string
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Incident, "defender:") || len(res.Reviews) != 5 {
		t.Fatalf("result %+v", res)
	}
	for format, path := range res.Reviews {
		data, err := os.ReadFile(path)
		if err != nil || len(data) < 500 {
			t.Errorf("%s review %s: %d bytes, %v", format, path, len(data), err)
		}
	}
	if len(res.Analyses) != 3 {
		t.Errorf("analyses %v: want trends, skills and campaigns", res.Analyses)
	}
	for name, path := range res.Analyses {
		var v map[string]any
		var list []any
		data, err := os.ReadFile(path)
		if err != nil || json.Unmarshal(data, &v) != nil && json.Unmarshal(data, &list) != nil {
			t.Errorf("%s analysis %s: not JSON (%v)", name, path, err)
		}
		if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v, want 0644", path, info.Mode())
		}
	}
	if len(res.Pages) != 2 || res.Pages["trends"] == "" || res.Pages["skills"] == "" {
		t.Errorf("pages %v: want trends and skills", res.Pages)
	}
	for _, path := range res.Pages {
		selfContained(t, path)
	}
	md, _ := os.ReadFile(res.Reviews["md"])
	for _, want := range []string{"## Timeline", "## Lessons learned", "Time to resolve", "attack.mitre.org"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("markdown review lacks %q", want)
		}
	}
	// A second demo into the same folder starts afresh; a foreign folder is refused.
	if _, errOut, code := cli(t, t.TempDir(), "", "demo", "--out", out, "--days", "30", "-q"); code != 0 {
		t.Errorf("second demo: exit %d: %s", code, errOut)
	}
	foreign := t.TempDir()
	os.WriteFile(filepath.Join(foreign, "notes.txt"), []byte("mine"), 0o644)
	if _, errOut, code := cli(t, t.TempDir(), "", "demo", "--out", foreign, "-q"); code == 0 || !strings.Contains(errOut, "not an earlier demo") {
		t.Errorf("demo into a foreign folder: exit %d: %s", code, errOut)
	}
}

// TestUsersBundle runs commands on a newer ATT&CK release than the embedded
// one (a tiny v19-shaped bundle: TA0005 renamed Stealth, TA0112 Defense
// Impairment and T1685 new), given with --attack and kept with attack import.
func TestUsersBundle(t *testing.T) {
	home := t.TempDir()
	bundle := filepath.Join("testdata", "attack-v19-tiny.json")
	out, errOut, code := cli(t, home, "", "attack", "show", "TA0112", "--attack", bundle, "--json")
	if code != 0 || !strings.Contains(out, `"name": "Defense Impairment"`) {
		t.Fatalf("--attack: exit %d: %s %s", code, out, errOut)
	}
	if _, _, code := cli(t, home, "", "attack", "show", "TA0112"); code != 1 {
		t.Errorf("the embedded v18.1 knows TA0112: exit %d", code)
	}
	if out, errOut, code := cli(t, home, "", "attack", "import", bundle); code != 0 {
		t.Fatalf("import: exit %d: %s %s", code, out, errOut)
	}
	out, _, _ = cli(t, home, "", "attack", "version", "--json")
	if !strings.Contains(out, `"version": "19.0"`) {
		t.Errorf("after import, attack version: %s", out)
	}
	out, _, _ = cli(t, home, "", "attack", "show", "TA0005", "--json")
	if !strings.Contains(out, `"name": "Stealth"`) || !strings.Contains(out, `"id": "TA0005"`) {
		t.Errorf("TA0005 under v19: %s", out)
	}
	if _, errOut, code := cli(t, home, "", "attack", "import", "--reset"); code != 0 {
		t.Fatalf("reset: %s", errOut)
	}
	out, _, _ = cli(t, home, "", "attack", "version", "--json")
	if !strings.Contains(out, `"version": "18.1"`) {
		t.Errorf("after reset: %s", out)
	}
	// An error keeping the bundle names the user's path, not a temporary file.
	dst := filepath.Join(home, importedBundle)
	if err := os.Mkdir(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := cli(t, home, "", "attack", "import", bundle); code != 1 || !strings.Contains(errOut, dst+": is a folder") || strings.Contains(errOut, ".attack-") {
		t.Errorf("import over a folder: exit %d: %s", code, errOut)
	}
}
