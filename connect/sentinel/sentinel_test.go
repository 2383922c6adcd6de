package sentinel_test

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
	"github.com/debrief-dev/debrief/connect/sentinel"
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

func newHarness(t testing.TB, baseURL string, pageSize int) *harness {
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
		Auth:    connect.NewOAuth2(connect.AzureCredentials("contoso", "app", "s3cret", baseURL+"/token", sentinel.Scope), nil),
		Timeout: 2 * time.Second,
		Sleep: func(_ context.Context, d time.Duration) error {
			h.mu.Lock()
			h.sleeps = append(h.sleeps, d)
			h.mu.Unlock()
			return nil
		},
	}
	h.feed = sentinel.Incidents(sentinel.Options{
		Client: h.client, BaseURL: baseURL, Subscription: "sub-1", ResourceGroup: "rg-soc", Workspace: "law-soc",
		PageSize: pageSize, Parallel: 1, // one request at a time: faults hit known requests
	})
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
// alertsPer alerts each, every alert linked to its incident.
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
		if seen[in.ID] || !strings.HasPrefix(in.ID, "sentinel:inc-") {
			t.Errorf("incident %s stored twice or not from sentinel", in.ID)
		}
		seen[in.ID] = true
		full, err := st.Incident(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(full.Alerts) != alertsPer {
			t.Errorf("incident %s has %d alerts, want %d", in.ID, len(full.Alerts), alertsPer)
		}
		for _, a := range full.Alerts {
			if a.IncidentID != in.ID || !strings.HasPrefix(a.ID, "sentinel:al-"+in.SourceID) || len(a.Techniques) == 0 {
				t.Errorf("alert %s of %s: incident %q, techniques %v", a.ID, in.ID, a.IncidentID, a.Techniques)
			}
		}
	}
}

func TestPullFaults(t *testing.T) {
	// Pages of 4 of 10 incidents: list requests 1, 6 and 11, each
	// followed by one alerts request per incident.
	const n, per = 10, 2
	tests := []struct {
		name     string
		faults   map[int]fault
		minSleep time.Duration
		tokens   int
		retried  bool
	}{
		{"clean", nil, 0, 1, false},
		{"429 with Retry-After", map[int]fault{6: throttle}, 9 * time.Second, 1, true},
		{"500 then success", map[int]fault{3: fail500, 4: fail500}, 0, 1, true},
		{"hung request", map[int]fault{6: hang}, 0, 1, true},
		{"malformed pages", map[int]fault{2: malformed, 11: malformed}, 0, 1, true},
		{"page repeating records", map[int]fault{6: repeat, 12: repeat}, 0, 1, false},
		{"token expiry mid-run", map[int]fault{7: expire}, 0, 2, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeSentinel(t, n, per, t0)
			f.faults = tc.faults
			h := newHarness(t, f.srv.URL, 4)
			st := h.pull(t)
			assertStored(t, h.store, n, per)
			if st.Pages != 3 || st.Written.IncidentsNew != n || st.Written.AlertsNew != n*per {
				t.Errorf("stats %+v, want 3 pages, %d new incidents, %d new alerts", st, n, n*per)
			}
			if f.tokens != tc.tokens || f.scopes[0] != sentinel.Scope {
				t.Errorf("%d token requests for %v, want %d for %s", f.tokens, f.scopes, tc.tokens, sentinel.Scope)
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
// it: the store ends with every record once.
func TestPullKilled(t *testing.T) {
	const n, per = 10, 2
	for kill := 1; kill <= 2; kill++ {
		f := newFakeSentinel(t, n, per, t0)
		h := newHarness(t, f.srv.URL, 4)
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
		second := h.pull(t)
		if !second.Resumed || first.Written.IncidentsNew+second.Written.IncidentsNew != n {
			t.Errorf("kill after page %d: %d + %d new incidents (resumed %v), want %d", kill,
				first.Written.IncidentsNew, second.Written.IncidentsNew, second.Resumed, n)
		}
		assertStored(t, h.store, n, per)
	}
}

// TestPullIncremental runs twice: the second run asks only for what
// changed since the first.
func TestPullIncremental(t *testing.T) {
	f := newFakeSentinel(t, 6, 1, t0)
	h := newHarness(t, f.srv.URL, 4)
	h.opts.Since = t0.Add(2 * time.Minute)
	first := h.pull(t)
	if first.Written.IncidentsNew != 4 || f.filters[0] != "properties/lastModifiedTimeUtc ge 2026-03-01T08:02:00Z" {
		t.Fatalf("first run: %+v, filter %q; want 4 new incidents from --since", first, f.filters[0])
	}
	f.mu.Lock()
	f.items[5].updated = t0.Add(time.Hour)
	f.items = append(f.items, incident{name: "inc-2000", updated: t0.Add(2 * time.Hour), alerts: 1})
	f.filters = nil
	f.mu.Unlock()
	second := h.pull(t)
	if second.Written.IncidentsNew != 1 || second.Written.IncidentsUpdated != 1 {
		t.Errorf("second run wrote %+v, want 1 new and 1 updated incident", second.Written)
	}
	if f.filters[0] != "properties/lastModifiedTimeUtc ge 2026-03-01T08:05:00Z" {
		t.Errorf("second run filter %q", f.filters[0])
	}
	assertStored(t, h.store, 5, 1)
}

// TestParallelAlerts fetches the alerts of a page several at a time.
func TestParallelAlerts(t *testing.T) {
	f := newFakeSentinel(t, 25, 3, t0)
	h := newHarness(t, f.srv.URL, 10)
	h.feed = sentinel.Incidents(sentinel.Options{Client: h.client, BaseURL: f.srv.URL, Subscription: "sub-1",
		ResourceGroup: "rg-soc", Workspace: "law-soc", PageSize: 10, Parallel: 8})
	if st := h.pull(t); st.Pages != 3 || st.Alerts != 75 {
		t.Errorf("stats %+v, want 3 pages, 75 alerts", st)
	}
	for name, k := range f.alertReq {
		if k != 1 {
			t.Errorf("alerts of %s asked %d times", name, k)
		}
	}
	assertStored(t, h.store, 25, 3)
}

func TestNextLinkElsewhere(t *testing.T) {
	f := newFakeSentinel(t, 1, 1, t0)
	h := newHarness(t, f.srv.URL, 4)
	other := sentinel.Incidents(sentinel.Options{Client: h.client, BaseURL: "https://management.example",
		Subscription: "s", ResourceGroup: "r", Workspace: "w"})
	if _, err := other.Fetch(context.Background(), f.srv.URL+"/x"); err == nil || !strings.Contains(err.Error(), "not the API's") {
		t.Errorf("cursor to another host: err = %v", err)
	}
	if _, err := sentinel.Incidents(sentinel.Options{Client: h.client}).First(time.Time{}); err == nil {
		t.Error("First without a workspace: no error")
	}
}
