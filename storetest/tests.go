package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
)

// listed is the part of an incident that Incidents must fill.
func listed(in debrief.Incident) debrief.Incident {
	in.Alerts, in.Comments, in.History, in.Raw = nil, nil, nil, nil
	in.Tactics = slices.Sorted(slices.Values(in.Tactics))
	return in
}

func testRoundTrip(t *testing.T, open func() debrief.Store) {
	s := open()
	phish, ident := phishing(), identity()
	res := write(t, s, incRec(phish), incRec(ident))
	wantResult(t, "first write", res, debrief.WriteResult{IncidentsNew: 2, AlertsNew: 4})
	for _, in := range []debrief.Incident{phish, ident} {
		same(t, "incident "+in.ID, incident(t, s, in.ID), expect(in, in.Alerts...))
		for _, a := range in.Alerts {
			same(t, "alert "+a.ID, alert(t, s, a.ID), a)
		}
	}
	list, err := s.Incidents(t.Context(), debrief.IncidentFilter{})
	if err != nil {
		t.Fatalf("incidents: %v", err)
	}
	if len(list) != 2 {
		t.Fatalf("incidents: got %d, want 2", len(list))
	}
	same(t, "listed "+ident.ID, listed(list[0]), listed(expect(ident, ident.Alerts...)))
	same(t, "listed "+phish.ID, listed(list[1]), listed(expect(phish, phish.Alerts...)))
	if got := unassigned(t, s); len(got) != 0 {
		t.Errorf("unassigned alerts %v, want none: all belong to incidents", got)
	}
}

