package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
)

// placeholderOf is a placeholder of in (what ingest.Placeholder would
// build) made from alerts.
func placeholderOf(in debrief.Incident, alerts ...debrief.Alert) debrief.Incident {
	p := debrief.Incident{ID: in.ID, Source: in.Source, SourceID: in.SourceID, Placeholder: true,
		Title: alerts[0].Title, Description: fmt.Sprintf("Built from %d alerts.", len(alerts)),
		Severity: debrief.SeverityLow, Status: debrief.StatusNew,
		Times: debrief.Times{FirstAlert: alerts[0].Created, Created: alerts[0].Created}}
	for _, a := range alerts {
		p.AlertIDs = append(p.AlertIDs, a.ID)
		if a.Severity.Rank() > p.Severity.Rank() {
			p.Severity = a.Severity
		}
	}
	return p
}

// orphans lists OrphanAlerts' alerts by id.
func orphans(t *testing.T, s debrief.Store) []string {
	t.Helper()
	var ids []string
	if err := s.OrphanAlerts(t.Context(), func(a debrief.Alert) error {
		ids = append(ids, a.ID)
		return nil
	}); err != nil {
		t.Fatalf("orphan alerts: %v", err)
	}
	return ids
}

func ids(alerts ...debrief.Alert) []string {
	var out []string
	for _, a := range alerts {
		out = append(out, a.ID)
	}
	return out
}

// testPlaceholder: alerts that name a missing incident are orphans; a
// placeholder of it is listed and shown with them, marked, without
// history; writing it again changes nothing.
func testPlaceholder(t *testing.T, open func() debrief.Store) {
	s := open()
	in := phishing()
	mail, exec := in.Alerts[0], in.Alerts[1]
	lone := loneAlert(1, at(time.Minute))
	part := evidence(loneAlert(2, at(time.Minute)))
	part.IncidentID = "defender:1"
	write(t, s, alertRec(exec), alertRec(mail), alertRec(lone), partialRec(part))
	if got, want := orphans(t, s), ids(mail, exec); !slices.Equal(got, want) {
		t.Errorf("orphan alerts %v, want %v (oldest first; not a lone or a partial-only alert)", got, want)
	}
	p := placeholderOf(in, mail, exec)
	wantResult(t, "placeholder", write(t, s, incRec(p)), debrief.WriteResult{IncidentsNew: 1})
	got := incident(t, s, in.ID)
	if !got.Placeholder {
		t.Errorf("incident %s: Placeholder false, want true", in.ID)
	}
	same(t, "placeholder", got, expect(p, mail, exec))
	list, err := s.Incidents(t.Context(), debrief.IncidentFilter{})
	if err != nil {
		t.Fatalf("incidents: %v", err)
	}
	if len(list) != 1 || !list[0].Placeholder || list[0].ID != in.ID {
		t.Errorf("incidents %+v, want the placeholder alone, marked", list)
	}
	if got := orphans(t, s); len(got) != 0 {
		t.Errorf("orphan alerts %v after the placeholder, want none", got)
	}
	before := snapshot(t, s, []debrief.Record{incRec(p)})
	wantResult(t, "placeholder again", write(t, s, incRec(p)), debrief.WriteResult{IncidentsUnchanged: 1})
	wantResult(t, "its alerts again", write(t, s, alertRec(mail), alertRec(exec)), debrief.WriteResult{AlertsUnchanged: 2})
	if got := orphans(t, s); len(got) != 0 {
		t.Errorf("orphan alerts %v after unchanged alerts, want none", got)
	}
	same(t, "after writing all again", snapshot(t, s, []debrief.Record{incRec(p)}), before)
}

// testPlaceholderMissesAnAlert: a placeholder written without an alert
// that names it (one written after the placeholder's alerts were read) is
// kept, but its alerts stay orphans until it is built again.
func testPlaceholderMissesAnAlert(t *testing.T, open func() debrief.Store) {
	s := open()
	in := phishing()
	mail, exec := in.Alerts[0], in.Alerts[1]
	write(t, s, alertRec(mail), alertRec(exec))
	wantResult(t, "placeholder of one alert", write(t, s, incRec(placeholderOf(in, mail))),
		debrief.WriteResult{IncidentsNew: 1})
	if got, want := orphans(t, s), ids(mail, exec); !slices.Equal(got, want) {
		t.Errorf("orphan alerts %v, want %v: the placeholder lacks one", got, want)
	}
	p := placeholderOf(in, mail, exec)
	wantResult(t, "placeholder of both", write(t, s, incRec(p)), debrief.WriteResult{IncidentsUpdated: 1})
	if got := orphans(t, s); len(got) != 0 {
		t.Errorf("orphan alerts %v, want none", got)
	}
	same(t, "placeholder", incident(t, s, in.ID), expect(p, mail, exec))
}

// testPlaceholderUnderIncident: a placeholder never replaces a stored
// incident.
func testPlaceholderUnderIncident(t *testing.T, open func() debrief.Store) {
	s := open()
	in := phishing()
	write(t, s, incRec(in))
	wantResult(t, "placeholder over an incident", write(t, s, incRec(placeholderOf(in, in.Alerts...))),
		debrief.WriteResult{IncidentsUnchanged: 1})
	same(t, "incident", incident(t, s, in.ID), expect(in, in.Alerts...))
	if got := orphans(t, s); len(got) != 0 {
		t.Errorf("orphan alerts %v, want none: their incident is stored", got)
	}
}

