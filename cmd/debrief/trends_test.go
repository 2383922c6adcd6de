package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// simulatedHome simulates a history in Graph format and ingests it into a
// fresh store; it returns the data directory.
func simulatedHome(t *testing.T, days string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("simulates and ingests a history")
	}
	home, out := t.TempDir(), filepath.Join(t.TempDir(), "sim")
	if _, errOut, code := cli(t, home, "", "simulate", "--days", days, "--seed", "3", "--format", "graph", "--out", out, "-q"); code != 0 {
		t.Fatalf("simulate: exit %d: %s", code, errOut)
	}
	if _, errOut, code := cli(t, home, "", "ingest", filepath.Join(out, "graph"), "-q"); code != 0 {
		t.Fatalf("ingest: exit %d: %s", code, errOut)
	}
	return home
}

// trendChange is an item of trends --json under emerging, fading or new.
type trendChange struct {
	ID, Name         string
	Recent, Baseline int
	RateRatio        float64 `json:"rate_ratio"`
	Q                float64
}

// trendSeries is a series of trends --json.
type trendSeries struct {
	ID           string
	Counts       []int
	ChangePoints []struct {
		At            string
		Before, After float64
	} `json:"change_points"`
}

func TestTrendsJSON(t *testing.T) {
	home := simulatedHome(t, "180")
	stdout, errOut, code := cli(t, home, "", "trends", "--since", "2026-01-01", "--by", "subtechnique", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res struct {
		Series struct {
			Starts []string
			Series []trendSeries
		}
		Emerging, Fading, New []trendChange
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Series.Starts) < 20 || len(res.Series.Series) == 0 || len(res.Series.Series[0].Counts) != len(res.Series.Starts) {
		t.Errorf("series: %d starts, %d keys", len(res.Series.Starts), len(res.Series.Series))
	}
	i := slices.IndexFunc(res.Emerging, func(c trendChange) bool { return c.ID == "T1621" })
	if i < 0 || res.Emerging[i].Name == "" || res.Emerging[i].Recent <= res.Emerging[i].Baseline/5 {
		t.Errorf("planted T1621 not emerging: %+v", res.Emerging)
	}
	if j := slices.IndexFunc(res.Series.Series, func(s trendSeries) bool { return s.ID == "T1621" }); j < 0 || len(res.Series.Series[j].ChangePoints) == 0 || res.Series.Series[j].ChangePoints[0].After <= res.Series.Series[j].ChangePoints[0].Before {
		t.Errorf("planted T1621 has no rising change point in its series")
	}
	if res.New == nil || res.Fading == nil {
		t.Errorf("new and fading must be lists, even empty")
	}
	for _, f := range []string{"table", "csv", "navigator"} {
		stdout, errOut, code := cli(t, home, "", "trends", "--since", "2026-01-01", "--format", f)
		if code != 0 || len(stdout) < 100 {
			t.Errorf("--format %s: exit %d: %s %s", f, code, errOut, stdout)
		}
	}
	page := filepath.Join(t.TempDir(), "trends.html")
	if _, errOut, code := cli(t, home, "", "trends", "--since", "2026-01-01", "--by", "subtechnique", "--format", "html", "-o", page); code != 0 {
		t.Errorf("--format html: exit %d: %s", code, errOut)
	}
	selfContained(t, page, "T1621", `id="trend-overview"`)
	for _, tc := range []struct{ args, flag string }{
		{"--window 0d", "--window"},
		{"--since 10d --window 4w", "--window"},
		{"--format pdf", "--format"},
		{"--fdr 1", "--fdr"},
		{"--min-count 0", "--min-count"},
		{"--since 2026-03-01 --until 2026-01-01", "--until"},
	} {
		if _, errOut, code := cli(t, home, "", append([]string{"trends"}, strings.Fields(tc.args)...)...); code != exitUsage || !strings.Contains(errOut, tc.flag) {
			t.Errorf("%s: exit %d: %s", tc.args, code, errOut)
		}
	}
}

// external matches what makes a page load from elsewhere: scripts, frames,
// and src, link href or CSS url() and @import that are not data: URLs.
var external = regexp.MustCompile(`(?i)<script|<iframe|<object|<embed|\bsrc=["']?[^d"'][^"']*|<link[^>]*href=["']?[^d"'>]|url\(["']?[^d"')]|@import`)

// selfContained checks that the file at path is an HTML page that loads
// nothing from elsewhere and shows each of has.
func selfContained(t *testing.T, path string, has ...string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := string(data)
	if !strings.HasPrefix(strings.ToLower(page), "<!doctype html>") || !strings.Contains(page, "</html>") {
		t.Errorf("%s is not an HTML page: %.200s", path, page)
	}
	if m := external.FindString(page); m != "" {
		t.Errorf("%s loads from elsewhere: %q", path, m)
	}
	if !strings.Contains(page, `http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;`) {
		t.Errorf("%s carries no content security policy that forbids loading", path)
	}
	for _, h := range has {
		if !strings.Contains(page, h) {
			t.Errorf("%s lacks %q", path, h)
		}
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm() != 0o644 {
		t.Errorf("%s: mode %v, want 0644", path, info.Mode())
	}
}

// TestAnalysesOfAnOldHistory runs the analyses with their default windows
// on a store whose incidents (a simulation from January 2026) are older
// than those windows: they count back from the store's latest incident,
// and say so, rather than from now; an empty window says how to widen it.
func TestAnalysesOfAnOldHistory(t *testing.T) {
	home := simulatedHome(t, "60")
	const note = "Window ends at the store's latest incident, 2026-03-0"
	for _, args := range [][]string{
		{"trends"},
		{"skills"},
		{"coverage", "--rules", filepath.Join("..", "..", "rules", "sigma", "testdata", "plain.yml"), "--threat", "observed"},
		{"coverage", "--rules", filepath.Join("..", "..", "rules", "sigma", "testdata", "plain.yml"), "--threat", "attributed"},
	} {
		stdout, errOut, code := cli(t, home, "", args...)
		if code != 0 || !strings.Contains(stdout+errOut, note) {
			t.Errorf("%s: exit %d, want 0 and %q\nstdout: %.300s\nstderr: %s", args, code, note, stdout, errOut)
		}
	}
	// Formats without room for the note have it on stderr, without the
	// "debrief:" of an error (as coverage writes it).
	for _, args := range [][]string{{"trends", "--format", "json"}, {"skills", "--format", "csv"}} {
		_, errOut, code := cli(t, home, "", args...)
		if code != 0 || !strings.HasPrefix(errOut, note) {
			t.Errorf("%s: exit %d, want 0 and the note first on stderr\nstderr: %s", args, code, errOut)
		}
	}
	for _, cmd := range []string{"trends", "skills"} {
		_, errOut, code := cli(t, home, "", cmd, "--since", "2026-06-01", "--until", "2026-12-01")
		if code != 1 || !strings.Contains(errOut, "no incidents in the store from 2026-06-01 to 2026-12-01") || !strings.Contains(errOut, "--since") {
			t.Errorf("%s of an empty window: exit %d: %s", cmd, code, errOut)
		}
	}
}