func testTimes(t *testing.T, open func() debrief.Store) {
	s := open()
	cest := time.FixedZone("CEST", 2*60*60)
	local := time.Date(2025, 6, 30, 23, 59, 59, 987654321, cest)
	in := identity()
	in.Times = debrief.Times{Created: local, Updated: local.Add(time.Nanosecond)}
	in.Comments = []debrief.Comment{{At: local.Add(-time.Nanosecond), Text: "a nanosecond before"}}
	a := in.Alerts[0]
	a.Created, a.FirstActivity, a.Resolved = local, local.Add(-time.Hour), time.Time{}
	in.Alerts = []debrief.Alert{a}
	write(t, s, incRec(in))
	got := alert(t, s, a.ID)
	gin := incident(t, s, in.ID)
	for _, c := range []struct {
		name      string
		got, want time.Time
	}{
		{"alert created", got.Created, a.Created},
		{"alert first activity", got.FirstActivity, a.FirstActivity},
		{"alert resolved (unknown)", got.Resolved, time.Time{}},
		{"alert updated (unknown)", got.Updated, time.Time{}},
		{"incident created", gin.Times.Created, in.Times.Created},
		{"incident updated", gin.Times.Updated, in.Times.Updated},
		{"incident contained (unknown)", gin.Times.Contained, time.Time{}},
		{"comment", gin.Comments[0].At, in.Comments[0].At},
	} {
		if !c.got.Equal(c.want) || c.got.IsZero() != c.want.IsZero() {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
		if !c.got.IsZero() && c.got.Location() != time.UTC {
			t.Errorf("%s = %v, want it in UTC", c.name, c.got)
		}
	}
}

func testIdempotent(t *testing.T, open func() debrief.Store) {
	s := open()
	l1, l2 := loneAlert(1, at(10*time.Minute)), loneAlert(2, at(11*time.Minute))
	evidence := debrief.Alert{ID: l1.ID, Source: l1.Source, SourceID: l1.SourceID, Entities: []debrief.Entity{
		{Kind: debrief.EntityFile, ID: "0f343b0931126a20f133d67c2b018a3b5e4f6a1c2d3e4f5a6b7c8d9e0f1a2b3c", Name: "procdump64.exe"}}}
	batch := []debrief.Record{incRec(phishing()), incRec(identity()), alertRec(l1), alertRec(l2), partialRec(evidence)}
	wantResult(t, "first write", write(t, s, batch...),
		debrief.WriteResult{IncidentsNew: 2, AlertsNew: 6, AlertsUpdated: 1})
	before := snapshot(t, s, batch)
	wantResult(t, "same batch again", write(t, s, batch...),
		debrief.WriteResult{IncidentsUnchanged: 2, AlertsUnchanged: 7})
	for i, r := range batch {
		res := write(t, s, r)
		if res.IncidentsNew+res.IncidentsUpdated+res.AlertsNew+res.AlertsUpdated != 0 {
			t.Errorf("record %d alone again: %+v, want everything unchanged", i+1, res)
		}
	}
	same(t, "store after rewrites", snapshot(t, s, batch), before)
}

// snapshot reads back everything the records name.
func snapshot(t *testing.T, s debrief.Store, recs []debrief.Record) []any {
	t.Helper()
	var out []any
	for _, r := range recs {
		if r.Incident != nil {
			out = append(out, incident(t, s, r.Incident.ID))
		}
		for _, a := range r.Alerts() {
			out = append(out, alert(t, s, a.ID))
		}
	}
	list, err := s.Incidents(t.Context(), debrief.IncidentFilter{})
	if err != nil {
		t.Fatalf("incidents: %v", err)
	}
	return append(out, list, unassigned(t, s))
}

func testNewerVersion(t *testing.T, open func() debrief.Store) {
	s := open()
	vs := sentinelVersions()
	wantResult(t, "v1", write(t, s, incRec(vs[0])), debrief.WriteResult{IncidentsNew: 1})
	same(t, "after v1", incident(t, s, vs[0].ID), expect(vs[0]))
	wantResult(t, "v2", write(t, s, incRec(vs[1])), debrief.WriteResult{IncidentsUpdated: 1})
	wantResult(t, "v3", write(t, s, incRec(vs[2])), debrief.WriteResult{IncidentsUpdated: 1})
	want := vs[2]
	want.History = sentinelHistory()
	same(t, "after v3", incident(t, s, want.ID), expect(want))
}

func testSourceHistory(t *testing.T, open func() debrief.Store) {
	s := open()
	vs := sentinelVersions()
	by := "raj.patel@contoso.com"
	// The source reports when the status changed; the versions show it too.
	reported := debrief.Change{At: at(3*time.Hour + 15*time.Minute), By: by, Field: "status", From: "new", To: "active"}
	v2, v3 := vs[1], vs[2]
	v2.History = []debrief.Change{reported}
	v3.History = []debrief.Change{reported}
	for _, v := range []debrief.Incident{v3, vs[0], v2, v3} {
		write(t, s, incRec(v))
	}
	want := v3
	want.History = nil
	for _, c := range sentinelHistory() {
		if c.Field == "status" && c.To == "active" {
			c = reported // once, as the source reported it
		}
		want.History = append(want.History, c)
	}
	same(t, "history with a reported change", incident(t, s, want.ID), expect(want))
}

func testOlderVersion(t *testing.T, open func() debrief.Store) {
	s := open()
	vs := sentinelVersions()
	write(t, s, incRec(vs[2]))
	wantResult(t, "v1 after v3", write(t, s, incRec(vs[0])), debrief.WriteResult{IncidentsUpdated: 1})
	// v1 → v3 in one step, dated by v3; the state stays v3's.
	by, t3 := "raj.patel@contoso.com", at(5*time.Hour)
	want := vs[2]
	want.History = []debrief.Change{
		{At: t3, By: by, Field: "assignee", From: "", To: by},
		{At: t3, By: by, Field: "determination", From: "", To: "SuspiciousActivity"},
		{At: t3, By: by, Field: "severity", From: "medium", To: "high"},
		{At: t3, By: by, Field: "status", From: "new", To: "resolved"},
		{At: t3, By: by, Field: "verdict", From: "", To: "true_positive"},
	}
	same(t, "after v3, v1", incident(t, s, want.ID), expect(want))
	wantResult(t, "v2 last", write(t, s, incRec(vs[1])), debrief.WriteResult{IncidentsUpdated: 1})
	want.History = sentinelHistory()
	same(t, "after v3, v1, v2", incident(t, s, want.ID), expect(want))
	wantResult(t, "v1 again", write(t, s, incRec(vs[0])), debrief.WriteResult{IncidentsUnchanged: 1})
}

func testVersionsInAnyOrder(t *testing.T, open func() debrief.Store) {
	vs := sentinelVersions()
	want := vs[2]
	want.History = sentinelHistory()
	for _, order := range [][3]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}} {
		name := fmt.Sprintf("v%d v%d v%d", order[0]+1, order[1]+1, order[2]+1)
		s := open()
		for _, i := range order {
			write(t, s, incRec(vs[i]))
		}
		same(t, name+", one write each", incident(t, s, want.ID), expect(want))
		s = open()
		write(t, s, incRec(vs[order[0]]), incRec(vs[order[1]]), incRec(vs[order[2]]))
		same(t, name+", one write", incident(t, s, want.ID), expect(want))
	}
}

