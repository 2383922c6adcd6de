package faketest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/connect/defender"
	"github.com/debrief-dev/debrief/connect/internal/faketest"
)

// TestLoopbackOnly: a harness pointed at the real API (and its real
// token endpoint) fails at once, without leaving the machine.
func TestLoopbackOnly(t *testing.T) {
	auth := connect.NewOAuth2(connect.AzureCredentials("contoso", "app", faketest.Secret, "", defender.Scope), faketest.Loopback)
	h := faketest.NewHarness(t, auth)
	h.Client.Retries = -1
	feed := defender.Incidents(defender.Options{Client: h.Client})
	_, err := connect.Pull(context.Background(), feed, h.Opts)
	if err == nil || !strings.Contains(err.Error(), "tests stay on loopback") {
		t.Fatalf("pull from the public API: err = %v, want the dial refused", err)
	}
	srv := faketest.NewServer(t)
	if resp, err := faketest.Loopback.Get(srv.URL + "/nothing"); err != nil {
		t.Errorf("loopback refused: %v", err)
	} else {
		resp.Body.Close()
	}
}
