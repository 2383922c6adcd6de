package sqlite

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
)

func open(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func testAlert(n int) debrief.Alert {
	id := fmt.Sprintf("alert-%06d", n)
	return debrief.Alert{
		ID: debrief.QualifiedID(debrief.SourceWazuh, id), Source: debrief.SourceWazuh, SourceID: id,
		Title: "Possible brute force", Severity: debrief.SeverityMedium, Status: debrief.StatusNew,
		Techniques: []debrief.Technique{
			{ID: "T1110.001", Name: "Password Guessing", Tactics: []string{"credential-access"}},
			{ID: "T1021.004", Name: "SSH", Tactics: []string{"lateral-movement"}},
		},
		Entities: []debrief.Entity{
			{Kind: debrief.EntityDevice, ID: "web-01", Name: "web-01.corp.example"},
			{Kind: debrief.EntityIP, ID: fmt.Sprintf("192.0.2.%d", n%250), Role: "attacker"},
		},
		Created: time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Second),
		Raw:     []byte(fmt.Sprintf(`{"id":"%s"}`, id)),
	}
}

func writeAlerts(t *testing.T, s *Store, as ...debrief.Alert) debrief.WriteResult {
	t.Helper()
	recs := make([]debrief.Record, len(as))
	for i := range as {
		recs[i] = debrief.Record{Alert: &as[i]}
	}
	res, err := s.Write(t.Context(), recs)
	if err != nil {
		t.Fatalf("write: %v", err)
	}
	return res
}

func query[T any](t *testing.T, s *Store, q string, args ...any) []T {
	t.Helper()
	rows, err := s.db.QueryContext(t.Context(), q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

func TestMigrationsApplyOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	files, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("embedded migrations: %v, %v", files, err)
	}
	var want []string
	for _, f := range files {
		want = append(want, strings.TrimSuffix(filepath.Base(f), ".sql"))
	}
	for round := range 3 {
		s := open(t, path)
		if round == 2 {
			if err := s.migrate(t.Context()); err != nil {
				t.Fatalf("migrate an up-to-date store: %v", err)
			}
		}
		got := query[string](t, s, `SELECT version FROM schema_migrations ORDER BY version`)
		if !slices.Equal(got, want) {
			t.Errorf("round %d: schema_migrations %v, want %v", round, got, want)
		}
		s.Close()
	}
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nested", "dirs", "keep.db")
	s := open(t, path)
	a := testAlert(1)
	writeAlerts(t, s, a)
	if err := s.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	s = open(t, path)
	got, err := s.Alert(t.Context(), a.ID)
	if err != nil {
		t.Fatalf("alert after reopening: %v", err)
	}
	if got.Title != a.Title || len(got.Techniques) != 2 || len(got.Entities) != 2 || string(got.Raw) != string(a.Raw) {
		t.Errorf("alert after reopening = %+v, want %+v", got, a)
	}
	if res := writeAlerts(t, s, a); res.AlertsUnchanged != 1 {
		t.Errorf("rewrite after reopening: %+v, want unchanged", res)
	}
}

func TestOpenSettings(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "p.db"))
	for _, c := range []struct{ pragma, want string }{
		{"journal_mode", "wal"}, {"foreign_keys", "1"}, {"busy_timeout", "10000"}, {"synchronous", "1"},
	} {
		if got := query[string](t, s, "PRAGMA "+c.pragma); len(got) != 1 || got[0] != c.want {
			t.Errorf("PRAGMA %s = %v, want %s", c.pragma, got, c.want)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "plain")
	if err := os.WriteFile(file, []byte(strings.Repeat("not a database\n", 300)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, path, code string }{
		{"question mark", filepath.Join(dir, "a?b.db"), debrief.EINVALID},
		{"empty", "", debrief.EINVALID},
		{"under a file", filepath.Join(file, "x.db"), debrief.EINTERNAL},
		{"not a database", file, debrief.EINTERNAL},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := Open(t.Context(), c.path)
			if err == nil {
				s.Close()
				t.Fatalf("open %q: no error", c.path)
			}
			if got := debrief.ErrorCode(err); got != c.code {
				t.Errorf("open %q: %v: code %q, want %q", c.path, err, got, c.code)
			}
		})
	}
}