func testAlertVersions(t *testing.T, open func() debrief.Store) {
	s := open()
	v1 := loneAlert(1, at(time.Hour))
	v1.Updated = at(time.Hour)
	v2 := v1
	v2.Status, v2.Verdict, v2.Determination = debrief.StatusResolved, debrief.VerdictFalsePositive, "NotMalicious"
	v2.Updated, v2.Resolved = at(2*time.Hour), at(2*time.Hour)
	v2.Raw = []byte(`{"status":"closed"}`)
	wantResult(t, "v2", write(t, s, alertRec(v2)), debrief.WriteResult{AlertsNew: 1})
	wantResult(t, "v1 after v2", write(t, s, alertRec(v1)), debrief.WriteResult{AlertsUpdated: 1})
	same(t, "after v2, v1", alert(t, s, v1.ID), v2)
	wantResult(t, "both again", write(t, s, alertRec(v1), alertRec(v2)), debrief.WriteResult{AlertsUnchanged: 2})
	v3 := v2
	v3.Status, v3.Updated = debrief.StatusActive, at(3*time.Hour) // reopened
	v3.Raw = []byte(`{"status":"reopened"}`)
	wantResult(t, "v3", write(t, s, alertRec(v3)), debrief.WriteResult{AlertsUpdated: 1})
	same(t, "after v3", alert(t, s, v1.ID), v3)

	for _, order := range [][]debrief.Alert{{v1, v3, v2}, {v3, v2, v1}} {
		s := open()
		res := write(t, s, alertRec(order[0]), alertRec(order[1]), alertRec(order[2]))
		wantResult(t, "three versions in one write", res, debrief.WriteResult{AlertsNew: 1, AlertsUpdated: 2})
		same(t, "three versions in one write", alert(t, s, v1.ID), v3)
	}
}

// testAlertTies: of two versions of an alert from the same time, one that
// names no techniques does not replace one that does, whichever comes
// first; otherwise the later written wins.
func testAlertTies(t *testing.T, open func() debrief.Store) {
	with := loneAlert(1, at(time.Hour))
	without := with
	without.Techniques, without.Raw = nil, []byte(`{"AttackTechniques":""}`)
	for _, updated := range []time.Time{{}, at(2 * time.Hour)} {
		with.Updated, without.Updated = updated, updated
		for _, order := range [][]debrief.Alert{{with, without}, {without, with}} {
			name := fmt.Sprintf("updated %v, techniques %d then %d", updated, len(order[0].Techniques), len(order[1].Techniques))
			s := open()
			write(t, s, alertRec(order[0]))
			wantResult(t, name, write(t, s, alertRec(order[1])), debrief.WriteResult{AlertsUpdated: 1})
			same(t, name, alert(t, s, with.ID).Techniques, with.Techniques)
			s = open()
			write(t, s, alertRec(order[0]), alertRec(order[1]))
			same(t, name+", one write", alert(t, s, with.ID).Techniques, with.Techniques)
		}
	}
	s := open()
	renamed := with
	renamed.Title, renamed.Raw = "LSASS memory read", []byte(`{"title":"LSASS memory read"}`)
	write(t, s, alertRec(with))
	write(t, s, alertRec(renamed))
	same(t, "a tie where both name techniques: the later", alert(t, s, with.ID).Title, renamed.Title)
}

func simpleIncident(n int, created time.Time) debrief.Incident {
	id := fmt.Sprintf("%d", 925000+n)
	return debrief.Incident{ID: debrief.QualifiedID(debrief.SourceDefender, id), Source: debrief.SourceDefender,
		SourceID: id, Title: "Suspicious sign-in activity " + id, Severity: debrief.SeverityLow,
		Status: debrief.StatusNew, Times: debrief.Times{Created: created}}
}

func testAlertMoves(t *testing.T, open func() debrief.Store) {
	s := open()
	in1, in2 := simpleIncident(1, at(time.Hour)), simpleIncident(2, at(2*time.Hour))
	a := loneAlert(7, at(time.Hour))
	a.IncidentID, a.Updated = in1.ID, at(time.Hour)
	write(t, s, incRec(in1), incRec(in2), alertRec(a))
	moved := a
	moved.IncidentID, moved.Updated = in2.ID, at(3*time.Hour)
	write(t, s, alertRec(moved))
	same(t, in1.ID+" after the move", incident(t, s, in1.ID), expect(in1))
	same(t, in2.ID+" after the move", incident(t, s, in2.ID), expect(in2, moved))
	if got := alert(t, s, a.ID).IncidentID; got != in2.ID {
		t.Errorf("moved alert's incident = %q, want %q", got, in2.ID)
	}
}

