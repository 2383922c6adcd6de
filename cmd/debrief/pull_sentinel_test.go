package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

const sentinelWS = "/subscriptions/sub-1/resourceGroups/rg-soc/providers/Microsoft.OperationalInsights/workspaces/law-soc/providers/Microsoft.SecurityInsights"

// fakeSentinelAPI serves two incidents in two pages, one alert each, and
// a token for Resource Manager's scope.
func fakeSentinelAPI(t *testing.T) (*httptest.Server, *[]string) {
	var mu sync.Mutex
	var calls []string
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("client_secret") != "s3cret" || r.FormValue("scope") != "http://"+r.Host+"/.default" {
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"tok","token_type":"Bearer","expires_in":3600}`)
	})
	var srv *httptest.Server
	authed := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "Bearer tok" {
				http.Error(w, "no", http.StatusUnauthorized)
				return
			}
			mu.Lock()
			calls = append(calls, r.Method+" "+strings.TrimPrefix(r.URL.Path, sentinelWS)+" "+r.URL.Query().Get("$filter"))
			mu.Unlock()
			h(w, r)
		}
	}
	incident := func(name string) string {
		return fmt.Sprintf(`{"id":"%s/incidents/%s","name":%q,"type":"Microsoft.SecurityInsights/incidents","properties":{"title":"Phish",`+
			`"severity":"High","status":"New","createdTimeUtc":"2026-02-01T10:00:00Z","lastModifiedTimeUtc":"2026-02-01T11:00:00Z","incidentNumber":1}}`,
			sentinelWS, name, name)
	}
	mux.HandleFunc("GET "+sentinelWS+"/incidents", authed(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("$skipToken") == "" {
			fmt.Fprintf(w, `{"value":[%s],"nextLink":%q}`, incident("inc-a"), srv.URL+sentinelWS+"/incidents?api-version=2024-03-01&$skipToken=1")
			return
		}
		fmt.Fprintf(w, `{"value":[%s]}`, incident("inc-b"))
	}))
	mux.HandleFunc("POST "+sentinelWS+"/incidents/{name}/alerts", authed(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `{"value":[{"name":"al-%s","kind":"SecurityAlert","properties":{"systemAlertId":"al-%s","alertDisplayName":"Phishing link clicked",`+
			`"severity":"High","status":"New","tactics":["InitialAccess"],"techniques":["T1566"],"timeGenerated":"2026-02-01T10:00:00Z"}}]}`,
			r.PathValue("name"), r.PathValue("name"))
	}))
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestPullSentinel(t *testing.T) {
	srv, calls := fakeSentinelAPI(t)
	home := t.TempDir()
	t.Setenv("AZURE_TENANT_ID", "contoso")
	t.Setenv("AZURE_CLIENT_ID", "app")
	t.Setenv("AZURE_CLIENT_SECRET", "s3cret")
	out, errOut, code := cli(t, home, "", "pull", "sentinel", "--base-url", srv.URL, "--token-url", srv.URL+"/token",
		"--subscription", "sub-1", "--resource-group", "rg-soc", "--workspace", "law-soc", "--since", "2026-01-01")
	if code != 0 || !strings.Contains(out, "sentinel/law-soc/incidents: 2 pages, 2 records") ||
		!strings.Contains(out, "incidents  new 2") || !strings.Contains(out, "alerts     new 2") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	want := "GET /incidents properties/lastModifiedTimeUtc ge 2026-01-01T00:00:00Z|POST /incidents/inc-a/alerts |GET /incidents |POST /incidents/inc-b/alerts "
	if got := strings.Join(*calls, "|"); got != want {
		t.Errorf("calls %s, want %s", got, want)
	}
	out, _, _ = cli(t, home, "", "incident", "show", "sentinel:inc-b", "--json")
	if !strings.Contains(out, "sentinel:al-inc-b") {
		t.Errorf("incident after pull lacks its alert: %s", out)
	}
	_, errOut, code = cli(t, home, "", "pull", "sentinel", "--base-url", srv.URL, "--token-url", srv.URL+"/token", "--subscription", "s")
	if code != 2 || !strings.Contains(errOut, "--workspace") {
		t.Errorf("without a workspace: exit %d, %s", code, errOut)
	}
}