func TestViews(t *testing.T) {
	s := open(t, Memory)
	a := testAlert(7)
	writeAlerts(t, s, a)
	extra := debrief.Alert{ID: a.ID, Source: a.Source, SourceID: a.SourceID,
		Entities: []debrief.Entity{{Kind: debrief.EntityUser, ID: "root", Role: "impacted"}}}
	if _, err := s.Write(t.Context(), []debrief.Record{{Alert: &extra, Partial: true}}); err != nil {
		t.Fatalf("write partial: %v", err)
	}
	if got := query[string](t, s, `SELECT technique_id || ' ' || tactics FROM alert_techniques ORDER BY ord`); !slices.Equal(got,
		[]string{`T1110.001 ["credential-access"]`, `T1021.004 ["lateral-movement"]`}) {
		t.Errorf("alert_techniques: %v", got)
	}
	if got := query[string](t, s, `SELECT origin || ' ' || kind || ':' || entity_id FROM alert_entities ORDER BY origin, ord`); !slices.Equal(got,
		[]string{"full device:web-01", "full ip:192.0.2.7", "partial user:root"}) {
		t.Errorf("alert_entities: %v", got)
	}
	if got := query[string](t, s, `SELECT kind || ':' || entity_id || ' ' || coalesce(name, '') || ' ' || alerts FROM entities ORDER BY kind, entity_id`); !slices.Equal(got,
		[]string{"device:web-01 web-01.corp.example 1", "ip:192.0.2.7  1", "user:root  1"}) {
		t.Errorf("entities: %v", got)
	}
}

func TestAlertHistory(t *testing.T) {
	s := open(t, Memory)
	v1 := testAlert(1)
	v1.Updated = v1.Created
	v2 := v1
	v2.Status, v2.Verdict, v2.Updated = debrief.StatusResolved, debrief.VerdictBenignPositive, v1.Created.Add(time.Hour)
	v2.Raw = []byte(`{"v":2}`)
	writeAlerts(t, s, v2)
	writeAlerts(t, s, v1) // older: history only
	got := query[string](t, s, `SELECT field || ' ' || from_value || '→' || to_value || ' ' || origin FROM history
		WHERE kind = 'alert' AND subject_id = ? AND at = ? ORDER BY field`, v1.ID, v2.Updated.UnixNano())
	want := []string{"status new→resolved derived", "verdict →benign_positive derived"}
	if !slices.Equal(got, want) {
		t.Errorf("alert history %v, want %v", got, want)
	}
	v3 := v2
	v3.Status, v3.Updated, v3.Raw = debrief.StatusActive, v2.Updated.Add(time.Hour), []byte(`{"v":3}`)
	writeAlerts(t, s, v3) // newer: v2's raw record moves to raw_records
	if got := query[string](t, s, `SELECT raw FROM raw_records WHERE subject_id = ? ORDER BY id`, v1.ID); !slices.Equal(got,
		[]string{string(v1.Raw), string(v2.Raw)}) {
		t.Errorf("raw records of the versions not current: %q, want v1's and v2's", got)
	}
}