// evidence is a partial record of a: what one AlertEvidence row adds.
func evidence(a debrief.Alert, es ...debrief.Entity) debrief.Alert {
	return debrief.Alert{ID: a.ID, Source: a.Source, SourceID: a.SourceID, Entities: es}
}

var dumpFile = debrief.Entity{Kind: debrief.EntityFile, ID: "0f343b0931126a20f133d67c2b018a3b5e4f6a1c2d3e4f5a6b7c8d9e0f1a2b3c",
	Name: "lsass.dmp", Role: "related", Attributes: map[string]string{"path": `C:\Windows\Temp\lsass.dmp`}}

var dumpUser = debrief.Entity{Kind: debrief.EntityUser, ID: "CORP\\svc-backup", Name: "svc-backup", Role: "impacted"}

func testPartialAfterFull(t *testing.T, open func() debrief.Store) {
	s := open()
	a := loneAlert(1, at(time.Hour))
	write(t, s, alertRec(a))
	p := evidence(a, dumpFile, a.Entities[0]) // one new entity, one the alert has
	p.Title, p.Description = "Evidence row title", "Filled in by the evidence row"
	wantResult(t, "partial", write(t, s, partialRec(p)), debrief.WriteResult{AlertsUpdated: 1})
	want := a
	want.Entities = append(slices.Clone(a.Entities), dumpFile)
	want.Description = p.Description // empty fields fill; the full record's title stays
	same(t, "after partial", alert(t, s, a.ID), want)
	wantResult(t, "partial again", write(t, s, partialRec(p)), debrief.WriteResult{AlertsUnchanged: 1})
	wantResult(t, "full again", write(t, s, alertRec(a)), debrief.WriteResult{AlertsUnchanged: 1})
	same(t, "after full again", alert(t, s, a.ID), want)
	newer := a
	newer.Status, newer.Updated = debrief.StatusResolved, at(4*time.Hour)
	newer.Raw = []byte(`{"status":"resolved"}`)
	wantResult(t, "newer full", write(t, s, alertRec(newer)), debrief.WriteResult{AlertsUpdated: 1})
	want = newer
	want.Entities = append(slices.Clone(newer.Entities), dumpFile)
	same(t, "after newer full", alert(t, s, a.ID), want)
}

func testPartialBeforeFull(t *testing.T, open func() debrief.Store) {
	s := open()
	a := loneAlert(1, at(time.Hour))
	res := write(t, s, partialRec(evidence(a, dumpFile)))
	wantResult(t, "first partial", res, debrief.WriteResult{AlertsNew: 1})
	wantResult(t, "second partial", write(t, s, partialRec(evidence(a, dumpUser, dumpFile))),
		debrief.WriteResult{AlertsUpdated: 1})
	got := alert(t, s, a.ID)
	if keys := entityKeys(got.Entities); !slices.Equal(keys, []string{dumpFile.Key(), dumpUser.Key()}) {
		t.Errorf("entities from partial records = %v, want %v", keys, []string{dumpFile.Key(), dumpUser.Key()})
	}
	if ids := unassigned(t, s); len(ids) != 0 {
		t.Errorf("unassigned %v: an alert only partial records made is not ready for correlation", ids)
	}
	wantResult(t, "full", write(t, s, alertRec(a)), debrief.WriteResult{AlertsUpdated: 1})
	want := a
	want.Entities = append(slices.Clone(a.Entities), dumpFile, dumpUser)
	same(t, "after full", alert(t, s, a.ID), want)
	if ids := unassigned(t, s); !slices.Equal(ids, []string{a.ID}) {
		t.Errorf("unassigned %v, want %v", ids, []string{a.ID})
	}
	wantResult(t, "full again", write(t, s, alertRec(a)), debrief.WriteResult{AlertsUnchanged: 1})
}

func entityKeys(es []debrief.Entity) []string {
	var keys []string
	for _, e := range es {
		keys = append(keys, e.Key())
	}
	return keys
}

