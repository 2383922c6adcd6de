package postgres_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/postgres"
	"github.com/debrief-dev/debrief/sqlite"
)

// importFixtures are records that fill every table: an incident in three
// versions (the oldest last), with a tag, comments and reported history;
// its alert, then evidence for it in a partial record; and an unassigned
// alert with a raw record; an incident that names techniques and tactics
// of its own.
func importFixtures() [][]debrief.Record {
	t0 := time.Date(2026, 2, 3, 9, 0, 0, 0, time.UTC)
	a := debrief.Alert{ID: "defender:da1", Source: debrief.SourceDefender, SourceID: "da1", IncidentID: "defender:7",
		Title: "Suspicious inbox rule", Severity: debrief.SeverityMedium, Status: debrief.StatusNew, Created: t0,
		Techniques: []debrief.Technique{{ID: "T1114.003", Name: "Email Forwarding Rule", Tactics: []string{"collection"}}},
		Entities:   []debrief.Entity{{Kind: debrief.EntityUser, ID: "ann@contoso.com", Role: "impacted"}},
		Raw:        []byte(`{"AlertId":"da1"}`)}
	evidence := debrief.Alert{ID: a.ID, Source: a.Source, SourceID: a.SourceID,
		Entities: []debrief.Entity{{Kind: debrief.EntityIP, ID: "203.0.113.9", Attributes: map[string]string{"country": "NL"}}}}
	lone := debrief.Alert{ID: "defender:da2", Source: debrief.SourceDefender, SourceID: "da2", Title: "Impossible travel",
		Severity: debrief.SeverityLow, Created: t0.Add(time.Hour), Raw: []byte(`{"AlertId":"da2"}`)}
	version := func(n int, st debrief.Status, assignee string) *debrief.Incident {
		return &debrief.Incident{ID: "defender:7", Source: debrief.SourceDefender, SourceID: "7", Title: "BEC attempt",
			Severity: debrief.SeverityHigh, Status: st, Assignee: assignee, Tags: []string{"bec"},
			AlertIDs: []string{a.ID}, Raw: []byte(`{"incidentId":7,"v":` + string(rune('0'+n)) + `}`),
			Times:    debrief.Times{Created: t0, Updated: t0.Add(time.Duration(n) * time.Hour)},
			Comments: []debrief.Comment{{At: t0.Add(time.Duration(n) * time.Hour), Author: assignee, Text: "looked"}},
			History:  []debrief.Change{{At: t0.Add(time.Duration(n) * time.Minute), By: "soc", Field: "status", From: "new", To: string(st)}}}
	}
	own := &debrief.Incident{ID: "sentinel:s1", Source: debrief.SourceSentinel, SourceID: "s1", Title: "Alerts not exported",
		Times: debrief.Times{Created: t0, Updated: t0}, OwnTechniques: []debrief.TechniqueID{"T1078"},
		OwnTactics: []string{"initial-access", "persistence"}}
	return [][]debrief.Record{
		{{Incident: version(2, debrief.StatusActive, "bob")}, {Alert: &a}, {Alert: &lone}, {Incident: own}},
		{{Incident: version(3, debrief.StatusResolved, "cy")}},
		{{Incident: version(1, debrief.StatusNew, "")}, {Alert: &evidence, Partial: true}},
	}
}

