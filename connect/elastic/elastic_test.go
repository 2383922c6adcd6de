package elastic_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/connect/elastic"
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

func newHarness(t testing.TB, baseURL string) *harness {
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
		Auth:    connect.APIKey("a2V5aWQ6c2VjcmV0"),
		Timeout: 2 * time.Second, // generous: a loaded CI machine must not time out a good request
		Sleep: func(_ context.Context, d time.Duration) error {
			h.mu.Lock()
			h.sleeps = append(h.sleeps, d)
			h.mu.Unlock()
			return nil
		},
	}
	h.feed = elastic.Alerts(elastic.Options{Client: h.client, BaseURL: baseURL, PageSize: 4})
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
		faults   map[int]fault
		minSleep time.Duration
		pits     int // PITs opened
		retried  bool
	}{
		{"clean", nil, 0, 1, false},
		{"429 with Retry-After", map[int]fault{2: throttle}, 7 * time.Second, 1, true},
		{"503 then success", map[int]fault{1: fail500, 2: fail500}, 0, 1, true},
		{"hung request", map[int]fault{3: hang}, 0, 1, true},
		{"malformed page", map[int]fault{2: malformed}, 0, 1, true},
		{"page repeating records", map[int]fault{2: repeat, 3: repeat}, 0, 1, false},
		{"PIT expired mid-run", map[int]fault{3: expirePIT}, 0, 2, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeES(t, n, t0)
			f.faults = tc.faults
			h := newHarness(t, f.srv.URL)
			st := h.pull(t)
			assertStored(t, h.store, n)
			if st.Written.AlertsNew != n || st.Written.AlertsUpdated != 0 {
				t.Errorf("stats %+v, want %d new alerts, none updated", st, n)
			}
			if f.opened != tc.pits {
				t.Errorf("%d PITs opened, want %d", f.opened, tc.pits)
			}
			if tc.faults == nil && len(f.pits) != 0 { // closing is best effort: checked only without faults
				t.Errorf("%d PITs left open after a clean run", len(f.pits))
			}
			if tc.minSleep > 0 && !slices.ContainsFunc(h.sleeps, func(d time.Duration) bool { return d >= tc.minSleep }) {
				t.Errorf("waits %v, want one of at least %v", h.sleeps, tc.minSleep)
			}
			if retried := len(h.sleeps) > 0; retried != tc.retried {
				t.Errorf("waits %v, want retries %v", h.sleeps, tc.retried)
			}
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
			h := newHarness(t, f.srv.URL)
			ctx, cancel := context.WithCancel(context.Background())
			o := h.opts
			o.GroupAlerts = 1
			o.Progress = func(s connect.Stats) {
				if s.Pages >= kill {
					cancel()
				}
			}
			first, err := connect.Pull(ctx, h.feed, o)
			if err == nil {
				t.Fatalf("kill after page %d: run finished", kill)
			}
			if expire {
				clear(f.pits)
			}
			second := h.pull(t)
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
			assertStored(t, h.store, n)
		}
	}
}

func TestPullGivesUp(t *testing.T) {
	f := newFakeES(t, 10, t0)
	f.faults = map[int]fault{2: fail500, 3: fail500, 4: fail500}
	h := newHarness(t, f.srv.URL)
	h.client.Retries = 2
	_, err := connect.Pull(context.Background(), h.feed, h.opts)
	if err == nil || !strings.Contains(err.Error(), "HTTP 503") || !strings.Contains(err.Error(), "3 attempts") {
		t.Fatalf("err = %v, want HTTP 503 after 3 attempts", err)
	}
	assertStored(t, h.store, 4)
	f.faults = nil
	if st := h.pull(t); !st.Resumed || st.Written.AlertsNew != 6 {
		t.Errorf("resumed run: %+v, want resumed with 6 new alerts", st)
	}
	assertStored(t, h.store, 10)
}

func TestPullIncremental(t *testing.T) {
	f := newFakeES(t, 6, t0)
	h := newHarness(t, f.srv.URL)
	h.opts.Since = t0.Add(2 * time.Minute)
	if first := h.pull(t); first.Written.AlertsNew != 4 || f.ranges[0] != "2026-03-01T08:02:00Z" {
		t.Fatalf("first run: %+v, range from %q; want 4 new alerts from --since", first, f.ranges[0])
	}
	f.mu.Lock()
	f.docs = append(f.docs, doc{uuid: "b0000000-0000-4000-8000-000000000000", ts: t0.Add(time.Hour)})
	f.ranges = nil
	f.mu.Unlock()
	if second := h.pull(t); second.Written.AlertsNew != 1 || f.ranges[0] != "2026-03-01T08:05:00Z" {
		t.Errorf("second run wrote %+v from %q, want 1 new alert from the latest stored", second.Written, f.ranges[0])
	}
	assertStored(t, h.store, 5)
}

func TestPullBadKey(t *testing.T) {
	f := newFakeES(t, 1, t0)
	h := newHarness(t, f.srv.URL)
	h.client.Auth = connect.Basic{User: "elastic", Password: "wrong"}
	_, err := connect.Pull(context.Background(), h.feed, h.opts)
	if err == nil || !strings.Contains(err.Error(), "HTTP 401") || len(h.sleeps) != 0 {
		t.Fatalf("err = %v after %d waits, want HTTP 401 without retries", err, len(h.sleeps))
	}
}
