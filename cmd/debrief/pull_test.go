package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/debrief-dev/debrief/ingest"
)

// fakeGraphAPI serves two pages of one Graph incident each, a page of
// alerts_v2 (one of incident 7, two of incident 9, which is not listed),
// and a token.
func fakeGraphAPI(t *testing.T) (*httptest.Server, *[]string) {
	var mu sync.Mutex
	var filters []string
	incident := func(id string) string {
		return fmt.Sprintf(`{"@odata.type":"#microsoft.graph.security.incident","id":%q,"displayName":"Phish","createdDateTime":"2026-02-01T10:00:00Z",`+
			`"lastUpdateDateTime":"2026-02-01T11:00:00Z","status":"active","severity":"high","alerts":[{"@odata.type":"#microsoft.graph.security.alert",`+
			`"id":"da%s","incidentId":%q,"title":"Phishing link clicked","severity":"high","status":"new","category":"InitialAccess",`+
			`"mitreTechniques":["T1566.002"],"createdDateTime":"2026-02-01T10:00:00Z","lastUpdateDateTime":"2026-02-01T11:00:00Z"}]}`, id, id, id)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("client_secret") != "s3cret" {
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"tok","token_type":"Bearer","expires_in":3600}`)
	})
	var srv *httptest.Server
	mux.HandleFunc("GET /v1.0/security/incidents", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		mu.Lock()
		filters = append(filters, r.URL.Query().Get("$filter"))
		mu.Unlock()
		if r.URL.Query().Get("$skiptoken") == "" {
			fmt.Fprintf(w, `{"value":[%s],"@odata.nextLink":%q}`, incident("7"), srv.URL+"/v1.0/security/incidents?$skiptoken=1")
			return
		}
		fmt.Fprintf(w, `{"value":[%s]}`, incident("8"))
	})
	mux.HandleFunc("GET /v1.0/security/alerts_v2", func(w http.ResponseWriter, r *http.Request) {
		alert := func(id, incident string) string {
			return fmt.Sprintf(`{"id":%q,"incidentId":%q,"title":"Phishing link clicked","severity":"high","status":"new","category":"InitialAccess",`+
				`"mitreTechniques":["T1566.002"],"createdDateTime":"2026-02-01T10:00:00Z","lastUpdateDateTime":"2026-02-01T11:00:00Z"}`, id, incident)
		}
		fmt.Fprintf(w, `{"value":[%s,%s,%s]}`, alert("da7", "7"), alert("da91", "9"), alert("da92", "9"))
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &filters
}

func TestPullGraph(t *testing.T) {
	srv, filters := fakeGraphAPI(t)
	home := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AZURE_CLIENT_SECRET", "")
	base := []string{"pull", "graph", "--entra-tenant", "contoso", "--client-id", "app", "--client-secret-file", secret,
		"--base-url", srv.URL + "/v1.0", "--token-url", srv.URL + "/token"}
	out, errOut, code := cli(t, home, "", append(base, "--json", "--since", "2026-01-01")...)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	var stats []struct {
		Pages   int            `json:"pages"`
		Written map[string]int `json:"written"`
	}
	if err := json.Unmarshal([]byte(out), &stats); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(stats) != 1 || stats[0].Pages != 2 || stats[0].Written["incidents_new"] != 2 || stats[0].Written["alerts_new"] != 2 {
		t.Errorf("first pull: %s", out)
	}
	if (*filters)[0] != "lastUpdateDateTime ge 2026-01-01T00:00:00Z" {
		t.Errorf("first filter %q", (*filters)[0])
	}
	out, errOut, code = cli(t, home, "", base...)
	if code != 0 || !strings.Contains(out, "incidents  new 0  updated 0  unchanged 2") {
		t.Errorf("second pull: exit %d\n%s%s", code, out, errOut)
	}
	if f := (*filters)[2]; f == (*filters)[0] || !strings.HasPrefix(f, "lastUpdateDateTime ge 2026-02-01T11:00:00") {
		t.Errorf("second filter %q, want from the latest change stored", f)
	}
	out, _, _ = cli(t, home, "", "incidents", "--json")
	if !strings.Contains(out, "defender:7") || !strings.Contains(out, "defender:8") {
		t.Errorf("incidents after pull: %s", out)
	}
}

// TestPullGraphAlerts checks that pull graph --alerts makes a placeholder
// of the incident that pulled alerts name but the store lacks, as ingest
// does, and counts it in the summary of the feed after which it was made.
func TestPullGraphAlerts(t *testing.T) {
	srv, _ := fakeGraphAPI(t)
	home := t.TempDir()
	t.Setenv("AZURE_CLIENT_SECRET", "s3cret")
	pull := []string{"pull", "graph", "--entra-tenant", "contoso", "--client-id", "app", "--alerts",
		"--base-url", srv.URL + "/v1.0", "--token-url", srv.URL + "/token"}
	out, errOut, code := cli(t, home, "", append(pull, "--json")...)
	var stats []struct {
		Feed         string       `json:"feed"`
		Placeholders ingest.Tally `json:"placeholders"`
		Correlated   ingest.Tally `json:"correlated"`
	}
	if err := json.Unmarshal([]byte(out), &stats); code != 0 || err != nil {
		t.Fatalf("exit %d, %v\n%s%s", code, err, out, errOut)
	}
	if len(stats) != 2 || stats[0].Placeholders != (ingest.Tally{}) || stats[1].Feed != "graph/alerts_v2" ||
		stats[1].Placeholders != (ingest.Tally{Incidents: 1, Alerts: 2}) || stats[1].Correlated != (ingest.Tally{}) {
		t.Errorf("summary %s; want one placeholder of 2 alerts after graph/alerts_v2", out)
	}
	out, _, _ = cli(t, home, "", "incidents", "--json")
	var list []struct {
		ID          string `json:"id"`
		Placeholder bool   `json:"placeholder"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 3 {
		t.Fatalf("incidents after pull: %v\n%s", err, out)
	}
	for _, in := range list {
		if in.Placeholder != (in.ID == "defender:9") {
			t.Errorf("incident %s: placeholder %v", in.ID, in.Placeholder)
		}
	}
	out, errOut, code = cli(t, home, "", pull...)
	if code != 0 || strings.Contains(out, "placeholders") || !strings.Contains(out, "alerts     new 0  updated 0  unchanged 3") {
		t.Errorf("second pull, nothing new: exit %d\n%s%s", code, out, errOut)
	}
}

func TestPullUsage(t *testing.T) {
	t.Setenv("AZURE_TENANT_ID", "")
	t.Setenv("AZURE_CLIENT_ID", "")
	t.Setenv("AZURE_CLIENT_SECRET", "")
	empty := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no tenant", []string{"pull", "graph"}, "--entra-tenant"},
		{"no client id", []string{"pull", "graph", "--entra-tenant", "t"}, "--client-id"},
		{"no secret", []string{"pull", "graph", "--entra-tenant", "t", "--client-id", "c"}, "--client-secret"},
		{"empty secret file", []string{"pull", "graph", "--entra-tenant", "t", "--client-id", "c", "--client-secret-file", empty},
			"debrief: --client-secret-file " + empty + " is empty"},
		{"bad since", []string{"pull", "graph", "--entra-tenant", "t", "--client-id", "c", "--client-secret", "s", "--since", "soon"}, "--since"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := cli(t, t.TempDir(), "", tc.args...)
			if code != exitUsage || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 naming %s", code, errOut, tc.want)
			}
		})
	}
}

