package postgres_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/postgres"
)

// TestUnlinkedAlerts follows an alert in and out of incidents: the
// triggers of migration 0008 must offer it to correlation exactly while
// no incident links it.
func TestUnlinkedAlerts(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, freshSchema(t), postgres.DefaultTenant)
	defer s.Close()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	a := debrief.Alert{ID: "sentinel:a1", Source: debrief.SourceSentinel, SourceID: "a1", Title: "Password spray",
		Severity: debrief.SeverityMedium, Created: t0}
	version := func(updated time.Duration, alerts ...string) *debrief.Incident {
		return &debrief.Incident{ID: "sentinel:i1", Source: debrief.SourceSentinel, SourceID: "i1", Title: "Spray",
			AlertIDs: alerts, Times: debrief.Times{Created: t0, Updated: t0.Add(updated)}}
	}
	unassigned := func(step string, want ...string) {
		t.Helper()
		var got []string
		if err := s.UnassignedAlerts(ctx, func(a debrief.Alert) error { got = append(got, a.ID); return nil }); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: unassigned %v, want %v", step, got, want)
		}
	}
	write := func(recs ...debrief.Record) {
		t.Helper()
		if _, err := s.Write(ctx, recs); err != nil {
			t.Fatal(err)
		}
	}
	write(debrief.Record{Alert: &a})
	unassigned("alert alone", a.ID)
	write(debrief.Record{Incident: version(time.Hour, a.ID)})
	unassigned("an incident lists it")
	write(debrief.Record{Incident: version(2 * time.Hour)})
	unassigned("a newer version no longer lists it", a.ID)
	write(debrief.Record{Incident: version(3*time.Hour, a.ID)})
	unassigned("listed again")
	b := a
	b.ID, b.SourceID, b.Created = "sentinel:a2", "a2", t0.Add(time.Minute)
	write(debrief.Record{Alert: &b})
	unassigned("a second alert", b.ID)
	if err := s.Assign(ctx, "sentinel:i1", []string{b.ID}); err != nil {
		t.Fatal(err)
	}
	unassigned("assigned")
}
