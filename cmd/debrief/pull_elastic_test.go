package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fakeElastic serves one PIT and one page of two alerts.
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
				`"kibana.alert.uuid":"a%d","kibana.alert.rule.name":"Phish","kibana.alert.severity":"high","kibana.alert.workflow_status":"open",`+
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
	if code != 0 || !strings.Contains(out, "elastic/.alerts-security.alerts-*: 1 pages, 2 records") || !strings.Contains(out, "alerts     new 2") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	t.Setenv("ELASTIC_API_KEY", "")
	t.Setenv("ELASTIC_URL", "")
	if _, errOut, code := cli(t, t.TempDir(), "", "pull", "elastic", "--url", srv.URL); code != exitUsage || !strings.Contains(errOut, "--api-key") {
		t.Errorf("no credentials: exit %d, %s", code, errOut)
	}
}