// TestPullStoreTenant checks that the global --tenant picks the store's
// tenant for pull graph, as for every command, and that the Entra ID
// tenant is --entra-tenant: on SQLite --tenant is refused, on PostgreSQL
// the records land in that tenant, not in "default".
func TestPullStoreTenant(t *testing.T) {
	srv, _ := fakeGraphAPI(t)
	t.Setenv("AZURE_TENANT_ID", "")
	t.Setenv("DEBRIEF_TENANT", "")
	pull := []string{"pull", "graph", "--entra-tenant", "contoso", "--client-id", "app", "--client-secret", "s3cret",
		"--base-url", srv.URL + "/v1.0", "--token-url", srv.URL + "/token", "-q"}
	_, errOut, code := cli(t, t.TempDir(), "", append(pull, "--tenant", "acme")...)
	if code != exitUsage || !strings.Contains(errOut, "--tenant acme: tenants need a PostgreSQL store") ||
		!strings.Contains(errOut, "--entra-tenant") {
		t.Errorf("SQLite store with --tenant: exit %d %q, want 2 saying tenants need PostgreSQL and naming --entra-tenant", code, errOut)
	}

	dsn := testPostgres(t)
	tenant := fmt.Sprintf("pull-tenant-%d", time.Now().UnixNano())
	if out, errOut, code := cli(t, t.TempDir(), "", append([]string{"--db", dsn, "--tenant", tenant}, pull...)...); code != 0 {
		t.Fatalf("pull --tenant: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code := cli(t, t.TempDir(), "", "--db", dsn, "--tenant", tenant, "incidents", "--json")
	if code != 0 || !strings.Contains(out, "defender:7") || !strings.Contains(out, "defender:8") {
		t.Errorf("tenant %s after pull: exit %d\n%s%s", tenant, code, out, errOut)
	}
}
