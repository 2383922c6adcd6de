package postgres_test

import (
	"context"
	"reflect"
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
// them; the incidents' own techniques and tactics (migration 0015).
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
	// The incidents' own techniques and tactics (migration 0015): an
	// incident without alerts, then newer versions of one with alerts
	// that name some and then others.
	write(debrief.Record{Incident: &debrief.Incident{ID: "sentinel:i3", Source: debrief.SourceSentinel, SourceID: "i3",
		Title: "Alerts not exported", Times: debrief.Times{Created: t0, Updated: t0},
		OwnTechniques: []debrief.TechniqueID{"T1078"}, OwnTactics: []string{"initial-access", "persistence"}}})
	check("an incident that names its own")
	i1 := version(4*time.Hour, b.ID, c.ID)
	i1.OwnTechniques, i1.OwnTactics = []debrief.TechniqueID{"T1110", "T1566"}, []string{"initial-access", "credential-access"}
	write(debrief.Record{Incident: i1})
	check("a newer version that names its own")
	i1 = version(5*time.Hour, b.ID, c.ID)
	i1.OwnTechniques, i1.OwnTactics = []debrief.TechniqueID{"T1098"}, []string{"persistence"}
	write(debrief.Record{Incident: i1})
	check("a newer version that names others")
	list, err = s.Incidents(ctx, debrief.IncidentFilter{Technique: "T1098"})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || !slices.Contains(list[0].Techniques, "T1098") || !slices.Contains(list[0].Tactics, "persistence") {
		t.Errorf("listed by T1098: %+v, want sentinel:i1 with its own technique and tactic", list)
	}
}

// TestMigrateOwnLabels opens a store made before migration 0015 (the
// incidents' own techniques and tactics): what it holds reads and lists
// as before, re-ingesting it changes nothing, and an incident that names
// its own techniques is then kept, summed up and found by them.
func TestMigrateOwnLabels(t *testing.T) {
	ctx := context.Background()
	dsn := freshSchema(t)
	s := openStore(t, dsn, postgres.DefaultTenant)
	t0 := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	a := debrief.Alert{ID: "sentinel:a", Source: debrief.SourceSentinel, SourceID: "a", Title: "Spray", Created: t0,
		Tactics: []string{"credential-access"}, Techniques: []debrief.Technique{{ID: "T1110.003", Tactics: []string{"credential-access"}}}}
	in := debrief.Incident{ID: "sentinel:i1", Source: debrief.SourceSentinel, SourceID: "i1", Title: "Spray",
		Times: debrief.Times{Created: t0, Updated: t0}, Alerts: []debrief.Alert{a}}
	if _, err := s.Write(ctx, []debrief.Record{{Incident: &in}}); err != nil {
		t.Fatal(err)
	}
	before, err := s.Incidents(ctx, debrief.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UndoOwnLabels(ctx); err != nil {
		t.Fatalf("undo migration 0015: %v", err)
	}
	s.Close()

	s = openStore(t, dsn, postgres.DefaultTenant)
	defer s.Close()
	after, err := s.Incidents(ctx, debrief.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after, before) {
		t.Errorf("listed after the migration:\n%+v\nwant\n%+v", after, before)
	}
	if res, err := s.Write(ctx, []debrief.Record{{Incident: &in}}); err != nil || res.IncidentsUnchanged != 1 {
		t.Errorf("re-ingest after the migration: %+v, %v; want the incident unchanged", res, err)
	}
	own := debrief.Incident{ID: "sentinel:i2", Source: debrief.SourceSentinel, SourceID: "i2", Title: "No alerts exported",
		Times: debrief.Times{Created: t0, Updated: t0}, OwnTechniques: []debrief.TechniqueID{"T1078"}, OwnTactics: []string{"initial-access"}}
	if _, err := s.Write(ctx, []debrief.Record{{Incident: &own}}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []debrief.IncidentFilter{{Tactic: "initial-access"}, {Technique: "T1078"}} {
		ins, err := s.Incidents(ctx, f)
		if err != nil || len(ins) != 1 || ins[0].ID != own.ID || !slices.Equal(ins[0].Techniques, own.OwnTechniques) ||
			!slices.Equal(ins[0].Tactics, own.OwnTactics) {
			t.Errorf("incidents %+v = %+v, %v; want %s with its own techniques and tactics", f, ins, err, own.ID)
		}
	}
}
