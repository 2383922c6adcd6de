package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attribution"
	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/sqlite"
)

func TestCampaignsJSON(t *testing.T) {
	home, out := t.TempDir(), filepath.Join(t.TempDir(), "demo")
	if _, errOut, code := cli(t, home, "", "demo", "--out", out, "--days", "45", "-q"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	stdout, errOut, code := cli(t, home, "", "campaigns", "--db", filepath.Join(out, "debrief.db"), "--since", "2020-01-01", "--json")
	if code != 0 {
		t.Fatalf("campaigns: exit %d: %s", code, errOut)
	}
	var cs []struct {
		ID          string
		Incidents   []string
		Indicators  []string
		Attribution *struct{ ID, Name string }
	}
	if err := json.Unmarshal([]byte(stdout), &cs); err != nil {
		t.Fatal(err)
	}
	attributed := 0
	for _, c := range cs {
		if len(c.Incidents) < 2 || len(c.Indicators) == 0 {
			t.Errorf("campaign %s: %d incidents, indicators %v", c.ID, len(c.Incidents), c.Indicators)
		}
		if c.Attribution != nil {
			attributed++
		}
	}
	if len(cs) < 3 || attributed == 0 {
		t.Errorf("%d campaigns, %d attributed: want several, some attributed", len(cs), attributed)
	}
	checkScanPaths(t, filepath.Join(out, "debrief.db"))
}

// checkScanPaths clusters a store's incidents read through the store's
// lean bulk scan (when it has one) and through one Store.Incident call per
// incident, and wants the same campaigns with the same evidence.
func checkScanPaths(t *testing.T, db string) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var got [2][]attribution.Campaign
	for i, s := range []debrief.Store{st, struct{ debrief.Store }{st}} { // the second hides any ScanIncidents
		cl := attribution.NewClusterer(attribution.ClusterOptions{})
		if err := scanIncidents(ctx, s, debrief.IncidentFilter{}, cl.Add); err != nil {
			t.Fatal(err)
		}
		got[i] = cl.Campaigns()
	}
	if len(got[0]) == 0 || !slices.EqualFunc(got[0], got[1], func(a, b attribution.Campaign) bool {
		return slices.Equal(a.Incidents, b.Incidents) && slices.Equal(a.Indicators, b.Indicators) &&
			slices.Equal(a.Techniques, b.Techniques) && slices.Equal(a.Evidence.Names, b.Evidence.Names) &&
			slices.Equal(a.Evidence.FileNames, b.Evidence.FileNames)
	}) {
		t.Errorf("campaigns by scan and by incident differ or are empty: %d vs %d", len(got[0]), len(got[1]))
	}
}

func TestCoverageAttributedProfile(t *testing.T) {
	sigma := testutil.SharedData(t, "rules/sigma/rules/windows/process_creation")
	home, out := t.TempDir(), filepath.Join(t.TempDir(), "demo")
	if _, errOut, code := cli(t, home, "", "demo", "--out", out, "--days", "45", "-q"); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	stdout, errOut, code := cli(t, home, "", "coverage", "--db", filepath.Join(out, "debrief.db"), "--rules", sigma,
		"--threat", "attributed", "--window", "100000h", "--format", "json")
	if code != 0 && code != 3 {
		t.Fatalf("coverage: exit %d: %s", code, errOut)
	}
	var rep struct {
		Profile string
		Gaps    []struct{ ID string }
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v\n%.500s", err, stdout)
	}
	if !strings.HasPrefix(rep.Profile, "attributed:G") || len(rep.Gaps) == 0 {
		t.Errorf("profile %q, %d gaps", rep.Profile, len(rep.Gaps))
	}
	// The review of an incident with the team's rules gains the coverage section.
	var demo struct{ Incident string }
	demoOut, _, _ := cli(t, home, "", "demo", "--out", out, "--days", "45", "-q", "--json")
	if err := json.Unmarshal([]byte(demoOut), &demo); err != nil {
		t.Fatal(err)
	}
	md, errOut, code := cli(t, home, "", "review", demo.Incident, "--db", filepath.Join(out, "debrief.db"), "--rules", sigma)
	if code != 0 || !strings.Contains(md, "## Detection coverage") || !strings.Contains(md, "## Who it resembles") {
		t.Errorf("review --rules: exit %d: %s\n%.300s", code, errOut, md)
	}
}

