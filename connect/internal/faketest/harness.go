package faketest

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/sqlite"
)

// T0 is the time the fake sources' records start at; a Harness's clock
// stands a day later.
var T0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// Harness wires pulls to a fake server: a client that dials loopback
// only and whose backoff waits are recorded, not slept, and an in-memory
// SQLite store that keeps the checkpoints.
type Harness struct {
	Client *connect.Client
	Store  *sqlite.Store
	Opts   connect.Options
	mu     sync.Mutex
	sleeps []time.Duration
}

// NewHarness returns a harness whose client authenticates with auth.
func NewHarness(t testing.TB, auth connect.Auth) *Harness {
	st, err := sqlite.Open(context.Background(), sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cat, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	h := &Harness{Store: st}
	h.Client = &connect.Client{
		HTTP:    Loopback,
		Auth:    auth,
		Timeout: 2 * time.Second, // generous: a loaded CI machine must not time out a good request
		Sleep: func(_ context.Context, d time.Duration) error {
			h.mu.Lock()
			h.sleeps = append(h.sleeps, d)
			h.mu.Unlock()
			return nil
		},
	}
	h.Opts = connect.Options{
		Sink:        &connect.Sink{Store: st, Knowledge: ingest.Catalog(cat)},
		Checkpoints: st,
		Now:         func() time.Time { return T0.Add(24 * time.Hour) },
	}
	return h
}

// AzureAuth is client credentials auth against s's token endpoint.
func AzureAuth(s *Server, scope string) connect.Auth {
	return connect.NewOAuth2(connect.AzureCredentials("contoso", "app", Secret, s.URL+"/token", scope), Loopback)
}

// Sleeps are the backoff waits so far.
func (h *Harness) Sleeps() []time.Duration {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]time.Duration(nil), h.sleeps...)
}

// Pull pulls feed with the harness's options and fails the test on error.
func (h *Harness) Pull(t testing.TB, feed connect.Feed) connect.Stats {
	t.Helper()
	st, err := connect.Pull(context.Background(), feed, h.Opts)
	if err != nil {
		t.Fatalf("pull: %v", err)
	}
	return st
}

// CheckWaits checks that the client waited at all exactly when retried
// is set, and that some wait lasted at least minWait (a Retry-After).
func (h *Harness) CheckWaits(t testing.TB, retried bool, minWait time.Duration) {
	t.Helper()
	sleeps := h.Sleeps()
	if got := len(sleeps) > 0; got != retried {
		t.Errorf("waits %v, want retries %v", sleeps, retried)
	}
	if minWait <= 0 {
		return
	}
	for _, d := range sleeps {
		if d >= minWait {
			return
		}
	}
	t.Errorf("waits %v, want one of at least %v", sleeps, minWait)
}

// AssertIncidents checks that st holds exactly n incidents whose ids
// start with prefix, each once with alertsPer alerts; check, if not nil,
// looks at each one further.
func AssertIncidents(t testing.TB, st debrief.Store, n, alertsPer int, prefix string, check func(in *debrief.Incident)) {
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
		if seen[in.ID] || !strings.HasPrefix(in.ID, prefix) {
			t.Errorf("incident %s stored twice or not named %s…", in.ID, prefix)
		}
		seen[in.ID] = true
		full, err := st.Incident(ctx, in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(full.Alerts) != alertsPer {
			t.Errorf("incident %s has %d alerts, want %d", in.ID, len(full.Alerts), alertsPer)
		}
		if check != nil {
			check(full)
		}
	}
}

// Killed kills a pull after its first stored page, then after its
// second, and so on up to kills, each time on a harness and feed new from
// fresh (one store transaction per page, so the kill falls between
// pages); it resumes the run and hands both runs' stats to check.
func Killed(t *testing.T, kills int, fresh func(t *testing.T) (*Harness, connect.Feed), check func(t *testing.T, h *Harness, first, second connect.Stats)) {
	t.Helper()
	for kill := 1; kill <= kills; kill++ {
		h, feed := fresh(t)
		ctx, cancel := context.WithCancel(context.Background())
		o := h.Opts
		o.GroupAlerts = 1 // a transaction per page, so the kill falls between pages
		o.Progress = func(s connect.Stats) {
			if s.Pages >= kill {
				cancel()
			}
		}
		first, err := connect.Pull(ctx, feed, o)
		cancel()
		if err == nil {
			t.Fatalf("kill after page %d: run finished", kill)
		}
		second := h.Pull(t, feed)
		if !second.Resumed {
			t.Errorf("kill after page %d: second run did not resume", kill)
		}
		check(t, h, first, second)
	}
}
