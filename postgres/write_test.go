package postgres_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/postgres"
)

// looseBatch is n loose alerts (no incident) from benchAlert(from) on.
func looseBatch(from, n int) []debrief.Record {
	recs := make([]debrief.Record, n)
	for i := range recs {
		a := benchAlert(from + i)
		a.IncidentID = ""
		recs[i] = debrief.Record{Alert: &a}
	}
	return recs
}

// TestLooseAlertWriters: batches of new loose alerts are written side by
// side under the shared lock; those that collide on an alert (half of each
// batch is also the next writer's) and those that find an alert stored are
// written again under the lock alone, so each alert is still new exactly
// once, and a bad record still fails its batch by name.
func TestLooseAlertWriters(t *testing.T) {
	ctx := context.Background()
	dsn := freshSchema(t)
	const writers, perBatch = 4, 300
	type outcome struct {
		res debrief.WriteResult
		err error
	}
	out := make(chan outcome, writers)
	for w := range writers {
		go func() {
			s, err := postgres.Open(ctx, dsn)
			if err != nil {
				out <- outcome{err: err}
				return
			}
			defer s.Close()
			res, err := s.Write(ctx, looseBatch(w*perBatch/2, perBatch))
			out <- outcome{res, err}
		}()
	}
	var sum debrief.WriteResult
	for range writers {
		o := <-out
		if o.err != nil {
			t.Fatalf("write: %v", o.err)
		}
		sum.Add(o.res)
	}
	distinct := (writers + 1) * perBatch / 2
	if sum.AlertsNew != distinct || sum.AlertsUnchanged != writers*perBatch-distinct {
		t.Errorf("side by side: %+v, want %d new and the rest unchanged", sum, distinct)
	}

	s := openStore(t, dsn, postgres.DefaultTenant)
	defer s.Close()
	again := looseBatch(0, perBatch)
	again[7].Alert.Title = "Suspicious PowerShell command line (revised)"
	again[7].Alert.Updated = again[7].Alert.Updated.Add(time.Hour) // newer: it replaces the stored one
	again[7].Alert.Raw = []byte(`{"title":"Suspicious PowerShell command line (revised)"}`)
	res, err := s.Write(ctx, append(again, looseBatch(distinct, 2)...))
	if err != nil {
		t.Fatal(err)
	}
	if res.AlertsNew != 2 || res.AlertsUpdated != 1 || res.AlertsUnchanged != perBatch-1 {
		t.Errorf("a batch with stored alerts: %+v, want 2 new, 1 updated, %d unchanged", res, perBatch-1)
	}
	if a, err := s.Alert(ctx, again[7].Alert.ID); err != nil || a.Title != again[7].Alert.Title {
		t.Errorf("updated alert: %v, title %q", err, a.Title)
	}
	n := 0
	if err := s.UnassignedAlerts(ctx, func(debrief.Alert) error { n++; return nil }); err != nil || n != distinct+2 {
		t.Errorf("unassigned alerts: %d (%v), want %d", n, err, distinct+2)
	}

	bad := looseBatch(distinct+10, 5)
	bad[3].Alert.Source = ""
	if _, err := s.Write(ctx, bad); err == nil || !strings.Contains(err.Error(), "record 4") {
		t.Errorf("a bad record among new loose alerts: %v, want an error naming record 4", err)
	}
	if _, err := s.Alert(ctx, bad[0].Alert.ID); debrief.ErrorCode(err) != debrief.ENOTFOUND {
		t.Errorf("the good records of a failed batch: %v, want none stored", err)
	}
}
