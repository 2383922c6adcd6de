package server_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/attribution"
	"github.com/debrief-dev/debrief/internal/query"
	"github.com/debrief-dev/debrief/server"
	"github.com/debrief-dev/debrief/skill"
	"github.com/debrief-dev/debrief/trend"
)

// TestAnalysesAsPlainRecomputation checks that trends, skills and
// campaigns, read through the store's daily counts and scanner, answer
// what the analyses give over the incidents listed and read one by one.
func TestAnalysesAsPlainRecomputation(t *testing.T) {
	e, _ := ingested(t, nil)
	ctx := t.Context()
	cat, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	since := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f := debrief.IncidentFilter{Since: since}
	list, err := e.st.Incidents(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	full := make([]*debrief.Incident, 0, len(list))
	for i := range list {
		in, err := e.st.Incident(ctx, list[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		list[i].History, list[i].Comments = in.History, in.Comments
		full = append(full, in)
	}
	same := func(what, path string, want any) {
		t.Helper()
		resp, got := e.do(t, "GET", path, debrief.RoleViewer, nil)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, got)
		}
		w, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		var g, ww any
		json.Unmarshal(got, &g)
		json.Unmarshal(w, &ww)
		if m, ok := g.(map[string]any); ok { // the window's end, checked below
			delete(m, "window_end")
			delete(m, "window_end_is_latest_incident")
		}
		gj, _ := json.Marshal(g)
		wj, _ := json.Marshal(ww)
		if string(gj) != string(wj) {
			t.Errorf("%s: the server answers\n%.500s\nthe plain recomputation\n%.500s", what, gj, wj)
		}
		if len(wj) < 200 {
			t.Errorf("%s: little to compare: %s", what, wj)
		}
	}

	// The simulated history ends days before the server's now: the
	// windows end at its latest incident, and the answers say so.
	end, latest, err := query.End(ctx, e.st, now)
	if err != nil || !latest || !end.Equal(list[0].Times.Created) {
		t.Fatalf("query.End = %v, %v, %v; want the latest incident's creation %v", end, latest, err, list[0].Times.Created)
	}
	for _, path := range []string{"/api/v1/trends?since=2026-01-01&window=1w&min_count=3", "/api/v1/skills?since=2026-01-01&min_sample=5"} {
		var we server.WindowEnd
		e.getJSON(t, path, &we)
		if !we.Latest || !we.End.Equal(end) {
			t.Errorf("%s: window end %+v, want the latest incident's creation %v", path, we, end)
		}
	}
	resp, _ := e.do(t, "GET", "/api/v1/campaigns?since=2026-01-01", debrief.RoleViewer, nil)
	if h := resp.Header; h.Get("Debrief-Window-End") != end.UTC().Format(time.RFC3339) || h.Get("Debrief-Window-End-Is-Latest-Incident") != "true" {
		t.Errorf("campaigns: window end headers %q %q, want %v", h.Get("Debrief-Window-End"), h.Get("Debrief-Window-End-Is-Latest-Incident"), end)
	}

	week := 7 * 24 * time.Hour
	tr, err := trend.Analyse(list, trend.Options{By: trend.ByTactic, Period: trend.Day, Window: week, Baseline: end.Sub(since) - week,
		MinCount: 3, FDR: 0.1, Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	same("trends", "/api/v1/trends?since=2026-01-01&window=1w&by=tactic&period=day&min_count=3&fdr=0.1", tr)

	sk, err := skill.Analyse(list, skill.Options{By: skill.ByTactic, MinSample: 5, Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	same("skills", "/api/v1/skills?since=2026-01-01&by=tactic&min_sample=5", sk)

	m, err := attribution.New(cat, attribution.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	type campaign struct {
		attribution.Campaign
		Attribution *attribution.Candidate `json:"attribution,omitempty"`
	}
	byID := map[string]*debrief.Incident{}
	for _, in := range full {
		byID[in.ID] = in
	}
	cs := []campaign{}
	for _, c := range attribution.Cluster(full, attribution.ClusterOptions{Window: 30 * 24 * time.Hour}) {
		var members []*debrief.Incident
		for _, id := range c.Incidents {
			members = append(members, byID[id])
		}
		cj := campaign{Campaign: c}
		if r := m.Rank(attribution.EvidenceOf(members...), 1); r.Confident && len(r.Candidates) > 0 {
			cj.Attribution = &r.Candidates[0]
		}
		cs = append(cs, cj)
	}
	if len(cs) == 0 {
		t.Fatal("no campaigns in the simulated history to compare")
	}
	same("campaigns", "/api/v1/campaigns?since=2026-01-01&window=30d", cs)
}

// TestAnalysisParameters checks that a bad parameter of an analysis is
// refused with its name, as the CLI refuses the flag.
func TestAnalysisParameters(t *testing.T) {
	e := newEnv(t, nil)
	for _, tc := range []struct{ path, param string }{
		{"/api/v1/trends?by=planet", "by"},
		{"/api/v1/trends?period=fortnight", "period"},
		{"/api/v1/trends?window=0d", "window"},
		{"/api/v1/trends?since=10d&window=4w", "window"},
		{"/api/v1/trends?min_count=0", "min_count"},
		{"/api/v1/trends?fdr=1", "fdr"},
		{"/api/v1/trends?since=2026-01-10&until=2026-01-01", "until"},
		{"/api/v1/skills?by=shoe-size", "by"},
		{"/api/v1/skills?since=soon", "since"},
		{"/api/v1/skills?min_sample=0", "min_sample"},
		{"/api/v1/campaigns?until=later", "until"},
		{"/api/v1/campaigns?window=-1d", "window"},
	} {
		resp, b := e.do(t, "GET", tc.path, debrief.RoleViewer, nil)
		if resp.StatusCode != 400 || !strings.Contains(string(b), "parameter "+tc.param+":") {
			t.Errorf("%s: %d %s, want 400 about parameter %s", tc.path, resp.StatusCode, b, tc.param)
		}
	}
	if resp, b := e.do(t, "GET", "/api/v1/trends", debrief.RoleViewer, nil); resp.StatusCode != 404 || !strings.Contains(string(b), "no incidents") {
		t.Errorf("trends of an empty store: %d %s, want 404", resp.StatusCode, b)
	}
}

// TestAnalysesOfAnOldStore: on a store whose incidents are older than the
// default windows (an imported history), the analyses count back from the
// latest incident, as the CLI does, and say so: trends, skills and
// coverage of the observed threat in their answers, campaigns in headers.
func TestAnalysesOfAnOldStore(t *testing.T) {
	later := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) // eleven months after the incidents
	e := newEnv(t, func(c *server.Config) {
		c.Now = func() time.Time { return later }
		c.Rules = []string{"testdata/rules"}
	})
	older := strings.NewReplacer(`"da1"`, `"da0"`, "2026-01-02", "2025-10-01").Replace(good) // a baseline for the trends
	if resp, b := e.do(t, "POST", "/api/v1/ingest", debrief.RoleAnalyst, strings.NewReader(good+"\n"+older)); resp.StatusCode != 200 {
		t.Fatalf("ingest: %d %s", resp.StatusCode, b)
	}
	latest := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) // good's
	sp := loadSpec(t, e)
	for _, path := range []string{"/api/v1/trends", "/api/v1/skills", "/api/v1/coverage?threat=observed"} {
		t.Run(path, func(t *testing.T) {
			resp, b := e.do(t, "GET", path, debrief.RoleViewer, nil)
			if resp.StatusCode != 200 {
				t.Fatalf("%d %s", resp.StatusCode, b)
			}
			sp.check(t, "GET", strings.Split(path, "?")[0], resp.StatusCode, b)
			var we struct {
				server.WindowEnd
				Before *float64 `json:"coverage_before"`
			}
			if err := json.Unmarshal(b, &we); err != nil {
				t.Fatal(err)
			}
			if !we.Latest || !we.End.Equal(latest) {
				t.Errorf("window end %+v, want the latest incident's creation %v", we.WindowEnd, latest)
			}
			if we.Before != nil && *we.Before == 0 {
				t.Errorf("coverage of the observed threat is 0: %.300s", b)
			}
		})
	}
	// Coverage of a threat without a window says nothing of one.
	resp, b := e.do(t, "GET", "/api/v1/coverage?threat=group:APT29", debrief.RoleViewer, nil)
	if resp.StatusCode != 200 || strings.Contains(string(b), "window_end") {
		t.Errorf("coverage of a group: %d %.300s, want no window_end", resp.StatusCode, b)
	}
}

// TestCampaignsOfAnOldStore: campaigns count their default since back
// from the latest incident of a history older than it.
func TestCampaignsOfAnOldStore(t *testing.T) {
	later := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	e, _ := ingested(t, func(c *server.Config) { c.Now = func() time.Time { return later } })
	resp, b := e.do(t, "GET", "/api/v1/campaigns", debrief.RoleViewer, nil)
	var cs []server.Campaign
	if err := json.Unmarshal(b, &cs); err != nil || resp.StatusCode != 200 || len(cs) == 0 {
		t.Fatalf("campaigns: %d %.300s, want some", resp.StatusCode, b)
	}
	if resp.Header.Get("Debrief-Window-End-Is-Latest-Incident") != "true" || !strings.HasPrefix(resp.Header.Get("Debrief-Window-End"), "2026-01-") {
		t.Errorf("window end headers %q %q, want the latest incident's creation", resp.Header.Get("Debrief-Window-End"), resp.Header.Get("Debrief-Window-End-Is-Latest-Incident"))
	}
}