// TestWindowFlags: every window flag takes days and weeks, shows its
// default in days, and rejects a window that is not positive.
func TestWindowFlags(t *testing.T) {
	rulesPath := filepath.Join("..", "..", "rules", "sigma", "testdata", "plain.yml")
	tests := []struct {
		name string
		args []string
		code int
		want string // substring of stdout+stderr
	}{
		{"campaigns days", []string{"campaigns", "--window", "30d"}, 0, "no campaigns"},
		{"campaigns weeks", []string{"campaigns", "--window", "2w"}, 0, "no campaigns"},
		{"campaigns zero", []string{"campaigns", "--window", "0s"}, 2,
			`invalid argument "0s" for "--window" flag: want a positive duration such as 28d, 4w or 72h` + "\n"},
		{"campaigns negative", []string{"campaigns", "--window", "-5h"}, 2, "positive duration"},
		{"campaigns default in days", []string{"campaigns", "--help"}, 0, "(default 60d)"},
		{"coverage zero", []string{"coverage", "--rules", rulesPath, "--window", "0d"}, 2, "positive duration"},
		{"coverage default in days", []string{"coverage", "--help"}, 0, "(default 90d)"},
		{"ingest default in days", []string{"ingest", "--help"}, 0, "(default 1d)"},
		{"ingest zero", []string{"ingest", "--window", "0s", "x.json"}, 2, "positive duration"},
		{"pull in days", []string{"pull", "elastic", "--help"}, 0, "(default 1d)"},
		{"coverage observed, nothing in the window", []string{"coverage", "--rules", rulesPath, "--threat", "observed", "--window", "30d"}, 1,
			"--threat observed: no incidents in the store were created in the 30d up to "},
		{"coverage attributed, nothing in the window", []string{"coverage", "--rules", rulesPath, "--threat", "attributed", "--window", "4w"}, 1,
			"no incident of the 28d up to "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir() // an empty store: the read-only commands refuse a missing one
			st, err := sqlite.Open(context.Background(), filepath.Join(home, "debrief.db"))
			if err != nil {
				t.Fatal(err)
			}
			st.Close()
			out, errOut, code := cli(t, home, "", tc.args...)
			if code != tc.code || !strings.Contains(out+errOut, tc.want) {
				t.Errorf("exit %d (want %d), output lacks %q\nstdout: %.500s\nstderr: %s", code, tc.code, tc.want, out, errOut)
			}
		})
	}
}

// TestCampaignsOfAnOldHistory: campaigns counts its default --since back
// from the store's latest incident when that is older than a day, as
// trends does, and says so (on stderr with --json).
func TestCampaignsOfAnOldHistory(t *testing.T) {
	home := simulatedHome(t, "60")
	const note = "Window ends at the store's latest incident, 2026-03-0"
	out, errOut, code := cli(t, home, "", "campaigns")
	if code != 0 || !strings.HasPrefix(out, note) || strings.Contains(out, "none of the 0 incidents") {
		t.Errorf("exit %d, want 0, %q first and the history's incidents\nstdout: %.300s\nstderr: %s", code, note, out, errOut)
	}
	out, errOut, code = cli(t, home, "", "campaigns", "--json")
	if code != 0 || !strings.HasPrefix(errOut, note) || strings.Contains(errOut, "debrief:") || !json.Valid([]byte(out)) {
		t.Errorf("--json: exit %d, want 0, %q on stderr and JSON on stdout\nstdout: %.300s\nstderr: %s", code, note, out, errOut)
	}
}
