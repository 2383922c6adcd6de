package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/server"
)

// TestAPIOnSimulatedHistory posts a simulated history through the ingest
// endpoint and reads it back through every read endpoint.
func TestAPIOnSimulatedHistory(t *testing.T) {
	e, sum := ingested(t, nil)
	if sum.New.Incidents < 100 || sum.New.Alerts < 100 || sum.RejectedTotal != 0 {
		t.Fatalf("ingest summary: %+v", sum)
	}
	var first, second server.IncidentPage
	e.getJSON(t, "/api/v1/incidents?limit=10", &first)
	e.getJSON(t, "/api/v1/incidents?limit=10&offset=10", &second)
	if len(first.Incidents) != 10 || first.NextOffset == nil || *first.NextOffset != 10 || len(second.Incidents) != 10 ||
		first.Incidents[0].ID == second.Incidents[0].ID {
		t.Fatalf("paging: %+v / %+v", first, second)
	}
	var all server.IncidentPage
	e.getJSON(t, "/api/v1/incidents?limit=1000", &all)
	if len(all.Incidents) != sum.New.Incidents || all.NextOffset != nil {
		t.Errorf("%d incidents listed (next %v), %d ingested", len(all.Incidents), all.NextOffset, sum.New.Incidents)
	}
	var high server.IncidentPage
	e.getJSON(t, "/api/v1/incidents?limit=1000&severity=high,critical", &high)
	if len(high.Incidents) == 0 || len(high.Incidents) == len(all.Incidents) {
		t.Errorf("severity filter kept %d of %d", len(high.Incidents), len(all.Incidents))
	}
	for _, in := range high.Incidents {
		if in.Severity != debrief.SeverityHigh && in.Severity != debrief.SeverityCritical {
			t.Fatalf("severity filter let %s through (%s)", in.ID, in.Severity)
		}
	}
	id := pickWithTechniques(t, all)
	var in debrief.Incident
	e.getJSON(t, "/api/v1/incidents/"+url.PathEscape(id), &in)
	if in.ID != id || len(in.Alerts) == 0 {
		t.Errorf("incident %s: %+v", id, in)
	}
	testReviews(t, e, id)
	var attr struct {
		Candidates []struct{ ID, Name string }
	}
	e.getJSON(t, "/api/v1/incidents/"+url.PathEscape(id)+"/attribution?top=3", &attr)
	if len(attr.Candidates) != 3 {
		t.Errorf("attribution: %+v", attr)
	}
	var joint struct {
		Header struct {
			Incidents []struct{ ID string }
		}
	}
	e.getJSON(t, "/api/v1/review?id="+url.QueryEscape(id)+"&id="+url.QueryEscape(all.Incidents[0].ID), &joint)
	if len(joint.Header.Incidents) != 2 && id != all.Incidents[0].ID {
		t.Errorf("joint review of 2 incidents: %.300v", joint)
	}
	if resp, b := e.do(t, "GET", "/api/v1/review", debrief.RoleViewer, nil); resp.StatusCode != 400 {
		t.Errorf("review without ids: %d %s", resp.StatusCode, b)
	}
	var camps []server.Campaign
	e.getJSON(t, "/api/v1/campaigns?since=2026-01-01", &camps)
	var trends struct {
		By     string
		Series struct{ Starts []string }
	}
	e.getJSON(t, "/api/v1/trends?since=2026-01-01&window=1w&period=day", &trends)
	if trends.By != "technique" || len(trends.Series.Starts) < 15 {
		t.Errorf("trends: %+v", trends)
	}
	var skills struct {
		Team struct{ Incidents int }
	}
	e.getJSON(t, "/api/v1/skills?since=2026-01-01&min_sample=5", &skills)
	if skills.Team.Incidents != sum.New.Incidents {
		t.Errorf("skills over %d incidents, want %d", skills.Team.Incidents, sum.New.Incidents)
	}
	if resp, b := e.do(t, "GET", "/api/v1/trends?by=planet", debrief.RoleViewer, nil); resp.StatusCode != 400 {
		t.Errorf("bad trends parameter: %d %s", resp.StatusCode, b)
	}
	testPages(t, e)
}

// testPages reads the UI's analysis pages over the simulated history.
func testPages(t *testing.T, e *env) {
	c := browser(t)
	login(t, c, e.srv.URL, e.tokens[debrief.RoleViewer])
	pages := []struct{ path, has string }{
		{"/trends?since=2026-01-01&window=1w&period=day", "<polyline points="},
		{"/skills?since=2026-01-01&min_sample=5", `id="team">Team: `},
		{"/incidents?severity=high&limit=5", `id="next"`},
		{"/matrix?since=2026-01-01", `class="cell heat5"`},
	}
	for _, p := range pages {
		resp, body := fetch(t, c, e.srv.URL+p.path, nil)
		if resp.StatusCode != 200 || !strings.Contains(body, p.has) {
			t.Errorf("%s: %d, want %q in the page", p.path, resp.StatusCode, p.has)
		}
	}
	if resp, _ := fetch(t, c, e.srv.URL+"/trends?by=planet", nil); resp.StatusCode != 400 {
		t.Errorf("bad trends parameter in the UI: %d", resp.StatusCode)
	}
}

func pickWithTechniques(t *testing.T, p server.IncidentPage) string {
	t.Helper()
	for _, in := range p.Incidents {
		if len(in.Techniques) >= 2 {
			return in.ID
		}
	}
	t.Fatal("no incident with two techniques")
	return ""
}

func testReviews(t *testing.T, e *env, id string) {
	tests := []struct{ format, media, has string }{
		{"", "application/json", `"incidents"`},
		{"json", "application/json", `"incidents"`},
		{"md", "text/markdown", "# "},
		{"html", "text/html", "<!DOCTYPE html>"},
		{"navigator", "application/json", `"techniques"`},
		{"attack-flow", "application/stix+json", `"attack-flow`},
	}
	sp := loadSpec(t, e)
	for _, tc := range tests {
		t.Run("review "+tc.format, func(t *testing.T) {
			resp, b := e.do(t, "GET", "/api/v1/incidents/"+url.PathEscape(id)+"/review?format="+tc.format, debrief.RoleViewer, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%d %s", resp.StatusCode, b)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, tc.media) {
				t.Errorf("Content-Type %q, want %s", ct, tc.media)
			}
			for _, path := range []string{"/api/v1/incidents/{id}/review", "/api/v1/review"} {
				if ct := resp.Header.Get("Content-Type"); !sp.lists(t, "GET", path, http.StatusOK, ct) {
					t.Errorf("openapi.json does not list Content-Type %q for GET %s", ct, path)
				}
			}
			if !strings.Contains(string(b), tc.has) {
				t.Errorf("body lacks %q: %.300s", tc.has, b)
			}
		})
	}
	if resp, b := e.do(t, "GET", "/api/v1/incidents/"+url.PathEscape(id)+"/review?format=pdf", debrief.RoleViewer, nil); resp.StatusCode != 400 {
		t.Errorf("format pdf: %d %s", resp.StatusCode, b)
	}
}
