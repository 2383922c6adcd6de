package server_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/server"
)

// TestTokenCache: with a token cache, a token revoked behind the server's
// back keeps working until its entry expires, and one revoked through the
// server stops at once.
func TestTokenCache(t *testing.T) {
	var clock atomic.Int64
	clock.Store(now.UnixNano())
	e := newEnv(t, func(c *server.Config) {
		c.TokenCache = time.Minute
		c.Now = func() time.Time { return time.Unix(0, clock.Load()).UTC() }
	})
	ctx := context.Background()
	ids := map[string]string{}
	toks, err := e.st.Tokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tk := range toks {
		ids[string(tk.Role)] = tk.ID
	}
	status := func(role debrief.Role) int {
		t.Helper()
		resp, _ := e.do(t, "GET", "/api/v1/incidents", role, nil)
		return resp.StatusCode
	}
	if got := status(debrief.RoleViewer); got != 200 {
		t.Fatalf("viewer: %d", got)
	}
	if err := e.st.RevokeToken(ctx, ids["viewer"], now); err != nil {
		t.Fatal(err)
	}
	if got := status(debrief.RoleViewer); got != 200 {
		t.Errorf("revoked in the store, within the cache time: %d, want 200 (cached)", got)
	}
	clock.Add(int64(time.Minute + time.Second))
	if got := status(debrief.RoleViewer); got != 401 {
		t.Errorf("revoked in the store, after the cache time: %d, want 401", got)
	}
	if got := status(debrief.RoleAnalyst); got != 200 {
		t.Fatalf("analyst: %d", got)
	}
	if resp, b := e.do(t, "DELETE", "/api/v1/tokens/"+ids["analyst"], debrief.RoleAdmin, nil); resp.StatusCode != 204 {
		t.Fatalf("revoke through the API: %d %s", resp.StatusCode, b)
	}
	if got := status(debrief.RoleAnalyst); got != 401 {
		t.Errorf("revoked through the server: %d, want 401 at once", got)
	}
}
