package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/sqlite"
)

// TestMigrateCapabilities moves playbook runs, checkpoints and tokens, and
// verifies the runs and tokens.
func TestMigrateCapabilities(t *testing.T) {
	dsn := testPostgres(t)
	home := t.TempDir()
	path := filepath.Join(home, "debrief.db")
	st, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC)
	for _, err := range []error{
		st.SaveRun(t.Context(), debrief.PlaybookRun{ID: "run-1", Playbook: "p", Digest: "d", IncidentID: "defender:1",
			Status: debrief.RunPlanned, Created: at, Updated: at}),
		st.SaveStep(t.Context(), debrief.PlaybookStep{RunID: "run-1", Key: "a", Kind: "comment", Status: debrief.RunPlanned,
			IdempotencyKey: "k", Plan: []byte(`{"text":"hi"}`), Updated: at}),
		st.SetCheckpoint(t.Context(), "graph/incidents", "v"),
		st.CreateToken(t.Context(), debrief.Token{ID: "t1", Name: "ci", Role: debrief.RoleViewer, Hash: []byte{7}, Created: at}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	tenant := fmt.Sprintf("migrate-caps-%d", time.Now().UnixNano())
	out, errOut, code := cli(t, home, "", "migrate", "--from", "sqlite:"+path, "--to", dsn, "--tenant", tenant, "--json")
	if code != 0 {
		t.Fatalf("migrate: exit %d\n%s%s", code, out, errOut)
	}
	var res migrateResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("migrate --json: %v\n%s", err, out)
	}
	want := map[string]int64{"playbook_runs": 1, "playbook_steps": 1, "checkpoints": 1, "tokens": 1}
	for _, tb := range res.Tables {
		if n, ok := want[tb.Table]; ok && (tb.Source != n || tb.Copied != n || tb.Target != n) {
			t.Errorf("table %s: %+v, want %d rows everywhere", tb.Table, tb, n)
		}
		delete(want, tb.Table)
	}
	if len(want) != 0 {
		t.Errorf("tables not migrated: %v", want)
	}
	if res.RunsVerified != 1 || res.TokensVerified != 1 {
		t.Errorf("verified %d runs and %d tokens, want 1 and 1\n%s", res.RunsVerified, res.TokensVerified, out)
	}
}
