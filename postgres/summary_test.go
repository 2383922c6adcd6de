package postgres_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/postgres"
)

// TestListSummary checks the alert summary that triggers keep on each
// incident (migration 0009) against the one Incident computes from the
// alerts in Go, in order, through the ways an incident's alerts change:
// alerts before and after their incident, a newer alert version with other
// techniques, an alert dropped by a newer incident version, Assign; and
// the tags kept on the row (migration 0010) as the newer version changes
// them.
func TestListSummary(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, freshSchema(t), postgres.DefaultTenant)
	defer s.Close()
	t0 := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	tech := func(id string, tactics ...string) debrief.Technique {
		return debrief.Technique{ID: debrief.TechniqueID(id), Tactics: tactics}
	}
	alert := func(id string, created time.Time, updated time.Duration, tactics []string, techs ...debrief.Technique) *debrief.Alert {
		return &debrief.Alert{ID: "sentinel:" + id, Source: debrief.SourceSentinel, SourceID: id, Title: id,
			Created: created, Updated: t0.Add(updated), Tactics: tactics, Techniques: techs}
	}
	version := func(updated time.Duration, alerts ...string) *debrief.Incident {
		tags := []string{"bec", "vip", "bec", "t" + updated.String()} // a repeat, and tags that change
		return &debrief.Incident{ID: "sentinel:i1", Source: debrief.SourceSentinel, SourceID: "i1", Title: "Intrusion",
			AlertIDs: alerts, Tags: tags, Times: debrief.Times{Created: t0, Updated: t0.Add(updated)}}
	}
	write := func(recs ...debrief.Record) {
		t.Helper()
		if _, err := s.Write(ctx, recs); err != nil {
			t.Fatal(err)
		}
	}
	check := func(step string) {
		t.Helper()
		list, err := s.Incidents(ctx, debrief.IncidentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range list {
			full, err := s.Incident(ctx, in.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(in.Techniques, full.Techniques) || !slices.Equal(in.Tactics, full.Tactics) ||
				!slices.Equal(in.AlertIDs, full.AlertIDs) || !slices.Equal(in.Tags, full.Tags) {
				t.Errorf("%s: %s listed with alerts %v techniques %v tactics %v tags %v; stored %v %v %v %v", step, in.ID,
					in.AlertIDs, in.Techniques, in.Tactics, in.Tags, full.AlertIDs, full.Techniques, full.Tactics, full.Tags)
			}
		}
	}
	a := alert("a", t0.Add(time.Hour), 0, []string{"credential-access"}, tech("T1110.003", "credential-access"), tech("T1078", "persistence", "initial-access"))
	b := alert("b", t0.Add(-time.Hour), 0, nil, tech("T1566.002", "initial-access"))
	c := alert("c", t0.Add(30*time.Minute), 0, []string{"execution"}, tech("T1059.001", "execution"), tech("T1027", "defense-evasion"))
	write(debrief.Record{Alert: a}, debrief.Record{Alert: b})
	write(debrief.Record{Incident: version(time.Hour, a.ID, b.ID)})
	check("incident after its alerts")
	write(debrief.Record{Alert: c})
	write(debrief.Record{Incident: version(2*time.Hour, a.ID, b.ID, c.ID)})
	check("a third alert")
	a2 := alert("a", t0.Add(time.Hour), time.Hour, []string{"lateral-movement"}, tech("T1021.001", "lateral-movement"))
	write(debrief.Record{Alert: a2})
	check("a newer version of an alert")
	write(debrief.Record{Incident: version(3*time.Hour, b.ID, c.ID)})
	check("an alert dropped")
	if err := s.Assign(ctx, "sentinel:i1", []string{a.ID}); err != nil {
		t.Fatal(err)
	}
	check("assigned")
	// Alerts that name an incident not stored yet.
	d := alert("d", t0, 0, []string{"impact"}, tech("T1486", "impact"))
	d.IncidentID = "sentinel:i2"
	write(debrief.Record{Alert: d})
	write(debrief.Record{Incident: &debrief.Incident{ID: "sentinel:i2", Source: debrief.SourceSentinel, SourceID: "i2",
		Title: "Ransomware", Times: debrief.Times{Created: t0.Add(time.Hour)}}})
	check("incident after alerts that name it")
	list, err := s.Incidents(ctx, debrief.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || len(list[0].Techniques) == 0 || len(list[1].Tactics) == 0 {
		t.Errorf("listed %+v: want two incidents with techniques and tactics", list)
	}
}
