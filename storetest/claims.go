package storetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
)

// correlated is an incident as correlation makes it of alerts.
func correlated(id string, alerts ...debrief.Alert) debrief.Incident {
	in := debrief.Incident{ID: debrief.QualifiedID(debrief.SourceCorrelate, id), Source: debrief.SourceCorrelate,
		SourceID: id, Title: alerts[0].Title, Severity: alerts[0].Severity, Status: debrief.StatusResolved,
		Times: debrief.Times{Created: alerts[0].Created, Updated: alerts[0].Created}}
	for _, a := range alerts {
		in.AlertIDs = append(in.AlertIDs, a.ID)
	}
	return in
}

func listedIDs(t *testing.T, s debrief.Store) []string {
	t.Helper()
	ins, err := s.Incidents(t.Context(), debrief.IncidentFilter{})
	if err != nil {
		t.Fatalf("incidents: %v", err)
	}
	var ids []string
	for _, in := range ins {
		ids = append(ids, in.ID)
	}
	slices.Sort(ids)
	return ids
}

// testClaimEmpties: an alert correlated on its own, then listed by its
// source's incident, is only in that incident, and the emptied correlated
// incident is gone with its tags, comments and history.
func testClaimEmpties(t *testing.T, open func() debrief.Store) {
	s := open()
	vs := sentinelVersions()
	sa := loneAlert(3, at(3*time.Hour))
	sa.ID, sa.Source, sa.SourceID = vs[0].AlertIDs[0], debrief.SourceSentinel, strings.TrimPrefix(vs[0].AlertIDs[0], "sentinel:")
	write(t, s, alertRec(sa))
	corr := correlated("c1", sa)
	corr.Tags = []string{"lsass"}
	corr.Comments = []debrief.Comment{{At: at(4 * time.Hour), Author: "analyst", Text: "looked at it"}}
	write(t, s, incRec(corr))
	corr2 := corr
	corr2.Status, corr2.Times.Updated = debrief.StatusActive, at(5*time.Hour)
	write(t, s, incRec(corr2)) // a second version: versions and history
	if ids := unassigned(t, s); len(ids) != 0 {
		t.Fatalf("unassigned %v after correlation, want none", ids)
	}

	write(t, s, incRec(vs[0]))
	same(t, "source incident after the correlated one", incident(t, s, vs[0].ID), expect(vs[0], sa))
	_, err := s.Incident(t.Context(), corr.ID)
	wantCode(t, "emptied correlated incident", err, debrief.ENOTFOUND)
	if ids := listedIDs(t, s); !slices.Equal(ids, []string{vs[0].ID}) {
		t.Errorf("incidents %v, want only %v", ids, vs[0].ID)
	}
	if got := alert(t, s, sa.ID).IncidentID; got != vs[0].ID {
		t.Errorf("alert's incident = %q, want %q", got, vs[0].ID)
	}
	if ids := unassigned(t, s); len(ids) != 0 {
		t.Errorf("unassigned %v, want none", ids)
	}

	// Nothing of it is left: written again, it is new, with no history.
	s = open()
	write(t, s, alertRec(sa), incRec(corr), incRec(corr2))
	in := vs[0]
	in.AlertIDs = nil
	owned := sa
	owned.IncidentID = in.ID // the alert's own incident id claims it too
	owned.Updated = at(6 * time.Hour)
	write(t, s, incRec(in), alertRec(owned))
	_, err = s.Incident(t.Context(), corr.ID)
	wantCode(t, "correlated incident emptied by the alert's incident id", err, debrief.ENOTFOUND)
	same(t, "source incident named by the alert", incident(t, s, in.ID), expect(in, owned))
	fresh := correlated("c1", loneAlert(4, at(time.Hour)))
	fresh.Tags = []string{"other"}
	res := write(t, s, alertRec(loneAlert(4, at(time.Hour))), incRec(fresh))
	wantResult(t, "the correlated incident's id used again", res, debrief.WriteResult{IncidentsNew: 1, AlertsNew: 1})
	same(t, "the correlated incident's id used again", incident(t, s, fresh.ID), expect(fresh, loneAlert(4, at(time.Hour))))
}

// testClaimKeepsRest: a correlated incident of two alerts, one of which its
// source's incident then claims, keeps the other.
func testClaimKeepsRest(t *testing.T, open func() debrief.Store) {
	s := open()
	l1, l2 := loneAlert(1, at(time.Hour)), loneAlert(2, at(2*time.Hour))
	write(t, s, alertRec(l1), alertRec(l2))
	corr := correlated("c2", l1, l2)
	write(t, s, incRec(corr))
	src := simpleIncident(1, at(3*time.Hour))
	src.AlertIDs = []string{l2.ID}
	write(t, s, incRec(src))
	same(t, "source incident", incident(t, s, src.ID), expect(src, l2))
	rest := corr
	rest.AlertIDs = []string{l1.ID}
	same(t, "correlated incident after the claim", incident(t, s, corr.ID), expect(rest, l1))
	if ids := listedIDs(t, s); !slices.Equal(ids, []string{corr.ID, src.ID}) {
		t.Errorf("incidents %v, want %v", ids, []string{corr.ID, src.ID})
	}
	if ids := unassigned(t, s); len(ids) != 0 {
		t.Errorf("unassigned %v, want none", ids)
	}
	// Both in one batch, the correlated incident last: the source still wins.
	s = open()
	write(t, s, alertRec(l1), alertRec(l2), incRec(src), incRec(corr))
	same(t, "source incident (one batch)", incident(t, s, src.ID), expect(src, l2))
	same(t, "correlated incident (one batch)", incident(t, s, corr.ID), expect(rest, l1))
}
