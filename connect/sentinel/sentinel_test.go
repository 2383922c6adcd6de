package sentinel_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/connect/internal/faketest"
	"github.com/debrief-dev/debrief/connect/sentinel"
)

var t0 = faketest.T0

// newHarness wires a pull of f's incidents in pages of pageSize, with
// one request at a time so that faults hit known requests.
func newHarness(t testing.TB, f *fakeSentinel, pageSize int) (*faketest.Harness, connect.Feed) {
	h := faketest.NewHarness(t, faketest.AzureAuth(f.srv, sentinel.Scope))
	return h, sentinel.Incidents(sentinel.Options{
		Client: h.Client, BaseURL: f.srv.URL, Subscription: "sub-1", ResourceGroup: "rg-soc", Workspace: "law-soc",
		PageSize: pageSize, Parallel: 1,
	})
}

// assertStored checks the store holds exactly incidents n with
// alertsPer alerts each, every alert linked to its incident.
func assertStored(t *testing.T, st debrief.Store, n, alertsPer int) {
	t.Helper()
	faketest.AssertIncidents(t, st, n, alertsPer, "sentinel:inc-", func(in *debrief.Incident) {
		for _, a := range in.Alerts {
			if a.IncidentID != in.ID || !strings.HasPrefix(a.ID, "sentinel:al-"+in.SourceID) || len(a.Techniques) == 0 {
				t.Errorf("alert %s of %s: incident %q, techniques %v", a.ID, in.ID, a.IncidentID, a.Techniques)
			}
		}
	})
}

func TestPullFaults(t *testing.T) {
	// Pages of 4 of 10 incidents: list requests 1, 6 and 11, each
	// followed by one alerts request per incident.
	const n, per = 10, 2
	tests := []struct {
		name     string
		faults   map[int]faketest.Fault
		minSleep time.Duration
		tokens   int
		retried  bool
	}{
		{"clean", nil, 0, 1, false},
		{"429 with Retry-After", map[int]faketest.Fault{6: faketest.Throttle}, 9 * time.Second, 1, true},
		{"500 then success", map[int]faketest.Fault{3: faketest.Fail, 4: faketest.Fail}, 0, 1, true},
		{"hung request", map[int]faketest.Fault{6: faketest.Hang}, 0, 1, true},
		{"malformed pages", map[int]faketest.Fault{2: faketest.Malformed, 11: faketest.Malformed}, 0, 1, true},
		{"page repeating records", map[int]faketest.Fault{6: faketest.Repeat, 12: faketest.Repeat}, 0, 1, false},
		{"token expiry mid-run", map[int]faketest.Fault{7: faketest.Expire}, 0, 2, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeSentinel(t, n, per, t0)
			f.srv.Faults = tc.faults
			h, feed := newHarness(t, f, 4)
			st := h.Pull(t, feed)
			assertStored(t, h.Store, n, per)
			if st.Pages != 3 || st.Written.IncidentsNew != n || st.Written.AlertsNew != n*per {
				t.Errorf("stats %+v, want 3 pages, %d new incidents, %d new alerts", st, n, n*per)
			}
			if tokens, scopes := f.srv.Tokens(), f.srv.Scopes(); tokens != tc.tokens || scopes[0] != sentinel.Scope {
				t.Errorf("%d token requests for %v, want %d for %s", tokens, scopes, tc.tokens, sentinel.Scope)
			}
			h.CheckWaits(t, tc.retried, tc.minSleep)
		})
	}
}

// TestPullKilled stops a run after each stored page in turn and resumes
// it: the store ends with every record once.
func TestPullKilled(t *testing.T) {
	const n, per = 10, 2
	faketest.Killed(t, 2, func(t *testing.T) (*faketest.Harness, connect.Feed) {
		return newHarness(t, newFakeSentinel(t, n, per, t0), 4)
	}, func(t *testing.T, h *faketest.Harness, first, second connect.Stats) {
		if got := first.Written.IncidentsNew + second.Written.IncidentsNew; got != n {
			t.Errorf("%d + %d new incidents, want %d", first.Written.IncidentsNew, second.Written.IncidentsNew, n)
		}
		assertStored(t, h.Store, n, per)
	})
}

// TestPullIncremental runs twice: the second run asks only for what
// changed since the first.
func TestPullIncremental(t *testing.T) {
	f := newFakeSentinel(t, 6, 1, t0)
	h, feed := newHarness(t, f, 4)
	h.Opts.Since = t0.Add(2 * time.Minute)
	first := h.Pull(t, feed)
	if first.Written.IncidentsNew != 4 || f.filters[0] != "properties/lastModifiedTimeUtc ge 2026-03-01T08:02:00Z" {
		t.Fatalf("first run: %+v, filter %q; want 4 new incidents from --since", first, f.filters[0])
	}
	f.mu.Lock()
	f.items[5].updated = t0.Add(time.Hour)
	f.items = append(f.items, incident{name: "inc-2000", updated: t0.Add(2 * time.Hour), alerts: 1})
	f.filters = nil
	f.mu.Unlock()
	second := h.Pull(t, feed)
	if second.Written.IncidentsNew != 1 || second.Written.IncidentsUpdated != 1 {
		t.Errorf("second run wrote %+v, want 1 new and 1 updated incident", second.Written)
	}
	if f.filters[0] != "properties/lastModifiedTimeUtc ge 2026-03-01T08:05:00Z" {
		t.Errorf("second run filter %q", f.filters[0])
	}
	assertStored(t, h.Store, 5, 1)
}

// TestParallelAlerts fetches the alerts of a page several at a time.
func TestParallelAlerts(t *testing.T) {
	f := newFakeSentinel(t, 25, 3, t0)
	h, _ := newHarness(t, f, 10)
	feed := sentinel.Incidents(sentinel.Options{Client: h.Client, BaseURL: f.srv.URL, Subscription: "sub-1",
		ResourceGroup: "rg-soc", Workspace: "law-soc", PageSize: 10, Parallel: 8})
	if st := h.Pull(t, feed); st.Pages != 3 || st.Alerts != 75 {
		t.Errorf("stats %+v, want 3 pages, 75 alerts", st)
	}
	for name, k := range f.alertReq {
		if k != 1 {
			t.Errorf("alerts of %s asked %d times", name, k)
		}
	}
	assertStored(t, h.Store, 25, 3)
}

func TestNextLinkElsewhere(t *testing.T) {
	f := newFakeSentinel(t, 1, 1, t0)
	h, _ := newHarness(t, f, 4)
	other := sentinel.Incidents(sentinel.Options{Client: h.Client, BaseURL: "https://management.example",
		Subscription: "s", ResourceGroup: "r", Workspace: "w"})
	if _, err := other.Fetch(context.Background(), f.srv.URL+"/x"); err == nil || !strings.Contains(err.Error(), "not the API's") {
		t.Errorf("cursor to another host: err = %v", err)
	}
	if _, err := sentinel.Incidents(sentinel.Options{Client: h.Client}).First(time.Time{}); err == nil {
		t.Error("First without a workspace: no error")
	}
}