func TestImportSQLite(t *testing.T) {
	dsn := freshSchema(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "debrief.db")
	from, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer from.Close()
	for _, batch := range importFixtures() {
		if _, err := from.Write(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	fillCapabilities(t, from)
	to := openStore(t, dsn, "acme")
	defer to.Close()
	src, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	copied, err := to.ImportSQLite(ctx, src)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	target, err := to.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, table := range postgres.ImportTables() {
		var n int64
		if err := src.QueryRowContext(ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 || copied[table] != n || target[table] != n {
			t.Errorf("%s: %d rows in sqlite, %d copied, %d in postgres; want equal and more than 0", table, n, copied[table], target[table])
		}
	}
	for _, id := range []string{"defender:7", "sentinel:s1"} {
		want, _ := from.Incident(ctx, id)
		got, err := to.Incident(ctx, id)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("incident %s after import (error %v):\n got %+v\nwant %+v", id, err, got, want)
		}
	}
	for _, f := range []debrief.IncidentFilter{{}, {Tactic: "persistence"}} {
		want, _ := from.Incidents(ctx, f)
		got, err := to.Incidents(ctx, f)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("incidents %+v after import (error %v):\n got %+v\nwant %+v", f, err, got, want)
		}
	}
	for _, id := range []string{"defender:da1", "defender:da2"} {
		want, _ := from.Alert(ctx, id)
		got, err := to.Alert(ctx, id)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("alert %s after import (error %v):\n got %+v\nwant %+v", id, err, got, want)
		}
	}
	checkCapabilities(t, from, to)
	// Hashes and versions came along: every record is now known.
	for _, batch := range importFixtures() {
		res, err := to.Write(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		if res.IncidentsNew+res.IncidentsUpdated+res.AlertsNew+res.AlertsUpdated != 0 {
			t.Errorf("writing the records again after import: %+v, want all unchanged", res)
		}
	}
	if _, err := to.ImportSQLite(ctx, src); debrief.ErrorCode(err) != debrief.EINVALID {
		t.Errorf("import into a tenant with data: error %v, want EINVALID", err)
	}
}

// fillCapabilities gives the SQLite store a playbook run with two steps
// (one without a plan), a checkpoint and two tokens (one revoked).
func fillCapabilities(t *testing.T, s *sqlite.Store) {
	t.Helper()
	ctx := context.Background()
	t0 := time.Date(2026, 2, 3, 10, 0, 0, 1, time.UTC)
	steps := []debrief.PlaybookStep{
		{RunID: "run-1", Key: "isolate#device:ws1", Kind: "webhook", Status: debrief.RunSucceeded, IdempotencyKey: "k1",
			Attempts: 2, Plan: []byte(`{"url":"https://soar.example"}`), Result: "202", ApprovedBy: "amy", ApprovedAt: t0, Updated: t0},
		{RunID: "run-1", Key: "approve", Kind: "approval", Status: debrief.RunWaiting, IdempotencyKey: "k0", Updated: t0},
	}
	errs := []error{
		s.SaveRun(ctx, debrief.PlaybookRun{ID: "run-1", Playbook: "p", Digest: "d", IncidentID: "defender:7", Live: true,
			Status: debrief.RunWaiting, Created: t0, Updated: t0}),
		s.SaveStep(ctx, steps[0]),
		s.SaveStep(ctx, steps[1]),
		s.SetCheckpoint(ctx, "graph/incidents", "delta-token"),
		s.CreateToken(ctx, debrief.Token{ID: "t1", Name: "ci", Role: debrief.RoleAnalyst, Hash: []byte{1, 2}, Created: t0}),
		s.CreateToken(ctx, debrief.Token{ID: "t2", Name: "old", Role: debrief.RoleAdmin, Hash: []byte{3}, Created: t0,
			Revoked: t0.Add(time.Hour)}),
	}
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// checkCapabilities compares what fillCapabilities stored with what the
// import brought.
func checkCapabilities(t *testing.T, from *sqlite.Store, to *postgres.Store) {
	t.Helper()
	ctx := context.Background()
	wantRun, _ := from.Run(ctx, "run-1")
	if got, err := to.Run(ctx, "run-1"); err != nil || !reflect.DeepEqual(got, wantRun) {
		t.Errorf("run after import (error %v):\n got %+v\nwant %+v", err, got, wantRun)
	}
	if ok, err := to.SucceededKey(ctx, "k1"); err != nil || !ok {
		t.Errorf("succeeded key after import: %v, %v", ok, err)
	}
	if v, ok, err := to.Checkpoint(ctx, "graph/incidents"); err != nil || !ok || v != "delta-token" {
		t.Errorf("checkpoint after import: %q, %v, %v", v, ok, err)
	}
	wantTokens, _ := from.Tokens(ctx)
	if got, err := to.Tokens(ctx); err != nil || !reflect.DeepEqual(got, wantTokens) {
		t.Errorf("tokens after import (error %v):\n got %+v\nwant %+v", err, got, wantTokens)
	}
}
