package storecodec

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/debrief-dev/debrief"
)

// UniqueEntities returns the entities of es whose keys are neither in have
// nor earlier in es.
func UniqueEntities(es, have []debrief.Entity) []debrief.Entity {
	seen := make(map[string]bool, len(es)+len(have))
	for _, e := range have {
		seen[e.Key()] = true
	}
	var out []debrief.Entity
	for _, e := range es {
		if !seen[e.Key()] {
			seen[e.Key()] = true
			out = append(out, e)
		}
	}
	return out
}

// Fill sets the empty fields of dst that src has, and dst's techniques when
// it has none; it reports whether anything changed.
func Fill(dst, src *debrief.Alert) bool {
	changed := false
	for _, f := range [...]struct{ d, s *string }{
		{&dst.ProviderID, &src.ProviderID}, {&dst.IncidentID, &src.IncidentID}, {&dst.Product, &src.Product},
		{&dst.DetectionSource, &src.DetectionSource}, {&dst.RuleID, &src.RuleID}, {&dst.RuleName, &src.RuleName},
		{&dst.Title, &src.Title}, {&dst.Description, &src.Description}, {&dst.Category, &src.Category},
		{&dst.Determination, &src.Determination}, {&dst.URL, &src.URL},
	} {
		changed = fillOne(f.d, *f.s) || changed
	}
	changed = fillOne(&dst.Severity, src.Severity) || changed
	changed = fillOne(&dst.Status, src.Status) || changed
	changed = fillOne(&dst.Verdict, src.Verdict) || changed
	for _, f := range [...]struct{ d, s *[]string }{{&dst.Tactics, &src.Tactics}, {&dst.ThreatNames, &src.ThreatNames}} {
		if len(*f.d) == 0 && len(*f.s) > 0 {
			*f.d, changed = *f.s, true
		}
	}
	if len(dst.Techniques) == 0 && len(src.Techniques) > 0 {
		dst.Techniques, changed = src.Techniques, true
	}
	for _, f := range [...]struct{ d, s *time.Time }{{&dst.FirstActivity, &src.FirstActivity},
		{&dst.LastActivity, &src.LastActivity}, {&dst.Created, &src.Created}, {&dst.Updated, &src.Updated},
		{&dst.Resolved, &src.Resolved}} {
		if f.d.IsZero() && !f.s.IsZero() {
			*f.d, changed = *f.s, true
		}
	}
	return changed
}

// LeanAlert decodes a lean alert's columns into a (its id set).
func LeanAlert(a *debrief.Alert, techs, threats, ents, partial string) error {
	ids, err := ParseList(techs)
	if err != nil {
		return fmt.Errorf("alert %s: %w", a.ID, err)
	}
	if len(ids) > 0 {
		a.Techniques = make([]debrief.Technique, len(ids))
		for i, id := range ids {
			a.Techniques[i].ID = debrief.TechniqueID(id)
		}
	}
	if a.ThreatNames, err = ParseList(threats); err != nil {
		return fmt.Errorf("alert %s: %w", a.ID, err)
	}
	if a.Entities, err = ParseEntities(ents); err != nil {
		return fmt.Errorf("alert %s: %w", a.ID, err)
	}
	p, err := ParseEntities(partial)
	if err != nil {
		return fmt.Errorf("alert %s: %w", a.ID, err)
	}
	if extra := UniqueEntities(p, a.Entities); len(extra) > 0 {
		a.Entities = append(a.Entities, extra...)
	}
	return nil
}

func fillOne[S ~string](dst *S, src S) bool {
	if *dst == "" && src != "" {
		*dst = src
		return true
	}
	return false
}

// LeanIncidents gathers the lean alert rows of a chunk of incidents (see
// debrief.ScanOptions.Lean) into them: each alert's techniques are summed
// into its incident and, with alerts, the alert joins the incident's list.
type LeanIncidents struct {
	ins    []debrief.Incident
	idx    map[string]int
	sums   []Summary
	alerts bool
}

// NewLeanIncidents gathers into ins, whose positions idx gives by id.
// The Techniques ins hold already (the incidents' own) join the sums.
func NewLeanIncidents(ins []debrief.Incident, idx map[string]int, alerts bool) *LeanIncidents {
	l := &LeanIncidents{ins: ins, idx: idx, sums: make([]Summary, len(ins)), alerts: alerts}
	for i := range ins {
		for _, id := range ins[i].Techniques {
			l.sums[i].AddTechnique(id)
		}
	}
	return l
}

// Add decodes a lean row's columns into a (its id and created time set)
// and adds it to the incident inc.
func (l *LeanIncidents) Add(inc string, a debrief.Alert, techs, threats, ents, partial string) error {
	if err := LeanAlert(&a, techs, threats, ents, partial); err != nil {
		return err
	}
	i := l.idx[inc]
	for _, t := range a.Techniques {
		l.sums[i].AddTechnique(t.ID)
	}
	if l.alerts {
		l.ins[i].Alerts = append(l.ins[i].Alerts, a)
	}
	return nil
}

// Done sets each incident's techniques and orders its alerts oldest first
// (then by id).
func (l *LeanIncidents) Done() {
	for i := range l.ins {
		l.ins[i].Techniques, _ = l.sums[i].Result()
		slices.SortFunc(l.ins[i].Alerts, func(a, b debrief.Alert) int {
			return cmp.Or(a.Created.Compare(b.Created), cmp.Compare(a.ID, b.ID))
		})
	}
}
