package defender_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/connect/defender"
	"github.com/debrief-dev/debrief/connect/internal/faketest"
)

var t0 = faketest.T0

// newHarness wires a pull of f's incidents in pages of pageSize.
func newHarness(t testing.TB, f *fakeDefender, pageSize int) (*faketest.Harness, connect.Feed) {
	h := faketest.NewHarness(t, faketest.AzureAuth(f.srv, defender.Scope))
	feed := defender.Incidents(defender.Options{Client: h.Client, BaseURL: f.srv.URL, PageSize: pageSize, Now: h.Opts.Now})
	return h, feed
}

// assertStored checks the store holds exactly n incidents with alertsPer
// alerts each.
func assertStored(t *testing.T, st debrief.Store, n, alertsPer int) {
	t.Helper()
	faketest.AssertIncidents(t, st, n, alertsPer, "defender:", nil)
}

func TestPullFaults(t *testing.T) {
	const n, per = 10, 3 // pages of 4 from offsets 0, 3, 6, 9: the last short
	tests := []struct {
		name     string
		faults   map[int]faketest.Fault
		minSleep time.Duration // some wait at least this long
		tokens   int           // token requests
		retried  bool
	}{
		{"clean", nil, 0, 1, false},
		{"429 with Retry-After (per-minute quota)", map[int]faketest.Fault{2: faketest.Throttle}, 7 * time.Second, 1, true},
		{"500 then success", map[int]faketest.Fault{1: faketest.Fail, 2: faketest.Fail}, 0, 1, true},
		{"hung request", map[int]faketest.Fault{3: faketest.Hang}, 0, 1, true},
		{"malformed page", map[int]faketest.Fault{2: faketest.Malformed}, 0, 1, true},
		{"page repeating records", map[int]faketest.Fault{2: faketest.Repeat, 3: faketest.Repeat}, 0, 1, false},
		{"token expiry mid-run", map[int]faketest.Fault{2: faketest.Expire}, 0, 2, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeDefender(t, n, per, t0)
			f.srv.Faults = tc.faults
			h, feed := newHarness(t, f, 4)
			st := h.Pull(t, feed)
			assertStored(t, h.Store, n, per)
			if st.Pages != 4 || st.Written.IncidentsNew != n || st.Written.AlertsNew != n*per || st.Written.IncidentsUpdated != 0 {
				t.Errorf("stats %+v, want 4 pages (each but the first starting at the last of the one before), %d new incidents, %d new alerts, none updated", st, n, n*per)
			}
			if tokens, scopes := f.srv.Tokens(), f.srv.Scopes(); tokens != tc.tokens || scopes[0] != defender.Scope {
				t.Errorf("%d token requests for %v, want %d for %s", tokens, scopes, tc.tokens, defender.Scope)
			}
			h.CheckWaits(t, tc.retried, tc.minSleep)
		})
	}
}

// TestHourlyQuota: the per-hour quota answers 429 with a Retry-After of
// many minutes, which the pull waits out rather than failing.
func TestHourlyQuota(t *testing.T) {
	f := newFakeDefender(t, 6, 1, t0)
	f.srv.RetryAfter = "1740"
	f.srv.ThrottleBody = `{"error":{"code":"TooManyRequests","message":"API calls quota exceeded! Maximum allowed 1500 per 1 hours."}}`
	f.srv.Faults = map[int]faketest.Fault{2: faketest.Throttle}
	h, feed := newHarness(t, f, 4)
	h.Pull(t, feed)
	h.CheckWaits(t, true, 29*time.Minute)
	assertStored(t, h.Store, 6, 1)
}

// TestPageBoundary: when the records fill the last page exactly, an
// empty page ends the feed.
func TestPageBoundary(t *testing.T) {
	f := newFakeDefender(t, 8, 1, t0)
	h, feed := newHarness(t, f, 4)
	st := h.Pull(t, feed)
	if st.Pages != 3 || f.srv.Requests() != 3 {
		t.Errorf("%d pages in %d requests, want 3 (the last empty)", st.Pages, f.srv.Requests())
	}
	assertStored(t, h.Store, 8, 1)
}

func TestPageSizeCapped(t *testing.T) {
	f := newFakeDefender(t, 150, 1, t0)
	h, feed := newHarness(t, f, 500) // the fake refuses $top > 100
	st := h.Pull(t, feed)
	if st.Pages != 2 {
		t.Errorf("%d pages, want 2 of at most 100", st.Pages)
	}
	assertStored(t, h.Store, 150, 1)
}

