package main

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

func TestSkillsJSON(t *testing.T) {
	home := simulatedHome(t, "180")
	stdout, errOut, code := cli(t, home, "", "skills", "--since", "2026-01-01", "--by", "tactic", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res struct {
		Team   struct{ Incidents int }
		Groups []struct{ ID string }
		Gaps   []struct {
			ID, Metric  string
			Team, Group float64
			Interval    []float64
			Practise    struct{ URL string }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, g := range res.Gaps {
		if g.ID == "credential-access" && g.Metric == "time_to_resolve" && g.Group > g.Team && len(g.Interval) == 2 &&
			strings.Contains(g.Practise.URL, "attack.mitre.org") {
			found = true
		}
	}
	if res.Team.Incidents == 0 || len(res.Groups) == 0 || !found {
		t.Errorf("planted slow credential access not flagged: %+v", res.Gaps)
	}
	page := filepath.Join(t.TempDir(), "skills.html")
	if _, errOut, code := cli(t, home, "", "skills", "--since", "2026-01-01", "--by", "tactic", "--format", "html", "-o", page); code != 0 {
		t.Errorf("--format html: exit %d: %s", code, errOut)
	}
	selfContained(t, page, "credential-access", `id="team"`, "attack.mitre.org")
	for _, tc := range []struct{ args, flag string }{
		{"--by shoe-size", "--by"},
		{"--min-sample 0", "--min-sample"},
		{"--fdr 0", "--fdr"},
		{"--since soon", "--since"},
		{"--format pdf", "--format"},
	} {
		if _, errOut, code := cli(t, home, "", append([]string{"skills"}, strings.Fields(tc.args)...)...); code != exitUsage || !strings.Contains(errOut, tc.flag) {
			t.Errorf("%s: exit %d: %s", tc.args, code, errOut)
		}
	}
}

// TestHours checks that skills writes durations as reviews do.
func TestHours(t *testing.T) {
	for h, want := range map[float64]string{29.0 / 60: "29m", 53 + 47.0/60: "2d 5h", 6 + 38.0/60: "6h 38m", 0: "0s"} {
		if got := hours(h); got != want {
			t.Errorf("hours(%v) = %q, want %q", h, got, want)
		}
	}
	if got := hours(math.NaN()); got != "-" {
		t.Errorf("hours(NaN) = %q", got)
	}
}
