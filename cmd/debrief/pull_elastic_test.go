package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief/ingest"
)

// fakeElastic serves one PIT and one page of two alerts, a second apart,
// on the same host.
func fakeElastic(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{index}/_pit", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "ApiKey k3y" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, `{"id":"pit-1"}`)
	})
	mux.HandleFunc("DELETE /_pit", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{"succeeded":true}`) })
	mux.HandleFunc("POST /_search", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !strings.Contains(string(body), `"pit-1"`) || !strings.Contains(string(body), `"gte":"2026-01-01T00:00:00Z"`) {
			t.Errorf("search body %s", body)
		}
		var hits []string
		for i := 1; i <= 2; i++ {
			hits = append(hits, fmt.Sprintf(`{"_index":".internal.alerts-security.alerts-default-000001","_id":"a%d","_source":{"@timestamp":"2026-02-01T10:00:0%dZ",`+
				`"kibana.alert.uuid":"a%d","kibana.alert.rule.name":"Phish","host.name":"ws-1","kibana.alert.severity":"high","kibana.alert.workflow_status":"open",`+
				`"kibana.alert.rule.threat":[{"framework":"MITRE ATT&CK","tactic":{"id":"TA0001","name":"Initial Access"},"technique":[{"id":"T1566","name":"Phishing"}]}]},"sort":[%d,%d]}`, i, i, i, i, i))
		}
		fmt.Fprintf(w, `{"pit_id":"pit-1","hits":{"hits":[%s]}}`, strings.Join(hits, ","))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestPullElastic(t *testing.T) {
	srv := fakeElastic(t)
	t.Setenv("ELASTIC_API_KEY", "k3y")
	out, errOut, code := cli(t, t.TempDir(), "", "pull", "elastic", "--url", srv.URL, "--since", "2026-01-01")
	if code != 0 || !strings.Contains(out, "elastic/.alerts-security.alerts-*: 1 page, 2 records") || !strings.Contains(out, "alerts     new 2") ||
		!strings.Contains(out, "correlated 2 alerts into 1 incident") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	t.Setenv("ELASTIC_API_KEY", "")
	t.Setenv("ELASTIC_URL", "")
	if _, errOut, code := cli(t, t.TempDir(), "", "pull", "elastic", "--url", srv.URL); code != exitUsage || !strings.Contains(errOut, "--api-key") {
		t.Errorf("no credentials: exit %d, %s", code, errOut)
	}
}

// TestPullElasticCorrelates checks that pull groups the alerts it stored
// that name no incident, as ingest does, with --window and --no-correlate,
// and counts them in its --json summary.
func TestPullElasticCorrelates(t *testing.T) {
	srv := fakeElastic(t)
	t.Setenv("ELASTIC_API_KEY", "k3y")
	tests := []struct {
		name string
		args []string
		per  int // alerts in each incident
		want ingest.Tally
	}{
		{"default window", nil, 2, ingest.Tally{Incidents: 1, Alerts: 2}},
		{"a window shorter than the alerts' gap", []string{"--window", "500ms"}, 1, ingest.Tally{Incidents: 2, Alerts: 2}},
		{"no-correlate", []string{"--no-correlate"}, 0, ingest.Tally{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			args := append([]string{"pull", "elastic", "--url", srv.URL, "--since", "2026-01-01", "--json"}, tc.args...)
			out, errOut, code := cli(t, home, "", args...)
			var got []struct {
				Placeholders ingest.Tally `json:"placeholders"`
				Correlated   ingest.Tally `json:"correlated"`
			}
			if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil {
				t.Fatalf("exit %d, %v\n%s%s", code, err, out, errOut)
			}
			if len(got) != 1 || got[0].Correlated != tc.want || got[0].Placeholders != (ingest.Tally{}) {
				t.Errorf("summary %s; want correlated %+v, no placeholders", out, tc.want)
			}
			out, _, _ = cli(t, home, "", "incidents", "--json")
			var list []struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != tc.want.Incidents {
				t.Fatalf("incidents after pull: %v\n%s", err, out)
			}
			for _, in := range list {
				show, _, _ := cli(t, home, "", "incident", "show", in.ID, "--json")
				var full struct {
					AlertIDs []string `json:"alert_ids"`
				}
				if err := json.Unmarshal([]byte(show), &full); err != nil || len(full.AlertIDs) != tc.per {
					t.Errorf("incident %s: %v, want %d alerts\n%s", in.ID, err, tc.per, show)
				}
			}
		})
	}
}
