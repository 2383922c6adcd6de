package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestTenantFlag checks that --tenant and DEBRIEF_TENANT choose the
// PostgreSQL tenant every command works in, and that SQLite refuses one.
func TestTenantFlag(t *testing.T) {
	dsn := testPostgres(t)
	home := t.TempDir()
	run := time.Now().UnixNano()
	acme, globex := fmt.Sprintf("cli-acme-%d", run), fmt.Sprintf("cli-globex-%d", run)
	if _, errOut, code := cli(t, home, "", "token", "create", "--db", dsn, "--tenant", acme, "--role", "viewer", "--name", "acme dash", "-q"); code != 0 {
		t.Fatalf("token create --tenant: exit %d %s", code, errOut)
	}
	names := func(args ...string) []string {
		t.Helper()
		out, errOut, code := cli(t, home, "", append([]string{"token", "list", "--json", "--db", dsn}, args...)...)
		if code != 0 {
			t.Fatalf("token list %v: exit %d %s", args, code, errOut)
		}
		var toks []struct{ Name string }
		if err := json.Unmarshal([]byte(out), &toks); err != nil {
			t.Fatal(err)
		}
		var ns []string
		for _, tk := range toks {
			ns = append(ns, tk.Name)
		}
		return ns
	}
	if got := names("--tenant", acme); strings.Join(got, ",") != "acme dash" {
		t.Errorf("tenant %s tokens %v, want [acme dash]", acme, got)
	}
	if got := names("--tenant", globex); len(got) != 0 {
		t.Errorf("tenant %s tokens %v, want none", globex, got)
	}
	t.Setenv("DEBRIEF_TENANT", acme)
	if got := names(); strings.Join(got, ",") != "acme dash" {
		t.Errorf("DEBRIEF_TENANT=%s: tokens %v, want [acme dash]", acme, got)
	}
	if got := names("--tenant", globex); len(got) != 0 {
		t.Errorf("--tenant overrides DEBRIEF_TENANT: tokens %v, want none", got)
	}
	t.Setenv("DEBRIEF_TENANT", "")
	if _, errOut, code := cli(t, home, "", "incidents", "--tenant", acme); code != 2 || !strings.Contains(errOut, "PostgreSQL") {
		t.Errorf("SQLite store with --tenant: exit %d %q, want 2 saying tenants need PostgreSQL", code, errOut)
	}
	if _, errOut, code := cli(t, home, "", "serve", "--all-tenants", "--addr", "127.0.0.1:0"); code != 2 || !strings.Contains(errOut, "--all-tenants") {
		t.Errorf("serve --all-tenants on SQLite: exit %d %q, want 2", code, errOut)
	}
}