// TestKillMidWrite kills a process that is writing (SIGKILL, no chance to
// clean up) and checks that the store it leaves holds whole batches only.
func TestKillMidWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestCrashChild$")
	cmd.Env = append(os.Environ(), "DEBRIEF_SQLITE_CRASH_DB="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	for n := 0; n < 3 && lines.Scan(); {
		if strings.HasPrefix(lines.Text(), "committed") {
			n++
		}
	}
	time.Sleep(15 * time.Millisecond) // into the next batch
	if err := cmd.Process.Kill(); err != nil {
		t.Fatalf("kill: %v", err)
	}
	cmd.Wait()

	s := open(t, path)
	if got := query[string](t, s, `PRAGMA integrity_check`); !slices.Equal(got, []string{"ok"}) {
		t.Fatalf("integrity check after kill: %v", got)
	}
	n := query[int](t, s, `SELECT count(*) FROM alerts`)[0]
	if n < 3*crashBatch || n%crashBatch != 0 {
		t.Errorf("%d alerts after kill: want whole batches of %d, at least 3", n, crashBatch)
	}
	seen := 0
	if err := s.UnassignedAlerts(t.Context(), func(a debrief.Alert) error {
		if len(a.Techniques) != 2 || len(a.Entities) != 2 {
			return fmt.Errorf("alert %s incomplete: %+v", a.ID, a)
		}
		seen++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if seen != n {
		t.Errorf("read %d alerts back, want %d", seen, n)
	}
	t.Logf("%d alerts in whole batches after SIGKILL", n)
}

const crashBatch = 500

// TestCrashChild is the process TestKillMidWrite kills.
func TestCrashChild(t *testing.T) {
	path := os.Getenv("DEBRIEF_SQLITE_CRASH_DB")
	if path == "" {
		t.Skip("run by TestKillMidWrite")
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	for b := 0; b < 400; b++ { // bounded: the parent kills it long before
		recs := make([]debrief.Record, crashBatch)
		for i := range recs {
			a := testAlert(b*crashBatch + i)
			recs[i] = debrief.Record{Alert: &a}
		}
		if _, err := s.Write(context.Background(), recs); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("committed %d\n", b+1)
	}
}

// TestMigrateOwnLabels opens a store made before migration 0013 (the
// incidents' own techniques and tactics): what it holds reads as before,
// re-ingesting it changes nothing, and an incident that names its own
// techniques is then kept and found by them.
func TestMigrateOwnLabels(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	s := open(t, path)
	a := testAlert(1)
	in := debrief.Incident{ID: "wazuh:c1", Source: debrief.SourceWazuh, SourceID: "c1", Title: "Brute force",
		Times: debrief.Times{Created: a.Created}, Alerts: []debrief.Alert{a}}
	if _, err := s.Write(t.Context(), []debrief.Record{{Incident: &in}}); err != nil {
		t.Fatal(err)
	}
	before, err := s.Incident(t.Context(), in.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Back to the schema before 0013.
	for _, q := range []string{`DROP TRIGGER agg_incident_own_update`, `DROP TRIGGER skill_incident_own_update`,
		`ALTER TABLE incidents DROP COLUMN own_techniques`, `ALTER TABLE incidents DROP COLUMN own_tactics`,
		`DELETE FROM schema_migrations WHERE version = '0013_incident_own_labels'`} {
		if _, err := s.db.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s.Close()

	s = open(t, path)
	after, err := s.Incident(t.Context(), in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after, before) {
		t.Errorf("after the migration:\n%+v\nwant\n%+v", after, before)
	}
	if res, err := s.Write(t.Context(), []debrief.Record{{Incident: &in}}); err != nil || res.IncidentsUnchanged != 1 {
		t.Errorf("re-ingest after the migration: %+v, %v; want the incident unchanged", res, err)
	}
	own := debrief.Incident{ID: "sentinel:s1", Source: debrief.SourceSentinel, SourceID: "s1", Title: "No alerts exported",
		Times: debrief.Times{Created: a.Created}, OwnTechniques: []debrief.TechniqueID{"T1078"}, OwnTactics: []string{"initial-access"}}
	if _, err := s.Write(t.Context(), []debrief.Record{{Incident: &own}}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []debrief.IncidentFilter{{Tactic: "initial-access"}, {Technique: "T1078"}} {
		ins, err := s.Incidents(t.Context(), f)
		if err != nil || len(ins) != 1 || ins[0].ID != own.ID || !slices.Equal(ins[0].Techniques, own.OwnTechniques) {
			t.Errorf("incidents %+v = %+v, %v; want %s with its own techniques", f, ins, err, own.ID)
		}
	}
}
