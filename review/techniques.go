package review

import (
	"cmp"
	"slices"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/d3fend"
)

// techniques lists the techniques of the alerts, first seen first, with
// their mitigations and countermeasures.
func (b *builder) techniques() []Technique {
	out := make([]Technique, 0, len(b.techs))
	for _, acc := range b.techs {
		t := acc.t
		t.FirstSeen, t.LastSeen = t.FirstSeen.UTC(), t.LastSeen.UTC()
		t.Tactics = b.inMatrixOrder(b.validTactics(t.ID, acc.tactics.list))
		t.Sources = nonNil(acc.sources.list)
		t.Entities = nonNil(acc.entities.list)
		slices.Sort(t.Sources)
		slices.Sort(t.Entities)
		t.Mitigations = b.mitigations(t.ID)
		t.Countermeasures = b.countermeasures(t.ID)
		out = append(out, t)
	}
	slices.SortFunc(out, func(x, y Technique) int {
		return cmp.Or(x.FirstSeen.Compare(y.FirstSeen), strings.Compare(string(x.ID), string(y.ID)))
	})
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}

// validTactics keeps the tactics the catalog lists for a known technique,
// or gives the catalog's when the alerts named none of them, as ingest
// normalisation does; an unknown technique keeps what the alerts said.
func (b *builder) validTactics(id debrief.TechniqueID, tactics []string) []string {
	ct, ok := b.cat.Technique(string(id))
	if !ok || len(ct.Tactics) == 0 {
		return tactics
	}
	var out []string
	for _, s := range tactics {
		if slices.Contains(ct.Tactics, s) {
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return ct.Tactics
	}
	return out
}

// tacticOrder is a tactic shortname's position in the Enterprise matrix,
// or len(matrix) when it is not there.
func (b *builder) tacticOrder(shortname string) int {
	for i, t := range b.matrix {
		if t.Shortname == shortname {
			return i
		}
	}
	return len(b.matrix)
}

func (b *builder) inMatrixOrder(ss []string) []string {
	out := nonNil(ss)
	slices.SortStableFunc(out, func(x, y string) int { return cmp.Compare(b.tacticOrder(x), b.tacticOrder(y)) })
	return out
}

func (b *builder) mitigations(id debrief.TechniqueID) []Mitigation {
	out := []Mitigation{}
	for _, m := range b.cat.MitigationsOf(string(id)) {
		if m.Active() {
			out = append(out, Mitigation{ID: m.ID, Name: m.Name, URL: m.URL})
		}
	}
	slices.SortFunc(out, func(x, y Mitigation) int { return strings.Compare(x.ID, y.ID) })
	return out
}

func (b *builder) countermeasures(id debrief.TechniqueID) []Countermeasure {
	out := []Countermeasure{}
	if b.d3f == nil {
		return out
	}
	for _, m := range b.d3f.For(id) {
		c := m.Countermeasure
		out = append(out, Countermeasure{
			ID: c.ID, Name: c.Name, Tactic: c.Tactic, URL: c.URL(), Via: via(m.Via), FromParent: m.FromParent,
		})
	}
	return out
}

// via writes the first artifact link of a match.
func via(ls []d3fend.Link) string {
	if len(ls) == 0 {
		return ""
	}
	l := ls[0]
	return l.Rel + " " + l.Artifact + "; " + l.DefRel + " " + l.DefArtifact
}
