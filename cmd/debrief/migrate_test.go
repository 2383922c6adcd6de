package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testPostgres returns the server of DEBRIEF_TEST_POSTGRES as a URL, or
// skips the test.
func testPostgres(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("DEBRIEF_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("DEBRIEF_TEST_POSTGRES is unset: set it to a postgres:// URL to test --db postgres and migrate; .ci/run starts a throwaway server")
	}
	if !isPostgres(dsn) {
		t.Skipf("DEBRIEF_TEST_POSTGRES is not a postgres:// URL, which --db needs")
	}
	return dsn
}

func TestMigrate(t *testing.T) {
	dsn := testPostgres(t)
	home := t.TempDir()
	var lines []string
	for i := range 3 {
		lines = append(lines, fmt.Sprintf(`{"AlertId":"da%d","Timestamp":"2026-01-02T03:04:0%dZ","Title":"t%d","Category":"Execution","Severity":"High","ServiceSource":"Microsoft Defender for Endpoint","DetectionSource":"EDR","AttackTechniques":"[\"PowerShell (T1059.001)\"]"}`, i, i, i))
	}
	in := filepath.Join(t.TempDir(), "alerts.ndjson")
	if err := os.WriteFile(in, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := cli(t, home, "", "ingest", in); code != 0 {
		t.Fatalf("ingest: exit %d\n%s%s", code, out, errOut)
	}
	from := "sqlite:" + filepath.Join(home, "debrief.db")
	tenant := fmt.Sprintf("migrate-test-%d", time.Now().UnixNano())
	out, errOut, code := cli(t, home, "", "migrate", "--from", from, "--to", dsn, "--tenant", tenant, "--json")
	if code != 0 {
		t.Fatalf("migrate: exit %d\n%s%s", code, out, errOut)
	}
	var res migrateResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("migrate --json: %v\n%s", err, out)
	}
	counts := map[string]int64{}
	for _, tb := range res.Tables {
		counts[tb.Table] = tb.Target
		if tb.Source != tb.Copied || tb.Source != tb.Target {
			t.Errorf("table %s: %+v", tb.Table, tb)
		}
	}
	if counts["alerts"] != 3 || res.AlertsVerified != 3 {
		t.Errorf("alerts: %d rows, %d verified, want 3 and 3\n%s", counts["alerts"], res.AlertsVerified, out)
	}
	// The tenant now holds data: a second move must refuse.
	if _, errOut, code := cli(t, home, "", "migrate", "--from", from, "--to", dsn, "--tenant", tenant); code == 0 ||
		!strings.Contains(errOut, "already holds") {
		t.Errorf("second migrate: exit %d, stderr %q; want an error about the tenant holding data", code, errOut)
	}
}

// TestMigrateTenantEnv checks that migrate moves the store into the tenant
// DEBRIEF_TENANT names, as other commands take it, not into "default".
func TestMigrateTenantEnv(t *testing.T) {
	dsn := testPostgres(t)
	home := t.TempDir()
	listFixture(t, home)
	tenant := fmt.Sprintf("migrate-env-%d", time.Now().UnixNano())
	t.Setenv("DEBRIEF_TENANT", tenant)
	from := "sqlite:" + filepath.Join(home, "debrief.db")
	if out, errOut, code := cli(t, home, "", "migrate", "--from", from, "--to", dsn, "-q"); code != 0 {
		t.Fatalf("migrate: exit %d\n%s%s", code, out, errOut)
	}
	t.Setenv("DEBRIEF_TENANT", "")
	out, errOut, code := cli(t, home, "", "--db", dsn, "--tenant", tenant, "incidents", "--json")
	if code != 0 || !strings.Contains(out, "defender:1001") {
		t.Errorf("tenant %s after migrate with DEBRIEF_TENANT: exit %d\n%s%s", tenant, code, out, errOut)
	}
}

func TestMigrateUsage(t *testing.T) {
	home := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no sqlite prefix", []string{"migrate", "--from", "x.db", "--to", "postgres://localhost/x"}, "want sqlite:PATH"},
		{"not postgres", []string{"migrate", "--from", "sqlite:x.db", "--to", "y.db"}, "postgres://"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := cli(t, home, "", tc.args...)
			if code != 2 || !strings.Contains(errOut, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, tc.want)
			}
		})
	}
}

func TestDBPostgres(t *testing.T) {
	dsn := testPostgres(t)
	out, errOut, code := cli(t, t.TempDir(), "", "--db", dsn, "incidents", "--json")
	if code != 0 || !strings.HasPrefix(strings.TrimSpace(out), "[") {
		t.Errorf("incidents --db postgres: exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
}
