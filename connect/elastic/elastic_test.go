package elastic_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/connect/elastic"
	"github.com/debrief-dev/debrief/connect/internal/faketest"
)

var t0 = faketest.T0

// newHarness wires a pull of f's alerts in pages of 4.
func newHarness(t testing.TB, f *fakeES) (*faketest.Harness, connect.Feed) {
	h := faketest.NewHarness(t, connect.APIKey("a2V5aWQ6c2VjcmV0"))
	return h, elastic.Alerts(elastic.Options{Client: h.Client, BaseURL: f.srv.URL, PageSize: 4})
}

// assertStored checks the store holds exactly n alerts, each once, with
// their technique.
func assertStored(t *testing.T, st debrief.Store, n int) {
	t.Helper()
	seen := map[string]bool{}
	err := st.UnassignedAlerts(context.Background(), func(a debrief.Alert) error {
		if seen[a.ID] {
			t.Errorf("alert %s stored twice", a.ID)
		}
		seen[a.ID] = true
		if !slices.ContainsFunc(a.Techniques, func(tq debrief.Technique) bool { return tq.ID == "T1059.001" }) {
			t.Errorf("alert %s techniques %v, want T1059.001", a.ID, a.Techniques)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != n {
		t.Errorf("store holds %d alerts, want %d", len(seen), n)
	}
}

func TestPullFaults(t *testing.T) {
	const n = 10 // pages of 4: 3 pages, the last short
	tests := []struct {
		name     string
		faults   map[int]faketest.Fault
		minSleep time.Duration
		pits     int // PITs opened
		retried  bool
	}{
		{"clean", nil, 0, 1, false},
		{"429 with Retry-After", map[int]faketest.Fault{2: faketest.Throttle}, 7 * time.Second, 1, true},
		{"503 then success", map[int]faketest.Fault{1: faketest.Fail, 2: faketest.Fail}, 0, 1, true},
		{"hung request", map[int]faketest.Fault{3: faketest.Hang}, 0, 1, true},
		{"malformed page", map[int]faketest.Fault{2: faketest.Malformed}, 0, 1, true},
		{"page repeating records", map[int]faketest.Fault{2: faketest.Repeat, 3: faketest.Repeat}, 0, 1, false},
		{"PIT expired mid-run", map[int]faketest.Fault{3: expirePIT}, 0, 2, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeES(t, n, t0)
			f.srv.Faults = tc.faults
			h, feed := newHarness(t, f)
			st := h.Pull(t, feed)
			assertStored(t, h.Store, n)
			if st.Written.AlertsNew != n || st.Written.AlertsUpdated != 0 {
				t.Errorf("stats %+v, want %d new alerts, none updated", st, n)
			}
			if f.opened != tc.pits {
				t.Errorf("%d PITs opened, want %d", f.opened, tc.pits)
			}
			if tc.faults == nil && len(f.pits) != 0 { // closing is best effort: checked only without faults
				t.Errorf("%d PITs left open after a clean run", len(f.pits))
			}
			h.CheckWaits(t, tc.retried, tc.minSleep)
		})
	}
}

// TestPullKilled stops a run after each stored page in turn and resumes
// it, with the PIT alive and after it expired: the store ends with every
// alert once.
func TestPullKilled(t *testing.T) {
	const n = 10
	for _, expire := range []bool{false, true} {
		for kill := 1; kill <= 2; kill++ {
			f := newFakeES(t, n, t0)
			h, feed := newHarness(t, f)
			ctx, cancel := context.WithCancel(context.Background())
			o := h.Opts
			o.GroupAlerts = 1
			o.Progress = func(s connect.Stats) {
				if s.Pages >= kill {
					cancel()
				}
			}
			first, err := connect.Pull(ctx, feed, o)
			if err == nil {
				t.Fatalf("kill after page %d: run finished", kill)
			}
			if expire {
				clear(f.pits)
			}
			second := h.Pull(t, feed)
			fresh := first.Written.AlertsNew + second.Written.AlertsNew
			if !second.Resumed || fresh != n {
				t.Errorf("expire %v, kill after page %d: %d + %d new alerts (resumed %v), want %d", expire, kill,
					first.Written.AlertsNew, second.Written.AlertsNew, second.Resumed, n)
			}
			// Without expiry the fetching may have run ahead to the last
			// page and closed the PIT before the kill: then one more.
			if expire && f.opened != 2 || f.opened > 2 {
				t.Errorf("expire %v: %d PITs opened, want 2 (1 or 2 without expiry)", expire, f.opened)
			}
			assertStored(t, h.Store, n)
		}
	}
}

func TestPullGivesUp(t *testing.T) {
	f := newFakeES(t, 10, t0)
	f.srv.Faults = map[int]faketest.Fault{2: faketest.Fail, 3: faketest.Fail, 4: faketest.Fail}
	h, feed := newHarness(t, f)
	h.Client.Retries = 2
	_, err := connect.Pull(context.Background(), feed, h.Opts)
	if err == nil || !strings.Contains(err.Error(), "HTTP 503") || !strings.Contains(err.Error(), "3 attempts") {
		t.Fatalf("err = %v, want HTTP 503 after 3 attempts", err)
	}
	assertStored(t, h.Store, 4)
	f.srv.Faults = nil
	if st := h.Pull(t, feed); !st.Resumed || st.Written.AlertsNew != 6 {
		t.Errorf("resumed run: %+v, want resumed with 6 new alerts", st)
	}
	assertStored(t, h.Store, 10)
}

func TestPullIncremental(t *testing.T) {
	f := newFakeES(t, 6, t0)
	h, feed := newHarness(t, f)
	h.Opts.Since = t0.Add(2 * time.Minute)
	if first := h.Pull(t, feed); first.Written.AlertsNew != 4 || f.ranges[0] != "2026-03-01T08:02:00Z" {
		t.Fatalf("first run: %+v, range from %q; want 4 new alerts from --since", first, f.ranges[0])
	}
	f.mu.Lock()
	f.docs = append(f.docs, doc{uuid: "b0000000-0000-4000-8000-000000000000", ts: t0.Add(time.Hour)})
	f.ranges = nil
	f.mu.Unlock()
	if second := h.Pull(t, feed); second.Written.AlertsNew != 1 || f.ranges[0] != "2026-03-01T08:05:00Z" {
		t.Errorf("second run wrote %+v from %q, want 1 new alert from the latest stored", second.Written, f.ranges[0])
	}
	assertStored(t, h.Store, 5)
}

func TestPullBadKey(t *testing.T) {
	f := newFakeES(t, 1, t0)
	h, feed := newHarness(t, f)
	h.Client.Auth = connect.Basic{User: "elastic", Password: "wrong"}
	_, err := connect.Pull(context.Background(), feed, h.Opts)
	if err == nil || !strings.Contains(err.Error(), "HTTP 401") || len(h.Sleeps()) != 0 {
		t.Fatalf("err = %v after waits %v, want HTTP 401 without retries", err, h.Sleeps())
	}
}
