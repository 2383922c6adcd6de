package postgres_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/postgres"
)

// TestUnassignedAlertsOf: among the ids asked for, the stored alerts of no
// incident, oldest first; partial-only, linked and unknown alerts left out,
// and the same answer as UnassignedAlerts narrowed to those ids.
func TestUnassignedAlertsOf(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, freshSchema(t), postgres.DefaultTenant)
	defer s.Close()
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	alert := func(id string, at time.Duration) *debrief.Alert {
		return &debrief.Alert{ID: "sentinel:" + id, Source: debrief.SourceSentinel, SourceID: id, Title: "Password spray",
			Severity: debrief.SeverityMedium, Created: t0.Add(at)}
	}
	recs := []debrief.Record{
		{Alert: alert("late", 2*time.Minute)},
		{Alert: alert("early", 0)},
		{Alert: alert("middle", time.Minute)},
		{Alert: alert("partial", 30*time.Second), Partial: true},
		{Incident: &debrief.Incident{ID: "sentinel:i1", Source: debrief.SourceSentinel, SourceID: "i1", Title: "Spray",
			AlertIDs: []string{"sentinel:linked"}, Times: debrief.Times{Created: t0}}},
		{Alert: alert("linked", 10*time.Second)},
	}
	if _, err := s.Write(ctx, recs); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name      string
		ids, want []string
	}{
		{"none", nil, nil},
		{"all, twice, with unknown", []string{"sentinel:late", "sentinel:early", "sentinel:middle", "sentinel:partial",
			"sentinel:linked", "sentinel:nope", "sentinel:late"}, []string{"sentinel:early", "sentinel:middle", "sentinel:late"}},
		{"some", []string{"sentinel:late", "sentinel:early"}, []string{"sentinel:early", "sentinel:late"}},
		{"only left out", []string{"sentinel:partial", "sentinel:linked", "sentinel:nope"}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got, all []string
			if err := s.UnassignedAlertsOf(ctx, c.ids, func(a debrief.Alert) error {
				if a.Title == "" || a.Created.IsZero() {
					t.Errorf("%s read without its fields: %+v", a.ID, a)
				}
				got = append(got, a.ID)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("UnassignedAlertsOf(%v) = %v, want %v", c.ids, got, c.want)
			}
			if err := s.UnassignedAlerts(ctx, func(a debrief.Alert) error {
				if slices.Contains(c.ids, a.ID) {
					all = append(all, a.ID)
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, all) {
				t.Errorf("UnassignedAlertsOf(%v) = %v, UnassignedAlerts narrowed to them %v", c.ids, got, all)
			}
		})
	}
}
