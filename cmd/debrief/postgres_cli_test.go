package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPostgresEverywhere runs the commands a team uses on a PostgreSQL
// store (--db postgres://…, a fresh --tenant): ingest with its summary,
// the list, one incident, its review, the history analyses, a live
// playbook run waiting for approval, its approval, and the tenant's own
// audit log.
func TestPostgresEverywhere(t *testing.T) {
	dsn := testPostgres(t)
	home, dir := t.TempDir(), t.TempDir()
	inc, pb := filepath.Join(dir, "incidents.json"), filepath.Join(dir, "contain.yaml")
	writeFiles(t, map[string]string{inc: playbookIncident, pb: playbookFile, filepath.Join(home, "playbooks.yaml"): "live: true\n"})
	tenant := fmt.Sprintf("everywhere-%d", time.Now().UnixNano())
	pg := func(args ...string) []string { return append([]string{"--db", dsn, "--tenant", tenant}, args...) }
	tests := []cliCase{
		{"ingest", pg("ingest", inc, "--json"), 0, `"incidents": 1`},
		{"ingest again", pg("ingest", inc, "--json"), 0, `"unchanged"`},
		{"incidents", pg("incidents", "--severity", "high", "--technique", "T1486"), 0, "defender:924565"},
		{"incident", pg("incident", "show", "924565"), 0, "Files encrypted"},
		{"review", pg("review", "defender:924565", "--format", "json"), 0, `"T1486"`},
		{"review navigator", pg("review", "defender:924565", "--format", "navigator"), 0, `"techniqueID": "T1486"`},
		{"trends", pg("trends", "--since", "2026-01-01", "--until", "2026-04-01", "--window", "2w", "--json"), 0, "{"},
		{"skills", pg("skills", "--since", "2026-01-01", "--json"), 0, "{"},
		{"campaigns", pg("campaigns", "--json"), 0, "["},
		{"token", pg("token", "create", "--role", "viewer", "--name", "pg"), 0, "dbf_"},
		{"live run waits", pg("playbook", "run", pb, "--incident", "defender:924565", "--live"), 0, "waiting"},
	}
	for _, tc := range tests {
		out, errOut, code := cli(t, home, "", tc.args...)
		if code != tc.code || !strings.Contains(out, tc.want) {
			t.Fatalf("%s: exit %d, want %d and %q\nstdout: %s\nstderr: %s", tc.name, code, tc.code, tc.want, out, errOut)
		}
	}
	out, errOut, code := cli(t, home, "", pg("playbook", "runs", "--incident", "defender:924565")...)
	if code != 0 || !strings.Contains(out, "waiting") {
		t.Fatalf("runs: exit %d\n%s%s", code, out, errOut)
	}
	run := strings.Fields(out)[0]
	if out, errOut, code := cli(t, home, "", pg("playbook", "approve", run, "isolate#device:ws-07", "--json")...); code != 0 {
		t.Fatalf("approve %s: exit %d\n%s%s", run, code, out, errOut)
	}
	// The tenant's approvals are in its own audit log, not the default one.
	own, err := os.ReadFile(filepath.Join(home, "playbook-audit."+tenant+".jsonl"))
	if err != nil || !strings.Contains(string(own), `"event":"approve"`) || !strings.Contains(string(own), run) {
		t.Errorf("tenant audit log: %v\n%s", err, own)
	}
	if _, err := os.Stat(filepath.Join(home, "playbook-audit.jsonl")); err == nil {
		t.Errorf("the default tenant's audit log was written for tenant %s", tenant)
	}
	if out, errOut, code := cli(t, home, "", pg("playbook", "audit", "verify")...); code != 0 || !strings.Contains(out, tenant) {
		t.Errorf("audit verify: exit %d, want the tenant's log checked\n%s%s", code, out, errOut)
	}
}
