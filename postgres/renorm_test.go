package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/postgres"
	"github.com/jackc/pgx/v5"
)

// TestWriteGroupedRenormalised: loose alerts written again through
// WriteGrouped with their raw records unchanged but decoded anew (more
// tactics) are renormalised in place: no version, no raw copy, no
// history; again they are unchanged, and a different raw record is a
// newer version as before.
func TestWriteGroupedRenormalised(t *testing.T) {
	ctx := context.Background()
	dsn := freshSchema(t)
	s := openStore(t, dsn, postgres.DefaultTenant)
	defer s.Close()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	batch := func(decodedAnew bool) []debrief.Record {
		var recs []debrief.Record
		for i := range 6 {
			id := fmt.Sprintf("r%03d", i)
			a := &debrief.Alert{ID: "elastic:" + id, Source: debrief.SourceElastic, SourceID: id, Title: "Encoded PowerShell",
				Severity: debrief.SeverityMedium, Status: debrief.StatusNew, Created: t0.Add(time.Duration(i) * time.Minute),
				Entities: []debrief.Entity{{Kind: debrief.EntityDevice, ID: "ws-1", Name: "ws-1"}},
				Raw:      []byte(`{"_id":"` + id + `"}`)}
			if decodedAnew {
				a.Tactics = []string{"execution"}
			}
			recs = append(recs, debrief.Record{Alert: a})
		}
		return recs
	}
	var calls int
	write := func(what string, recs []debrief.Record, want debrief.WriteResult) {
		t.Helper()
		got, err := s.WriteGrouped(ctx, recs, groupFunc(&calls))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got != want {
			t.Errorf("%s: %+v, want %+v", what, got, want)
		}
	}
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	count := func(what, table string, want int) {
		t.Helper()
		var n int
		if err := c.QueryRow(ctx, `SELECT count(*) FROM `+table+` WHERE kind = 'alert'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Errorf("%s: %d alert rows in %s, want %d", what, n, table, want)
		}
	}
	write("first", batch(false), debrief.WriteResult{AlertsNew: 6})
	write("decoded anew", batch(true), debrief.WriteResult{AlertsRenormalised: 6})
	for _, table := range []string{"versions", "raw_records", "history"} {
		count("decoded anew", table, 0)
	}
	if a, err := s.Alert(ctx, "elastic:r000"); err != nil || len(a.Tactics) != 1 {
		t.Errorf("renormalised alert: %v, tactics %v", err, a.Tactics)
	}
	write("again", batch(true), debrief.WriteResult{AlertsUnchanged: 6})
	newer := batch(true)
	newer[0].Alert.Status, newer[0].Alert.Raw = debrief.StatusResolved, []byte(`{"_id":"r000","status":"closed"}`)
	write("a newer version", newer[:1], debrief.WriteResult{AlertsUpdated: 1})
	count("a newer version", "versions", 2)
	count("a newer version", "raw_records", 1)
}
