package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
)

// ownLabelled is a Sentinel incident exported without its alerts: its own
// record names its techniques and tactics (debrief.Incident.OwnTechniques
// and OwnTactics, normalised), and it lists one alert that is not stored.
func ownLabelled() debrief.Incident {
	const id = "73e01a99-5cd7-4139-a149-9f2736ff2ab5"
	return debrief.Incident{
		ID: debrief.QualifiedID(debrief.SourceSentinel, id), Source: debrief.SourceSentinel, SourceID: id,
		Title: "My incident", Severity: debrief.SeverityHigh, Status: debrief.StatusNew,
		Times:         debrief.Times{Created: at(6 * time.Hour), Updated: at(6 * time.Hour)},
		AlertIDs:      []string{"sentinel:5f0b0c4e-unexported"},
		OwnTechniques: []debrief.TechniqueID{"T1078", "T1078.004"},
		OwnTactics:    []string{"initial-access", "persistence", "privilege-escalation", "defense-evasion"},
		Raw:           []byte(`{"name":"73e01a99-5cd7-4139-a149-9f2736ff2ab5"}`),
	}
}

// testOwnLabels wants an incident's own techniques and tactics kept as
// written, joined with its alerts' in Techniques and Tactics wherever
// they are read, and matched by the technique and tactic filters.
func testOwnLabels(t *testing.T, open func() debrief.Store) {
	s := open()
	own := ownLabelled()
	// The identity incident names techniques of its own too: some its
	// alerts name, one they do not.
	idn := identity()
	idn.OwnTechniques = []debrief.TechniqueID{"T1098", "T1110", "T1110.003"}
	idn.OwnTactics = []string{"persistence", "privilege-escalation", "credential-access"}
	sp, tk := spray(idn.ID), token(idn.ID)
	res := write(t, s, incRec(own), incRec(idn), incRec(phishing()))
	if res.IncidentsNew != 3 {
		t.Fatalf("write: %+v, want 3 new incidents", res)
	}
	got := incident(t, s, own.ID)
	same(t, "incident without stored alerts", got, expect(own))
	if want := []debrief.TechniqueID{"T1078", "T1078.004"}; !slices.Equal(got.Techniques, want) {
		t.Errorf("techniques = %v, want its own %v", got.Techniques, want)
	}
	same(t, "incident with alerts", incident(t, s, idn.ID), expect(idn, sp, tk))
	for _, tc := range []struct {
		name string
		f    debrief.IncidentFilter
		want []string
	}{
		{"own tactic", debrief.IncidentFilter{Tactic: "initial-access"}, []string{own.ID, idn.ID, phishing().ID}},
		{"own and alerts' tactic", debrief.IncidentFilter{Tactic: "persistence"}, []string{own.ID, idn.ID}},
		{"own technique", debrief.IncidentFilter{Technique: "T1078"}, []string{own.ID, idn.ID}},
		{"own sub-technique", debrief.IncidentFilter{Technique: "T1078.004"}, []string{own.ID, idn.ID}},
		{"own technique no alert names", debrief.IncidentFilter{Technique: "T1098"}, []string{idn.ID}},
		{"tactic nobody names", debrief.IncidentFilter{Tactic: "exfiltration"}, nil},
	} {
		ins, err := s.Incidents(t.Context(), tc.f)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		var ids []string
		for _, in := range ins {
			ids = append(ids, in.ID)
			if in.ID == own.ID {
				same(t, tc.name+": listed", slices.Sorted(slices.Values(in.Tactics)), slices.Sorted(slices.Values(own.OwnTactics)))
				same(t, tc.name+": listed", in.Techniques, own.OwnTechniques)
			}
		}
		same(t, tc.name, ids, tc.want)
	}
	// Written again: unchanged. Without its own labels, or with others: a
	// newer version, whose labels replace the old ones.
	if res := write(t, s, incRec(own), incRec(idn)); res.IncidentsUnchanged != 2 {
		t.Errorf("written again: %+v, want 2 incidents unchanged", res)
	}
	v2 := own
	v2.Times.Updated = own.Times.Updated.Add(time.Hour)
	v2.OwnTechniques, v2.OwnTactics = []debrief.TechniqueID{"T1566"}, []string{"initial-access"}
	v2.Raw = []byte(`{"name":"73e01a99-5cd7-4139-a149-9f2736ff2ab5","tactics":["InitialAccess"]}`)
	if res := write(t, s, incRec(v2)); res.IncidentsUpdated != 1 {
		t.Errorf("newer version: %+v, want 1 incident updated", res)
	}
	same(t, "newer version", incident(t, s, own.ID), expect(v2))
	ins, err := s.Incidents(t.Context(), debrief.IncidentFilter{Tactic: "persistence"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ins) != 1 || ins[0].ID != idn.ID {
		t.Errorf("persistence after the newer version: %d incidents, want the identity one alone", len(ins))
	}
}

// withOwnLabels writes incidents that name techniques and tactics of
// their own, one without alerts and one with, for the analyses' stores to
// count them as Incidents reads them.
func withOwnLabels(t *testing.T, s debrief.Store) {
	t.Helper()
	idn := identity()
	idn.OwnTechniques = []debrief.TechniqueID{"T1098"}
	idn.OwnTactics = []string{"persistence"}
	write(t, s, incRec(ownLabelled()), incRec(idn), alertRec(spray(idn.ID)))
}

// changeOwnLabels writes a newer version of ownLabelled naming others.
func changeOwnLabels(t *testing.T, s debrief.Store) {
	t.Helper()
	v2 := ownLabelled()
	v2.Times.Updated = v2.Times.Updated.Add(time.Hour)
	v2.OwnTechniques, v2.OwnTactics = []debrief.TechniqueID{"T1059.001", "T1059"}, []string{"execution"}
	write(t, s, incRec(v2))
}
