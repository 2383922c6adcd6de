package graph_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/connect/graph"
	"github.com/debrief-dev/debrief/connect/internal/faketest"
)

var t0 = faketest.T0

// newHarness wires a pull of f's incidents in pages of 4.
func newHarness(t testing.TB, f *fakeGraph) (*faketest.Harness, connect.Feed) {
	h := faketest.NewHarness(t, faketest.AzureAuth(f.srv, graph.Scope))
	return h, graph.Incidents(graph.Options{Client: h.Client, BaseURL: f.srv.URL + "/v1.0", PageSize: 4})
}

// assertStored checks the store holds exactly n incidents with alertsPer
// alerts each.
func assertStored(t *testing.T, st debrief.Store, n, alertsPer int) {
	t.Helper()
	faketest.AssertIncidents(t, st, n, alertsPer, "defender:", nil)
}

func TestPullFaults(t *testing.T) {
	const n, per = 10, 3 // pages of 4: 3 pages
	tests := []struct {
		name      string
		faults    map[int]faketest.Fault
		minSleep  time.Duration // some wait at least this long
		tokens    int           // token requests
		wantPages int
		retried   bool
	}{
		{"clean", nil, 0, 1, 3, false},
		{"429 with Retry-After", map[int]faketest.Fault{2: faketest.Throttle}, 7 * time.Second, 1, 3, true},
		{"500 then success", map[int]faketest.Fault{1: faketest.Fail, 2: faketest.Fail}, 0, 1, 3, true},
		{"hung request", map[int]faketest.Fault{3: faketest.Hang}, 0, 1, 3, true},
		{"malformed page", map[int]faketest.Fault{2: faketest.Malformed}, 0, 1, 3, true},
		{"page repeating records", map[int]faketest.Fault{2: faketest.Repeat, 3: faketest.Repeat}, 0, 1, 3, false},
		{"token expiry mid-run", map[int]faketest.Fault{2: faketest.Expire}, 0, 2, 3, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeGraph(t, n, per, t0)
			f.srv.Faults = tc.faults
			h, feed := newHarness(t, f)
			st := h.Pull(t, feed)
			assertStored(t, h.Store, n, per)
			if st.Pages != tc.wantPages || st.Written.IncidentsNew != n || st.Written.AlertsNew != n*per || st.Written.IncidentsUpdated != 0 {
				t.Errorf("stats %+v, want %d pages, %d new incidents, %d new alerts, none updated", st, tc.wantPages, n, n*per)
			}
			if tokens := f.srv.Tokens(); tokens != tc.tokens {
				t.Errorf("%d token requests, want %d", tokens, tc.tokens)
			}
			h.CheckWaits(t, tc.retried, tc.minSleep)
		})
	}
}

func TestPullGivesUp(t *testing.T) {
	f := newFakeGraph(t, 10, 1, t0)
	f.srv.Faults = map[int]faketest.Fault{1: faketest.None, 2: faketest.Fail, 3: faketest.Fail, 4: faketest.Fail}
	h, feed := newHarness(t, f)
	h.Client.Retries = 2
	_, err := connect.Pull(context.Background(), feed, h.Opts)
	if err == nil || !strings.Contains(err.Error(), "HTTP 500") || !strings.Contains(err.Error(), "3 attempts") {
		t.Fatalf("err = %v, want HTTP 500 after 3 attempts", err)
	}
	// The first page is stored and the checkpoint points past it.
	assertStored(t, h.Store, 4, 1)
	f.srv.Faults = nil
	st := h.Pull(t, feed)
	if !st.Resumed || st.Written.IncidentsNew != 6 {
		t.Errorf("resumed run: %+v, want resumed with 6 new incidents", st)
	}
	assertStored(t, h.Store, 10, 1)
}

func TestPullBadSecret(t *testing.T) {
	f := newFakeGraph(t, 1, 1, t0)
	h, feed := newHarness(t, f)
	h.Client.Auth = connect.NewOAuth2(connect.AzureCredentials("contoso", "app", "wrong", f.srv.URL+"/token", graph.Scope), nil)
	_, err := connect.Pull(context.Background(), feed, h.Opts)
	if err == nil || !strings.Contains(err.Error(), "get token") || len(h.Sleeps()) != 0 {
		t.Fatalf("err = %v after waits %v, want a token error without retries", err, h.Sleeps())
	}
}

// TestPullKilled stops a run after each stored page in turn and resumes
// it: the store ends with every record once.
func TestPullKilled(t *testing.T) {
	const n, per = 10, 2
	faketest.Killed(t, 2, func(t *testing.T) (*faketest.Harness, connect.Feed) {
		return newHarness(t, newFakeGraph(t, n, per, t0))
	}, func(t *testing.T, h *faketest.Harness, first, second connect.Stats) {
		if got := first.Written.IncidentsNew + second.Written.IncidentsNew; got != n {
			t.Errorf("%d + %d new incidents, want %d", first.Written.IncidentsNew, second.Written.IncidentsNew, n)
		}
		assertStored(t, h.Store, n, per)
	})
}

// TestPullIncremental runs twice: the second run asks only for what
// changed since the first began (less the overlap) and stores updates.
func TestPullIncremental(t *testing.T) {
	f := newFakeGraph(t, 6, 1, t0)
	h, feed := newHarness(t, f)
	h.Opts.Since = t0.Add(2 * time.Minute)
	first := h.Pull(t, feed)
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
	second := h.Pull(t, feed)
	if second.Written.IncidentsNew != 1 || second.Written.IncidentsUpdated != 1 || second.Written.IncidentsUnchanged != 0 {
		t.Errorf("second run wrote %+v, want 1 new and 1 updated incident", second.Written)
	}
	if f.filters[0] != "lastUpdateDateTime ge 2026-03-01T08:05:00Z" {
		t.Errorf("second run filter %q", f.filters[0])
	}
	assertStored(t, h.Store, 5, 1)
}

func TestNextLinkElsewhere(t *testing.T) {
	f := newFakeGraph(t, 1, 1, t0)
	h, _ := newHarness(t, f)
	other := graph.Incidents(graph.Options{Client: h.Client, BaseURL: "https://graph.example/v1.0"})
	f.items = append(f.items, f.items[0])
	if _, err := other.Fetch(context.Background(), f.srv.URL+"/v1.0/security/incidents?$top=1&$expand=alerts"); err == nil ||
		!strings.Contains(err.Error(), "not the API's") {
		t.Errorf("next link to another host: err = %v", err)
	}
}