func testAlertsBeforeIncident(t *testing.T, open func() debrief.Store) {
	s := open()
	in := phishing()
	alerts := in.Alerts
	in.Alerts = nil
	// The alerts name their incident; the incident comes later and lists
	// none of them.
	write(t, s, alertRec(alerts[1]), alertRec(alerts[0]))
	if _, err := s.Incident(t.Context(), in.ID); debrief.ErrorCode(err) != debrief.ENOTFOUND {
		t.Fatalf("incident before it arrived: error %v, want not found", err)
	}
	if ids := unassigned(t, s); len(ids) != 0 {
		t.Errorf("unassigned %v: the alerts name their incident", ids)
	}
	write(t, s, incRec(in))
	same(t, "incident after its alerts", incident(t, s, in.ID), expect(in, alerts...))

	// Sentinel: the alerts do not name the incident; it lists them.
	s = open()
	vs := sentinelVersions()
	sa := loneAlert(3, at(3*time.Hour))
	sa.ID, sa.Source, sa.SourceID = vs[0].AlertIDs[0], debrief.SourceSentinel, strings.TrimPrefix(vs[0].AlertIDs[0], "sentinel:")
	write(t, s, alertRec(sa))
	if ids := unassigned(t, s); !slices.Equal(ids, []string{sa.ID}) {
		t.Errorf("unassigned %v before the incident, want %v", ids, []string{sa.ID})
	}
	write(t, s, incRec(vs[0]))
	same(t, "sentinel incident after its alert", incident(t, s, vs[0].ID), expect(vs[0], sa))
	if ids := unassigned(t, s); len(ids) != 0 {
		t.Errorf("unassigned %v after the incident listed them, want none", ids)
	}
}

func testIncidentBeforeAlerts(t *testing.T, open func() debrief.Store) {
	s := open()
	vs := sentinelVersions()
	write(t, s, incRec(vs[0]))
	same(t, "incident before its alert", incident(t, s, vs[0].ID), expect(vs[0]))
	sa := loneAlert(3, at(3*time.Hour))
	sa.ID, sa.Source, sa.SourceID = vs[0].AlertIDs[0], debrief.SourceSentinel, strings.TrimPrefix(vs[0].AlertIDs[0], "sentinel:")
	write(t, s, alertRec(sa))
	same(t, "incident after its alert", incident(t, s, vs[0].ID), expect(vs[0], sa))
	if got := alert(t, s, sa.ID).IncidentID; got != vs[0].ID {
		t.Errorf("alert's incident = %q, want %q (from the incident's list)", got, vs[0].ID)
	}
	if ids := unassigned(t, s); len(ids) != 0 {
		t.Errorf("unassigned %v, want none", ids)
	}
}

func testNotFound(t *testing.T, open func() debrief.Store) {
	s := open()
	in := identity()
	write(t, s, incRec(in))
	_, err := s.Incident(t.Context(), "defender:1")
	wantCode(t, "Incident", err, debrief.ENOTFOUND)
	_, err = s.Alert(t.Context(), "defender:da1")
	wantCode(t, "Alert", err, debrief.ENOTFOUND)
	_, err = s.Alert(t.Context(), in.ID) // an incident id is no alert id
	wantCode(t, "Alert with an incident id", err, debrief.ENOTFOUND)
	wantCode(t, "Assign to a missing incident", s.Assign(t.Context(), "defender:1", []string{in.Alerts[0].ID}), debrief.ENOTFOUND)
	wantCode(t, "Assign a missing alert", s.Assign(t.Context(), in.ID, []string{"defender:da1"}), debrief.ENOTFOUND)
}

func testUnassigned(t *testing.T, open func() debrief.Store) {
	s := open()
	inc := simpleIncident(1, at(0))
	l1, l2, l3 := loneAlert(1, at(3*time.Minute)), loneAlert(2, at(time.Minute)), loneAlert(3, at(2*time.Minute))
	write(t, s, incRec(phishing()), incRec(inc), alertRec(l1), alertRec(l2), alertRec(l3))
	if ids := unassigned(t, s); !slices.Equal(ids, []string{l2.ID, l3.ID, l1.ID}) {
		t.Errorf("unassigned %v, want oldest first %v", ids, []string{l2.ID, l3.ID, l1.ID})
	}
	if err := s.Assign(t.Context(), inc.ID, []string{l2.ID, l1.ID}); err != nil {
		t.Fatalf("assign: %v", err)
	}
	if err := s.Assign(t.Context(), inc.ID, []string{l2.ID}); err != nil {
		t.Fatalf("assign again: %v", err)
	}
	if ids := unassigned(t, s); !slices.Equal(ids, []string{l3.ID}) {
		t.Errorf("unassigned after assign %v, want %v", ids, []string{l3.ID})
	}
	same(t, "incident after assign", incident(t, s, inc.ID), expect(inc, l1, l2))
	if got := alert(t, s, l1.ID).IncidentID; got != inc.ID {
		t.Errorf("assigned alert's incident = %q, want %q", got, inc.ID)
	}
	err := s.UnassignedAlerts(t.Context(), func(debrief.Alert) error { return errStop })
	if !errors.Is(err, errStop) {
		t.Errorf("UnassignedAlerts returned %v, want the callback's error", err)
	}
	testUnassignedPages(t, s, inc.ID)
}

