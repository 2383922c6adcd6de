package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/server"
)

// stuckStore is a store whose incident list waits until its request
// gives up.
type stuckStore struct{ debrief.Store }

func (stuckStore) Incidents(ctx context.Context, _ debrief.IncidentFilter) ([]debrief.Incident, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestRequestTimeout: a request that outlives Config.Timeout is answered
// 503 "took too long", and the access log records it; the next request
// is served as usual.
func TestRequestTimeout(t *testing.T) {
	e := newEnv(t, func(c *server.Config) {
		c.Tokens = c.Store.(debrief.TokenStore)
		c.Store = stuckStore{c.Store}
		c.Timeout = 100 * time.Millisecond
	})
	resp, b := e.do(t, "GET", "/api/v1/incidents", debrief.RoleViewer, nil)
	if resp.StatusCode != http.StatusServiceUnavailable || errorOf(t, b) != "unavailable" || !strings.Contains(string(b), "took too long") {
		t.Fatalf("stuck list: %d %s, want 503 took too long", resp.StatusCode, b)
	}
	if logs := e.log.String(); !strings.Contains(logs, "path=/api/v1/incidents status=503") ||
		!strings.Contains(logs, "deadline exceeded") {
		t.Errorf("access log lacks the timed-out request:\n%s", logs)
	}
	if resp, b := e.do(t, "GET", "/healthz", "", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("healthz after a timeout: %d %s", resp.StatusCode, b)
	}
}
