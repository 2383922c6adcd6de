package storecodec

import (
	"cmp"
	"slices"

	"github.com/debrief-dev/debrief"
)

// Summary gathers an incident's techniques (sorted, unique) and tactics
// (unique, in the order first seen) from its alerts, as both stores fill
// Incident.Techniques and Incident.Tactics.
type Summary struct {
	techniques []debrief.TechniqueID
	tactics    []string
	seen       map[string]bool
}

// AddAlert adds an alert's techniques and tactics (its own, then its
// techniques').
func (s *Summary) AddAlert(a *debrief.Alert) {
	s.AddTactics(a.Tactics)
	for _, t := range a.Techniques {
		s.techniques = append(s.techniques, t.ID)
		s.AddTactics(t.Tactics)
	}
}

// AddTechnique adds one technique id.
func (s *Summary) AddTechnique(id debrief.TechniqueID) {
	s.techniques = append(s.techniques, id)
}

// AddTactics adds tactics not seen yet, in order.
func (s *Summary) AddTactics(ts []string) {
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	for _, t := range ts {
		if !s.seen[t] {
			s.seen[t] = true
			s.tactics = append(s.tactics, t)
		}
	}
}

// Result returns the techniques, sorted and unique, and the tactics.
func (s *Summary) Result() ([]debrief.TechniqueID, []string) {
	slices.SortFunc(s.techniques, cmp.Compare)
	return slices.Compact(s.techniques), s.tactics
}

// SortAlerts orders each incident's alerts oldest first (then by id) and
// sums their techniques and tactics into the incident.
func SortAlerts(ins []debrief.Incident) {
	for i := range ins {
		in := &ins[i]
		slices.SortFunc(in.Alerts, func(a, b debrief.Alert) int {
			return cmp.Or(a.Created.Compare(b.Created), cmp.Compare(a.ID, b.ID))
		})
		var sum Summary
		for j := range in.Alerts {
			sum.AddAlert(&in.Alerts[j])
		}
		in.Techniques, in.Tactics = sum.Result()
	}
}
