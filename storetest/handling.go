package storetest

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/skill"
)

// RunHandling checks a store's debrief.HandlingStore on a simulated
// history: for several filters, HandlingFacts gives exactly the incidents
// Store.Incidents lists, each with the facts skill computes from
// Store.Incident, also after more writes (later versions with other
// verdicts, owners and comments, alerts linked later) to a store that has
// read its facts before (stores keep them up to date).
func RunHandling(t *testing.T, open func(t *testing.T) debrief.Store) {
	runCapability(t, "debrief.HandlingStore", open, []capTest[debrief.HandlingStore]{
		{"SameAsIncident", testHandlingSame},
		{"KeptUpToDate", testHandlingIncremental},
		{"CallbackError", func(t *testing.T, open func() debrief.HandlingStore) {
			st := open()
			simulated(t, st.(debrief.Store), 3, 5)
			stop, calls := errors.New("stop"), 0
			err := st.HandlingFacts(t.Context(), debrief.IncidentFilter{}, func(*debrief.HandlingFacts) error {
				calls++
				return stop
			})
			if !errors.Is(err, stop) || calls != 1 {
				t.Errorf("handling facts: %d calls, error %v; want 1 call and the callback's error", calls, err)
			}
		}},
		{"BadFilter", func(t *testing.T, open func() debrief.HandlingStore) {
			err := open().HandlingFacts(t.Context(), debrief.IncidentFilter{Technique: "T12"}, func(*debrief.HandlingFacts) error { return nil })
			wantCode(t, "handling facts of technique T12", err, debrief.EINVALID)
		}},
	})
}

// handlingFacts reads st's facts matching f, sorted by id, empty lists as nil.
func handlingFacts(t *testing.T, st debrief.HandlingStore, f debrief.IncidentFilter) []debrief.HandlingFacts {
	t.Helper()
	var out []debrief.HandlingFacts
	if err := st.HandlingFacts(t.Context(), f, func(h *debrief.HandlingFacts) error {
		out = append(out, normalFacts(*h))
		return nil
	}); err != nil {
		t.Fatalf("handling facts: %v", err)
	}
	slices.SortFunc(out, func(a, b debrief.HandlingFacts) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// wantFacts computes, with skill.Facts over Store.Incident, the facts of
// the incidents Store.Incidents lists for f, sorted by id.
func wantFacts(t *testing.T, s debrief.Store, f debrief.IncidentFilter) []debrief.HandlingFacts {
	t.Helper()
	ins, err := s.Incidents(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	var out []debrief.HandlingFacts
	for _, in := range ins {
		out = append(out, normalFacts(func() debrief.HandlingFacts { full := incident(t, s, in.ID); return skill.Facts(&full) }()))
	}
	slices.SortFunc(out, func(a, b debrief.HandlingFacts) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// normalFacts copies h's lists, tactics sorted (their order is not the
// same from Store.Incident and from Store.Incidents, and no analysis
// depends on it), empty lists as nil.
func normalFacts(h debrief.HandlingFacts) debrief.HandlingFacts {
	h.Techniques, h.Tactics = slices.Clone(h.Techniques), slices.Sorted(slices.Values(h.Tactics))
	if len(h.Techniques) == 0 {
		h.Techniques = nil
	}
	if len(h.Tactics) == 0 {
		h.Tactics = nil
	}
	return h
}

func testHandlingSame(t *testing.T, open func() debrief.HandlingStore) {
	st := open()
	s := st.(debrief.Store)
	end := simulated(t, s, 7, 14)
	withOwnLabels(t, s)
	all := wantFacts(t, s, debrief.IncidentFilter{})
	var flagged int
	for _, h := range all {
		if h.Misclassified || h.Reopened || h.HandedOver {
			flagged++
		}
	}
	if len(all) < 50 || flagged == 0 {
		t.Fatalf("the simulated history has %d incidents, %d misclassified, reopened or handed over; want more to check", len(all), flagged)
	}
	for _, tc := range []struct {
		name string
		f    debrief.IncidentFilter
	}{
		{"all", debrief.IncidentFilter{}},
		{"the last week", debrief.IncidentFilter{Since: end.AddDate(0, 0, -7)}},
		{"the first week", debrief.IncidentFilter{Until: end.AddDate(0, 0, -7), Limit: 3}},
		{"high severity", debrief.IncidentFilter{Severity: []debrief.Severity{debrief.SeverityHigh}}},
		{"execution", debrief.IncidentFilter{Tactic: "execution"}},
	} {
		same(t, "handling facts of "+tc.name, handlingFacts(t, st, tc.f), wantFacts(t, s, debrief.IncidentFilter{Since: tc.f.Since,
			Until: tc.f.Until, Severity: tc.f.Severity, Tactic: tc.f.Tactic}))
	}
}

func testHandlingIncremental(t *testing.T, open func() debrief.HandlingStore) {
	st := open()
	s := st.(debrief.Store)
	check := func(what string) {
		t.Helper()
		same(t, what+": handling facts", handlingFacts(t, st, debrief.IncidentFilter{}), wantFacts(t, s, debrief.IncidentFilter{}))
	}
	simulated(t, s, 9, 12)
	check("a 12-day history")
	simulated(t, s, 9, 20)
	check("its 20-day continuation")
	in := identity()
	write(t, s, incRec(in), alertRec(spray(in.ID)), alertRec(loneAlert(1, in.Times.Created)))
	check("with the identity incident")
	if err := s.Assign(t.Context(), in.ID, []string{loneAlert(1, in.Times.Created).ID}); err != nil {
		t.Fatal(err)
	}
	check("after an alert was assigned to it")
	write(t, s, alertRec(token(in.ID)))
	check("after an alert linked to it by its own incident id")
	withOwnLabels(t, s)
	check("with incidents that name techniques of their own")
	changeOwnLabels(t, s)
	check("after a newer version named others")
}
