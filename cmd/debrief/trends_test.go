package main

import (
	"encoding/json"
	"path/filepath"
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
	if _, errOut, code := cli(t, home, "", "trends", "--window", "0d"); code != exitUsage || !strings.Contains(errOut, "--window") {
		t.Errorf("--window 0d: exit %d: %s", code, errOut)
	}
}
