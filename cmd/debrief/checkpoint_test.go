package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckpointReset pulls, lists the checkpoint, resets it and pulls
// again: the second pull starts afresh (from --since) and stores nothing
// new.
func TestCheckpointReset(t *testing.T) {
	srv, filters := fakeGraphAPI(t)
	home := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secret, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	pull := []string{"pull", "graph", "--entra-tenant", "contoso", "--client-id", "app", "--client-secret-file", secret,
		"--base-url", srv.URL + "/v1.0", "--token-url", srv.URL + "/token", "--since", "2026-01-01"}
	if out, errOut, code := cli(t, home, "", pull...); code != 0 {
		t.Fatalf("pull: exit %d\n%s%s", code, out, errOut)
	}
	out, _, code := cli(t, home, "", "checkpoint", "list")
	if code != 0 || !strings.Contains(out, "graph/incidents") || !strings.Contains(out, "2026-02-01T11:00:00Z") {
		t.Errorf("list: exit %d\n%s", code, out)
	}
	out, _, code = cli(t, home, "", "checkpoint", "list", "--json")
	var list []struct{ Name, Value string }
	if err := json.Unmarshal([]byte(out), &list); code != 0 || err != nil || len(list) != 1 || list[0].Name != "graph/incidents" {
		t.Errorf("list --json: exit %d, %v\n%s", code, err, out)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no names", []string{"checkpoint", "reset"}, exitUsage, "--all"},
		{"names and --all", []string{"checkpoint", "reset", "graph/incidents", "--all"}, exitUsage, "debrief: checkpoint names and --all cannot be combined"},
		{"unknown name", []string{"checkpoint", "reset", "graph/nothing"}, exitError, "debrief: no checkpoint named graph/nothing (see"},
		{"unknown names", []string{"checkpoint", "reset", "graph/nothing", "x"}, exitError, "debrief: no checkpoint named graph/nothing, x (see"},
		{"reset", []string{"checkpoint", "reset", "graph/incidents"}, 0, "reset graph/incidents"},
		{"reset again", []string{"checkpoint", "reset", "graph/incidents"}, exitError, "no checkpoint"},
	}
	for _, tc := range tests {
		out, errOut, code := cli(t, home, "", tc.args...)
		if code != tc.code || !strings.Contains(out+errOut, tc.want) {
			t.Errorf("%s: exit %d, want %d naming %q\n%s%s", tc.name, code, tc.code, tc.want, out, errOut)
		}
	}
	*filters = nil
	out, errOut, code := cli(t, home, "", pull...)
	if code != 0 || !strings.Contains(out, "incidents  new 0  updated 0  unchanged 2") {
		t.Errorf("pull after reset: exit %d\n%s%s", code, out, errOut)
	}
	if len(*filters) == 0 || (*filters)[0] != "lastUpdateDateTime ge 2026-01-01T00:00:00Z" {
		t.Errorf("pull after reset asked %q, want from --since again", *filters)
	}
	if out, _, _ := cli(t, home, "", "checkpoint", "reset", "--all"); out != "reset graph/incidents\n" {
		t.Errorf("reset --all: %q", out)
	}
	// pull --reset does the same before it pulls.
	if out, errOut, code := cli(t, home, "", pull...); code != 0 {
		t.Fatalf("pull: exit %d\n%s%s", code, out, errOut)
	}
	*filters = nil
	if out, errOut, code := cli(t, home, "", append(pull, "--reset")...); code != 0 || !strings.Contains(out, "unchanged 2") {
		t.Errorf("pull --reset: exit %d\n%s%s", code, out, errOut)
	}
	if len(*filters) == 0 || (*filters)[0] != "lastUpdateDateTime ge 2026-01-01T00:00:00Z" {
		t.Errorf("pull --reset asked %q, want from --since again", *filters)
	}
}
