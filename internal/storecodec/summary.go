package storecodec

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/debrief-dev/debrief"
)

// Summary gathers an incident's techniques (sorted, unique) and tactics
// (unique, in the order first seen) from its alerts and then its own
// (AddOwn), as both stores fill Incident.Techniques and Incident.Tactics.
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

// AddOwn adds the incident's own techniques and tactics; the stores add
// them after its alerts'.
func (s *Summary) AddOwn(in *debrief.Incident) {
	s.techniques = append(s.techniques, in.OwnTechniques...)
	s.AddTactics(in.OwnTactics)
}

// ParseOwn decodes an incident's own_techniques and own_tactics columns
// (JSON arrays, "" for none) into in.
func ParseOwn(in *debrief.Incident, techs, tactics string) error {
	ids, err := ParseList(techs)
	if err != nil {
		return fmt.Errorf("incident %s: own techniques: %w", in.ID, err)
	}
	in.OwnTechniques = nil
	for _, id := range ids {
		in.OwnTechniques = append(in.OwnTechniques, debrief.TechniqueID(id))
	}
	if in.OwnTactics, err = ParseList(tactics); err != nil {
		return fmt.Errorf("incident %s: own tactics: %w", in.ID, err)
	}
	return nil
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
// sums their techniques and tactics and its own into the incident.
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
		sum.AddOwn(in)
		in.Techniques, in.Tactics = sum.Result()
	}
}
