package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/debrief-dev/debrief/connect"
)

// watchAPI is a Graph incidents endpoint whose answers a test scripts
// poll by poll: each poll is one request (a single page).
type watchAPI struct {
	mu   sync.Mutex
	ids  []string       // the incidents listed
	reqs int            // requests so far
	fail map[int]int    // request number → HTTP status to answer instead
	add  map[int]string // request number → incident that appears before it
	seen chan int       // each request's number
}

func (w *watchAPI) serve(rw http.ResponseWriter, r *http.Request) {
	w.mu.Lock()
	w.reqs++
	n := w.reqs
	if id, ok := w.add[n]; ok {
		w.ids = append(w.ids, id)
	}
	status, ids := w.fail[n], append([]string(nil), w.ids...)
	w.mu.Unlock()
	defer func() { w.seen <- n }()
	if status != 0 {
		http.Error(rw, `{"error":{"code":"Forbidden","message":"Missing application roles."}}`, status)
		return
	}
	var parts []string
	for _, id := range ids {
		parts = append(parts, fmt.Sprintf(`{"id":%q,"displayName":"Phish","createdDateTime":"2026-02-01T10:00:00Z","lastUpdateDateTime":"2026-02-01T11:00:00Z",`+
			`"status":"active","severity":"high","alerts":[{"id":"da%s","incidentId":%q,"title":"Phishing link clicked","severity":"high","status":"new",`+
			`"category":"InitialAccess","mitreTechniques":["T1566.002"],"createdDateTime":"2026-02-01T10:00:00Z","lastUpdateDateTime":"2026-02-01T11:00:00Z"}]}`, id, id, id))
	}
	fmt.Fprintf(rw, `{"value":[%s]}`, strings.Join(parts, ","))
}

// TestPullWatch runs pull --watch: it polls again and again, picks up an
// incident that appears between polls, survives a poll that fails (it
// says so on stderr), and stops cleanly when its context ends.
func TestPullWatch(t *testing.T) {
	api := &watchAPI{
		ids:  []string{"1", "2"},
		fail: map[int]int{2: http.StatusForbidden},
		add:  map[int]string{3: "3"},
		seen: make(chan int, 100),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"tok","token_type":"Bearer","expires_in":3600}`)
	})
	mux.HandleFunc("GET /v1.0/security/incidents", api.serve)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	home := t.TempDir()
	t.Setenv("DEBRIEF_HOME", home)
	t.Setenv("DEBRIEF_DB", "")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut bytes.Buffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"pull", "graph", "--entra-tenant", "contoso", "--client-id", "app", "--client-secret", "s3cret",
			"--base-url", srv.URL + "/v1.0", "--token-url", srv.URL + "/token", "--watch", "20ms"}, strings.NewReader(""), &out, &errOut)
	}()
	// The fourth request shows that the third poll, which brought the new
	// incident, is stored: stop there.
	for n := 0; n < 4; {
		select {
		case n = <-api.seen:
		case code := <-done:
			t.Fatalf("watch ended by itself with exit %d after %d requests\n%s%s", code, n, out.String(), errOut.String())
		case <-time.After(30 * time.Second):
			t.Fatalf("watch made %d requests in 30s, want 4\n%s%s", n, out.String(), errOut.String())
		}
	}
	cancel()
	var code int
	select {
	case code = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("watch did not stop when its context ended")
	}
	if code != 0 {
		t.Errorf("exit %d after the context ended, want 0\n%s", code, errOut.String())
	}
	if got := errOut.String(); !strings.Contains(got, "HTTP 403") || !strings.Contains(got, "pulling again in 20ms") {
		t.Errorf("stderr %q, want the failed poll reported", got)
	}
	if got := out.String(); !strings.Contains(got, "incidents  new 2  updated 0") || !strings.Contains(got, "incidents  new 1  updated 0  unchanged 2") {
		t.Errorf("stdout lacks the first poll's 2 new incidents or the third's 1 new:\n%s", got)
	}
	list, _, _ := cli(t, home, "", "incidents", "--json")
	for _, id := range []string{"defender:1", "defender:2", "defender:3"} {
		if !strings.Contains(list, id) {
			t.Errorf("incidents after the watch lack %s: %s", id, list)
		}
	}
}

// TestPullProgress: the progress line rewrites itself after each stored
// page, and goes to stderr only when it is a terminal (a test's buffer
// is not).
func TestPullProgress(t *testing.T) {
	s := connect.Stats{Feed: "graph/incidents", Pages: 3, Alerts: 120}
	s.Written.AlertsNew, s.Written.AlertsUpdated = 100, 20
	if got, want := progressLine(s), "\rgraph/incidents: 3 pages, 120 alerts (new 100, updated 20)   "; got != want {
		t.Errorf("progress line %q, want %q", got, want)
	}
	srv, _ := fakeGraphAPI(t)
	t.Setenv("AZURE_CLIENT_SECRET", "s3cret")
	_, errOut, code := cli(t, t.TempDir(), "", "pull", "graph", "--entra-tenant", "contoso", "--client-id", "app",
		"--base-url", srv.URL+"/v1.0", "--token-url", srv.URL+"/token")
	if code != 0 || errOut != "" {
		t.Errorf("exit %d, stderr %q; want no progress on a stderr that is not a terminal", code, errOut)
	}
}
