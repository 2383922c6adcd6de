package graph_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/connect/graph"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/sqlite"
)

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// harness wires a pull to a fake server; sleeps are recorded, not slept.
type harness struct {
	client *connect.Client
	feed   connect.Feed
	store  *sqlite.Store
	opts   connect.Options
	mu     sync.Mutex
	sleeps []time.Duration
}

func newHarness(t testing.TB, baseURL, tokenURL string) *harness {
	st, err := sqlite.Open(context.Background(), sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cat, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{store: st}
	h.client = &connect.Client{
		Auth:    connect.NewOAuth2(connect.AzureCredentials("contoso", "app", "s3cret", tokenURL, graph.Scope), nil),
		Timeout: 2 * time.Second, // generous: a loaded CI machine must not time out a good request
		Sleep: func(_ context.Context, d time.Duration) error {
			h.mu.Lock()
			h.sleeps = append(h.sleeps, d)
			h.mu.Unlock()
			return nil
		},
	}
	h.feed = graph.Incidents(graph.Options{Client: h.client, BaseURL: baseURL + "/v1.0", PageSize: 4})
	h.opts = connect.Options{
		Sink:        &connect.Sink{Store: st, Knowledge: ingest.Catalog(cat)},
		Checkpoints: st,
		Now:         func() time.Time { return t0.Add(24 * time.Hour) },
	}
	return h
}

func (h *harness) pull(t *testing.T) connect.Stats {
	t.Helper()
	st, err := connect.Pull(context.Background(), h.feed, h.opts)
	if err != nil {
		t.Fatalf("pull: %v", err)
	}
	return st
}

// assertStored checks the store holds exactly incidents n with
// alertsPer alerts each.
func assertStored(t *testing.T, st debrief.Store, n, alertsPer int) {
	t.Helper()
	ctx := context.Background()
	ins, err := st.Incidents(ctx, debrief.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) != n {
		t.Errorf("store holds %d incidents, want %d", len(ins), n)
	}
	seen := map[string]bool{}
	for _, in := range ins {
		if seen[in.ID] {
			t.Errorf("incident %s stored twice", in.ID)
		}
		seen[in.ID] = true
		full, err := st.Incident(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(full.Alerts) != alertsPer {
			t.Errorf("incident %s has %d alerts, want %d", in.ID, len(full.Alerts), alertsPer)
		}
	}
}

func TestPullFaults(t *testing.T) {
	const n, per = 10, 3 // pages of 4: 3 pages
	tests := []struct {
		name      string
		faults    map[int]fault
		minSleep  time.Duration // some wait at least this long
		tokens    int           // token requests
		wantPages int
		retried   bool
	}{
		{"clean", nil, 0, 1, 3, false},
		{"429 with Retry-After", map[int]fault{2: throttle}, 7 * time.Second, 1, 3, true},
		{"500 then success", map[int]fault{1: fail500, 2: fail500}, 0, 1, 3, true},
		{"hung request", map[int]fault{3: hang}, 0, 1, 3, true},
		{"malformed page", map[int]fault{2: malformed}, 0, 1, 3, true},
		{"page repeating records", map[int]fault{2: repeat, 3: repeat}, 0, 1, 3, false},
		{"token expiry mid-run", map[int]fault{2: expire}, 0, 2, 3, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeGraph(t, n, per, t0)
			f.faults = tc.faults
			h := newHarness(t, f.srv.URL, f.srv.URL+"/token")
			st := h.pull(t)
			assertStored(t, h.store, n, per)
			if st.Pages != tc.wantPages || st.Written.IncidentsNew != n || st.Written.AlertsNew != n*per || st.Written.IncidentsUpdated != 0 {
				t.Errorf("stats %+v, want %d pages, %d new incidents, %d new alerts, none updated", st, tc.wantPages, n, n*per)
			}
			if f.tokens != tc.tokens {
				t.Errorf("%d token requests, want %d", f.tokens, tc.tokens)
			}
			if tc.minSleep > 0 && !slicesAny(h.sleeps, func(d time.Duration) bool { return d >= tc.minSleep }) {
				t.Errorf("waits %v, want one of at least %v", h.sleeps, tc.minSleep)
			}
			if retried := len(h.sleeps) > 0; retried != tc.retried {
				t.Errorf("waits %v, want retries %v", h.sleeps, tc.retried)
			}
		})
	}
}

func slicesAny[T any](s []T, f func(T) bool) bool {
	for _, v := range s {
		if f(v) {
			return true
		}
	}
	return false
}

func TestPullGivesUp(t *testing.T) {
	f := newFakeGraph(t, 10, 1, t0)
	f.faults = map[int]fault{1: none, 2: fail500, 3: fail500, 4: fail500}
	h := newHarness(t, f.srv.URL, f.srv.URL+"/token")
	h.client.Retries = 2
	_, err := connect.Pull(context.Background(), h.feed, h.opts)
	if err == nil || !strings.Contains(err.Error(), "HTTP 500") || !strings.Contains(err.Error(), "3 attempts") {
		t.Fatalf("err = %v, want HTTP 500 after 3 attempts", err)
	}
	// The first page is stored and the checkpoint points past it.
	assertStored(t, h.store, 4, 1)
	f.faults = nil
	st := h.pull(t)
	if !st.Resumed || st.Written.IncidentsNew != 6 {
		t.Errorf("resumed run: %+v, want resumed with 6 new incidents", st)
	}
	assertStored(t, h.store, 10, 1)
}

func TestPullBadSecret(t *testing.T) {
	f := newFakeGraph(t, 1, 1, t0)
	h := newHarness(t, f.srv.URL, f.srv.URL+"/token")
	h.client.Auth = connect.NewOAuth2(connect.AzureCredentials("contoso", "app", "wrong", f.srv.URL+"/token", graph.Scope), nil)
	_, err := connect.Pull(context.Background(), h.feed, h.opts)
	if err == nil || !strings.Contains(err.Error(), "get token") || len(h.sleeps) != 0 {
		t.Fatalf("err = %v after %d waits, want a token error without retries", err, len(h.sleeps))
	}
}

// TestPullKilled stops a run after each stored page in turn and resumes
// it: the store ends with every record once.
func TestPullKilled(t *testing.T) {
	const n, per = 10, 2
	for kill := 1; kill <= 2; kill++ {
		f := newFakeGraph(t, n, per, t0)
		h := newHarness(t, f.srv.URL, f.srv.URL+"/token")
		ctx, cancel := context.WithCancel(context.Background())
		o := h.opts
		o.GroupAlerts = 1 // a transaction per page, so the kill falls between pages
		o.Progress = func(s connect.Stats) {
			if s.Pages >= kill {
				cancel()
			}
		}
		first, err := connect.Pull(ctx, h.feed, o)
		if err == nil {
			t.Fatalf("kill after page %d: run finished", kill)
		}
		second := h.pull(t)
		if !second.Resumed || first.Written.IncidentsNew+second.Written.IncidentsNew != n {
			t.Errorf("kill after page %d: %d + %d new incidents (resumed %v), want %d", kill,
				first.Written.IncidentsNew, second.Written.IncidentsNew, second.Resumed, n)
		}
		assertStored(t, h.store, n, per)
	}
}

// TestPullIncremental runs twice: the second run asks only for what
// changed since the first began (less the overlap) and stores updates.
func TestPullIncremental(t *testing.T) {
	f := newFakeGraph(t, 6, 1, t0)
	h := newHarness(t, f.srv.URL, f.srv.URL+"/token")
	h.opts.Since = t0.Add(2 * time.Minute)
	first := h.pull(t)
	if first.Written.IncidentsNew != 4 || f.filters[0] != "lastUpdateDateTime ge 2026-03-01T08:02:00Z" {
		t.Fatalf("first run: %+v, filter %q; want 4 new incidents from --since", first, f.filters[0])
	}
	wantSince := t0.Add(24*time.Hour - 5*time.Minute)
	if !first.Since.Equal(t0.Add(5 * time.Minute)) { // the latest change seen is earlier than the run
		t.Errorf("next since %v, want the latest change stored %v", first.Since, t0.Add(5*time.Minute))
	}
	f.mu.Lock()
	f.items[5].updated = wantSince.Add(time.Hour)
	f.items = append(f.items, incident{id: "2000", updated: wantSince.Add(2 * time.Hour), alerts: 1})
	f.mu.Unlock()
	f.filters = nil
	second := h.pull(t)
	if second.Written.IncidentsNew != 1 || second.Written.IncidentsUpdated != 1 || second.Written.IncidentsUnchanged != 0 {
		t.Errorf("second run wrote %+v, want 1 new and 1 updated incident", second.Written)
	}
	if f.filters[0] != "lastUpdateDateTime ge 2026-03-01T08:05:00Z" {
		t.Errorf("second run filter %q", f.filters[0])
	}
	assertStored(t, h.store, 5, 1)
}

func TestNextLinkElsewhere(t *testing.T) {
	f := newFakeGraph(t, 1, 1, t0)
	h := newHarness(t, f.srv.URL, f.srv.URL+"/token")
	other := graph.Incidents(graph.Options{Client: h.client, BaseURL: "https://graph.example/v1.0"})
	f.items = append(f.items, f.items[0])
	if _, err := other.Fetch(context.Background(), f.srv.URL+"/v1.0/security/incidents?$top=1&$expand=alerts"); err == nil ||
		!strings.Contains(err.Error(), "not the API's") {
		t.Errorf("next link to another host: err = %v", err)
	}
}
