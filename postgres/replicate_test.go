package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/postgres"
)

// TestReplicate copies a tenant's incidents with everything on them and
// checks that a copy reads back as the original, ids marked and times
// moved, and that another tenant is untouched.
func TestReplicate(t *testing.T) {
	ctx := context.Background()
	dsn := freshSchema(t)
	s := openStore(t, dsn, "acme")
	defer s.Close()
	other := openStore(t, dsn, "globex")
	defer other.Close()
	for _, batch := range importFixtures() {
		if _, err := s.Write(ctx, batch); err != nil {
			t.Fatal(err)
		}
		if _, err := other.Write(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	const shift = 24 * time.Hour
	n, err := s.Replicate(ctx, 3, shift)
	if err != nil {
		t.Fatal(err)
	}
	if n != 8 {
		t.Errorf("Replicate: %d incidents, want 8 (2 originals, 6 copies)", n)
	}
	orig, err := s.Incident(ctx, "defender:7")
	if err != nil {
		t.Fatal(err)
	}
	cp, err := s.Incident(ctx, postgres.ReplicaID("defender:7", 2))
	if err != nil {
		t.Fatal(err)
	}
	if want := orig.Times.Created.Add(-2 * shift); !cp.Times.Created.Equal(want) {
		t.Errorf("copy 2 created %s, want %s", cp.Times.Created, want)
	}
	if cp.Title != orig.Title || cp.SourceID != postgres.ReplicaID("7", 2) || len(cp.Tags) != len(orig.Tags) ||
		len(cp.Comments) != len(orig.Comments) || len(cp.History) != len(orig.History) {
		t.Errorf("copy differs: %+v\noriginal: %+v", cp, orig)
	}
	if len(cp.Alerts) != 1 || cp.Alerts[0].ID != postgres.ReplicaID("defender:da1", 2) ||
		len(cp.Alerts[0].Entities) != len(orig.Alerts[0].Entities) || len(cp.Techniques) != 1 {
		t.Errorf("copy's alerts %+v, want a copy of %+v", cp.Alerts, orig.Alerts)
	}
	own, err := s.Incidents(ctx, debrief.IncidentFilter{Tactic: "persistence"})
	if err != nil || len(own) != 4 || len(own[0].Techniques) != 1 || len(own[0].OwnTactics) != 2 {
		t.Errorf("incidents by their own tactic: %+v (%v), want the original and its 3 copies with their own labels", own, err)
	}
	lone, err := s.Alert(ctx, postgres.ReplicaID("defender:da2", 3))
	if err != nil {
		t.Fatal(err)
	}
	if string(lone.Raw) != `{"AlertId":"da2"}` {
		t.Errorf("copied alert's raw record %q", lone.Raw)
	}
	// Re-ingesting the originals still finds them unchanged.
	for _, batch := range importFixtures() {
		res, err := s.Write(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		if res.IncidentsNew+res.AlertsNew != 0 {
			t.Errorf("re-ingest after Replicate: %+v, want nothing new", res)
		}
	}
	if ins, err := other.Incidents(ctx, debrief.IncidentFilter{}); err != nil || len(ins) != 2 {
		t.Errorf("other tenant: %d incidents (%v), want 2", len(ins), err)
	}
	if _, err := s.Replicate(ctx, 0, shift); debrief.ErrorCode(err) != debrief.EINVALID {
		t.Errorf("Replicate(0): %v, want EINVALID", err)
	}
}
