package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// fakeDefenderAPI serves three incidents in pages of $top and a token.
func fakeDefenderAPI(t *testing.T) (*httptest.Server, *[]string) {
	var queries []string
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("client_secret") != "s3cret" || r.FormValue("scope") != "http://"+r.Host+"/.default" {
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"tok","token_type":"Bearer","expires_in":3600}`)
	})
	mux.HandleFunc("GET /api/incidents", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		q := r.URL.Query()
		flt, _, _ := strings.Cut(q.Get("$filter"), " and lastUpdateTime lt ") // the run's start: now
		queries = append(queries, flt+" top="+q.Get("$top")+" skip="+q.Get("$skip"))
		var items []string
		for id := 1; id <= 3; id++ {
			items = append(items, fmt.Sprintf(`{"incidentId":%d,"incidentName":"Phish","createdTime":"2026-02-01T10:00:00Z",`+
				`"lastUpdateTime":"2026-02-01T11:00:00Z","status":"Active","severity":"High","alerts":[{"alertId":"da%d","incidentId":%d,`+
				`"title":"Phishing link clicked","severity":"High","status":"New","category":"InitialAccess","mitreTechniques":["T1566.002"],`+
				`"creationTime":"2026-02-01T10:00:00Z","lastUpdatedTime":"2026-02-01T11:00:00Z"}]}`, id, id, id))
		}
		skip, _ := strconv.Atoi(q.Get("$skip"))
		top, _ := strconv.Atoi(q.Get("$top"))
		page := items[min(skip, len(items)):min(skip+top, len(items))]
		fmt.Fprintf(w, `{"@odata.context":"x","value":[%s]}`, strings.Join(page, ","))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &queries
}

func TestPullDefender(t *testing.T) {
	srv, queries := fakeDefenderAPI(t)
	home := t.TempDir()
	t.Setenv("AZURE_TENANT_ID", "contoso")
	t.Setenv("AZURE_CLIENT_ID", "app")
	t.Setenv("AZURE_CLIENT_SECRET", "s3cret")
	out, errOut, code := cli(t, home, "", "pull", "defender", "--base-url", srv.URL, "--token-url", srv.URL+"/token",
		"--page-size", "2", "--since", "2026-01-01")
	if code != 0 || !strings.Contains(out, "defender/incidents: 3 pages, 5 records") || !strings.Contains(out, "incidents  new 3") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	// Each page after the first starts at the last incident of the one
	// before, which shows that the listing did not shift.
	want := "lastUpdateTime ge 2026-01-01T00:00:00Z top=2 skip=0|lastUpdateTime ge 2026-01-01T00:00:00Z top=2 skip=1|" +
		"lastUpdateTime ge 2026-01-01T00:00:00Z top=2 skip=2"
	if got := strings.Join(*queries, "|"); got != want {
		t.Errorf("queries %s, want %s", got, want)
	}
	out, _, _ = cli(t, home, "", "incidents", "--json")
	for _, id := range []string{"defender:1", "defender:2", "defender:3"} {
		if !strings.Contains(out, id) {
			t.Errorf("incidents after pull lack %s: %s", id, out)
		}
	}
}