// testUnassignedPages checks order across many alerts, and that the
// callback can write to the store.
func testUnassignedPages(t *testing.T, s debrief.Store, incID string) {
	const n = 1234
	r := rand.New(rand.NewPCG(1, 2))
	var recs []debrief.Record
	for i, m := range r.Perm(n) {
		recs = append(recs, alertRec(loneAlert(100+i, at(time.Duration(m)*time.Second+time.Hour))))
	}
	write(t, s, recs...)
	var last debrief.Alert
	seen := map[string]bool{}
	err := s.UnassignedAlerts(t.Context(), func(a debrief.Alert) error {
		if seen[a.ID] {
			return fmt.Errorf("alert %s twice", a.ID)
		}
		seen[a.ID] = true
		if a.Created.Before(last.Created) {
			return fmt.Errorf("alert %s (%v) after %s (%v): want oldest first", a.ID, a.Created, last.ID, last.Created)
		}
		last = a
		return s.Assign(t.Context(), incID, []string{a.ID})
	})
	if err != nil {
		t.Fatalf("unassigned alerts, assigning each: %v", err)
	}
	if len(seen) != n+1 {
		t.Errorf("unassigned alerts: saw %d, want %d", len(seen), n+1)
	}
	if ids := unassigned(t, s); len(ids) != 0 {
		t.Errorf("%d unassigned alerts left after assigning all", len(ids))
	}
}

func testInvalidWrite(t *testing.T, open func() debrief.Store) {
	s := open()
	write(t, s, incRec(phishing()))
	bad := loneAlert(1, time.Time{}) // no created time
	good := loneAlert(2, at(time.Hour))
	ident := identity()
	for _, batch := range [][]debrief.Record{
		{incRec(ident), alertRec(good), alertRec(bad)},
		{alertRec(bad), incRec(ident), alertRec(good)},
	} {
		_, err := s.Write(t.Context(), batch)
		wantCode(t, "write with an invalid record", err, debrief.EINVALID)
		assertAbsent(t, s, ident.ID, good.ID, ident.Alerts[0].ID)
	}
}

func assertAbsent(t *testing.T, s debrief.Store, incidentID string, alertIDs ...string) {
	t.Helper()
	if _, err := s.Incident(t.Context(), incidentID); debrief.ErrorCode(err) != debrief.ENOTFOUND {
		t.Errorf("incident %s of a failed write: error %v, want not found", incidentID, err)
	}
	for _, id := range alertIDs {
		if _, err := s.Alert(t.Context(), id); debrief.ErrorCode(err) != debrief.ENOTFOUND {
			t.Errorf("alert %s of a failed write: error %v, want not found", id, err)
		}
	}
}

func testCancelledWrite(t *testing.T, open func() debrief.Store) {
	s := open()
	phish := phishing()
	write(t, s, incRec(phish))
	ident := identity()
	const n = 3000
	batch := []debrief.Record{incRec(ident)}
	for i := range n {
		batch = append(batch, alertRec(loneAlert(100+i, at(time.Duration(i)*time.Second))))
	}
	first, last := batch[1].Alert.ID, batch[n].Alert.ID

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := s.Write(ctx, batch)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("write with a cancelled context: error %v, want context.Canceled", err)
	}
	assertAbsent(t, s, ident.ID, first, last)

	_, err = s.Write(newCountdown(t.Context(), n/2), batch)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("write cancelled half-way: error %v, want context.Canceled", err)
	}
	assertAbsent(t, s, ident.ID, first, last)
	if ids := unassigned(t, s); len(ids) != 0 {
		t.Errorf("%d unassigned alerts after a cancelled write, want none", len(ids))
	}
	same(t, "incident written before", incident(t, s, phish.ID), expect(phish, phish.Alerts...))
	wantResult(t, "the batch again", write(t, s, batch...), debrief.WriteResult{IncidentsNew: 1, AlertsNew: n + 2})
}