func TestPullGivesUp(t *testing.T) {
	f := newFakeDefender(t, 10, 1, t0)
	f.srv.Faults = map[int]faketest.Fault{2: faketest.Fail, 3: faketest.Fail, 4: faketest.Fail}
	h, feed := newHarness(t, f, 4)
	h.Client.Retries = 2
	_, err := connect.Pull(context.Background(), feed, h.Opts)
	if err == nil || !strings.Contains(err.Error(), "HTTP 500") || !strings.Contains(err.Error(), "3 attempts") {
		t.Fatalf("err = %v, want HTTP 500 after 3 attempts", err)
	}
	assertStored(t, h.Store, 4, 1)
	f.srv.Faults = nil
	st := h.Pull(t, feed)
	if !st.Resumed || st.Written.IncidentsNew != 6 {
		t.Errorf("resumed run: %+v, want resumed with 6 new incidents", st)
	}
	assertStored(t, h.Store, 10, 1)
}

// TestPullKilled stops a run after each stored page in turn and resumes
// it: the store ends with every record once.
func TestPullKilled(t *testing.T) {
	const n, per = 10, 2
	faketest.Killed(t, 2, func(t *testing.T) (*faketest.Harness, connect.Feed) {
		return newHarness(t, newFakeDefender(t, n, per, t0), 4)
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
	f := newFakeDefender(t, 6, 1, t0)
	h, feed := newHarness(t, f, 4)
	h.Opts.Since = t0.Add(2 * time.Minute)
	first := h.Pull(t, feed)
	if first.Written.IncidentsNew != 4 || f.filters[0] != "lastUpdateTime ge 2026-03-01T08:02:00Z and lastUpdateTime lt 2026-03-02T08:00:00Z" {
		t.Fatalf("first run: %+v, filter %q; want 4 new incidents from --since", first, f.filters[0])
	}
	f.update(1005, t0.Add(time.Hour))
	f.mu.Lock()
	f.items = append(f.items, incident{id: 2000, created: t0.Add(2 * time.Hour), updated: t0.Add(2 * time.Hour), alerts: 1})
	f.filters = nil
	f.mu.Unlock()
	second := h.Pull(t, feed)
	if second.Written.IncidentsNew != 1 || second.Written.IncidentsUpdated != 1 {
		t.Errorf("second run wrote %+v, want 1 new and 1 updated incident", second.Written)
	}
	if !strings.HasPrefix(f.filters[0], "lastUpdateTime ge 2026-03-01T08:05:00Z and lastUpdateTime lt ") {
		t.Errorf("second run filter %q", f.filters[0])
	}
	assertStored(t, h.Store, 5, 1)
}

// TestUpdatedMidRun updates incidents of the first page while the run
// pages: with the run's listing bounded by its start, they leave it and
// the offsets of the rest shift back by more than the pages overlap. No
// incident is missed, and the next run stores the updates.
func TestUpdatedMidRun(t *testing.T) {
	const n = 12 // pages of 4
	for _, ord := range []order{newestFirst, updatedFirst} {
		for _, when := range []int{2, 3} { // before the second or the third request
			f := newFakeDefender(t, n, 1, t0)
			f.order = ord
			clock := t0.Add(24 * time.Hour)
			h, _ := newHarness(t, f, 4)
			h.Opts.Now = func() time.Time { return clock }
			feed := defender.Incidents(defender.Options{Client: h.Client, BaseURL: f.srv.URL, PageSize: 4, Now: h.Opts.Now})
			changed := []int{1011, 1010} // on the first page
			if ord == updatedFirst {
				changed = []int{1000, 1001}
			}
			f.srv.Before(func(req int) {
				if req == when {
					for _, id := range changed {
						f.update(id, clock.Add(time.Minute)) // the source's time, after the run began
					}
				}
			})
			h.Pull(t, feed)
			assertStored(t, h.Store, n, 1)
			f.srv.Before(nil)
			clock = clock.Add(time.Hour)
			h.Pull(t, feed)
			assertStored(t, h.Store, n, 1)
			for _, id := range changed {
				in, err := h.Store.Incident(context.Background(), "defender:"+strconv.Itoa(id))
				if want := clock.Add(-time.Hour + time.Minute); err != nil || !in.Times.Updated.Equal(want) {
					t.Errorf("order %d, update before request %d: after the next run %d changed at %v (err %v), want %v", ord, when, id, in.Times.Updated, err, want)
				}
			}
		}
	}
}

func TestCursorElsewhere(t *testing.T) {
	f := newFakeDefender(t, 1, 1, t0)
	h, _ := newHarness(t, f, 4)
	other := defender.Incidents(defender.Options{Client: h.Client, BaseURL: "https://api.security.example"})
	if _, err := other.Fetch(context.Background(), f.srv.URL+"/api/incidents?$top=1&$skip=0"); err == nil ||
		!strings.Contains(err.Error(), "not the API's") {
		t.Errorf("cursor to another host: err = %v", err)
	}
}