// testIncidentReplacesPlaceholder: the incident's own record replaces its
// placeholder whole, counts as new, and derives no history from it.
func testIncidentReplacesPlaceholder(t *testing.T, open func() debrief.Store) {
	s := open()
	in := phishing()
	alerts := in.Alerts
	in.Alerts = nil
	write(t, s, alertRec(alerts[0]), alertRec(alerts[1]))
	p := placeholderOf(in, alerts...)
	p.Verdict, p.Determination, p.Tags = debrief.VerdictFalsePositive, "Other", []string{"x"}
	write(t, s, incRec(p))
	wantResult(t, "the incident", write(t, s, incRec(in)), debrief.WriteResult{IncidentsNew: 1})
	got := incident(t, s, in.ID)
	if got.Placeholder {
		t.Errorf("incident %s still marked a placeholder", in.ID)
	}
	same(t, "incident over its placeholder", got, expect(in, alerts...))
	if got := orphans(t, s); len(got) != 0 {
		t.Errorf("orphan alerts %v, want none", got)
	}
	wantResult(t, "the placeholder after", write(t, s, incRec(p)), debrief.WriteResult{IncidentsUnchanged: 1})
	same(t, "incident after its placeholder again", incident(t, s, in.ID), expect(in, alerts...))
	// Its next version derives history from the first, as ever.
	next := in
	next.Status, next.Times.Updated = debrief.StatusResolved, in.Times.Updated.Add(time.Hour)
	next.Raw = []byte(`{"status":"Resolved"}`)
	wantResult(t, "its next version", write(t, s, incRec(next)), debrief.WriteResult{IncidentsUpdated: 1})
	want := next
	want.History = append(slices.Clone(in.History), debrief.Change{At: next.Times.Updated, By: in.Assignee,
		Field: "status", From: "active", To: "resolved"})
	same(t, "after its next version", incident(t, s, in.ID), expect(want, alerts...))
}

// testPlaceholderGrows: an alert that arrives for, or changes in, a
// placeholder makes its alerts orphans again, and the placeholder built
// from them replaces the old one in place.
func testPlaceholderGrows(t *testing.T, open func() debrief.Store) {
	s := open()
	in := phishing()
	mail, exec := in.Alerts[0], in.Alerts[1]
	write(t, s, alertRec(mail))
	write(t, s, incRec(placeholderOf(in, mail)))
	write(t, s, alertRec(exec))
	if got, want := orphans(t, s), ids(mail, exec); !slices.Equal(got, want) {
		t.Errorf("orphan alerts %v after a new alert, want all of the placeholder's %v", got, want)
	}
	p := placeholderOf(in, mail, exec)
	wantResult(t, "placeholder of both", write(t, s, incRec(p)), debrief.WriteResult{IncidentsUpdated: 1})
	same(t, "grown placeholder", incident(t, s, in.ID), expect(p, mail, exec))
	if got := orphans(t, s); len(got) != 0 {
		t.Errorf("orphan alerts %v, want none", got)
	}
	changed := exec
	changed.Status, changed.Updated = debrief.StatusResolved, exec.Updated.Add(time.Hour)
	write(t, s, alertRec(changed))
	if got, want := orphans(t, s), ids(mail, exec); !slices.Equal(got, want) {
		t.Errorf("orphan alerts %v after an alert changed, want %v", got, want)
	}
	list, err := s.Incidents(t.Context(), debrief.IncidentFilter{})
	if err != nil {
		t.Fatalf("incidents: %v", err)
	}
	if len(list) != 1 {
		t.Errorf("incidents: %d, want the one placeholder", len(list))
	}
}

// testOrphanPages checks OrphanAlerts' order over many alerts and
// incidents, and that its callback can write placeholders.
func testOrphanPages(t *testing.T, s func() debrief.Store) {
	st := s()
	const n = 1234
	r := rand.New(rand.NewPCG(1, 3))
	var recs []debrief.Record
	for i, m := range r.Perm(n) {
		a := loneAlert(100+i, at(time.Duration(m)*time.Second))
		a.IncidentID = fmt.Sprintf("ocsf:inc-%03d", m%97)
		recs = append(recs, alertRec(a))
	}
	write(t, st, recs...)
	var group []debrief.Alert
	done := map[string]bool{}
	place := func() error {
		id := group[0].IncidentID
		if done[id] {
			return fmt.Errorf("incident %s's alerts not together", id)
		}
		done[id] = true
		_, sid, _ := debrief.SplitID(id)
		in := placeholderOf(debrief.Incident{ID: id, Source: debrief.SourceOCSF, SourceID: sid}, group...)
		_, err := st.Write(t.Context(), []debrief.Record{incRec(in)})
		group = group[:0]
		return err
	}
	seen := 0
	err := st.OrphanAlerts(t.Context(), func(a debrief.Alert) error {
		seen++
		if len(group) > 0 && group[0].IncidentID != a.IncidentID {
			if err := place(); err != nil {
				return err
			}
		}
		if len(group) > 0 && a.Created.Before(group[len(group)-1].Created) {
			return fmt.Errorf("alert %s before %s: want oldest first", a.ID, group[len(group)-1].ID)
		}
		group = append(group, a)
		return nil
	})
	if err == nil {
		err = place()
	}
	if err != nil {
		t.Fatalf("orphan alerts, placing each incident: %v", err)
	}
	if seen != n || len(done) != 97 {
		t.Errorf("orphan alerts: saw %d alerts of %d incidents, want %d of 97", seen, len(done), n)
	}
	if got := orphans(t, st); len(got) != 0 {
		t.Errorf("%d orphan alerts left after placing all", len(got))
	}
}
