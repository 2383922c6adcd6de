package attribution

import (
	"cmp"
	"slices"
	"strings"

	"github.com/debrief-dev/debrief"
)

// maxMissing is how many unobserved signature techniques a candidate lists.
const maxMissing = 5

func (m *Model) explain(q query, ci int32, score, conf float64) Candidate {
	c := &m.cands[ci]
	out := Candidate{ID: c.id, Kind: c.kind, Name: c.name, Score: round(score, 3), Confidence: round(conf, 4),
		SharedTechniques: []TechniqueRef{}, MatchedSoftware: []Ref{}, MissingTechniques: []TechniqueRef{}}
	for _, g := range c.groups {
		out.Groups = append(out.Groups, m.groupRef(g))
	}
	for _, t := range q.techs {
		if f, ok := m.feat[string(t)]; ok && c.prof[f] > 0 {
			out.SharedTechniques = append(out.SharedTechniques, m.techRef(f))
		}
	}
	for _, f := range append(slices.Clone(q.sw), q.grp...) {
		if c.prof[f] > 0 {
			out.MatchedSoftware = append(out.MatchedSoftware, m.ref(f))
		}
	}
	for _, f := range c.sig {
		if len(out.MissingTechniques) == maxMissing {
			break
		}
		if _, seen := slices.BinarySearch(q.techs, debrief.TechniqueID(m.keys[f])); !seen {
			out.MissingTechniques = append(out.MissingTechniques, m.techRef(f))
		}
	}
	byRarity(out.SharedTechniques)
	return out
}

// signatures lists each candidate's techniques of full weight, rarest
// first (as byRarity orders them), for the missing techniques.
func (m *Model) signatures() {
	for i := range m.cands {
		c := &m.cands[i]
		c.sig = c.sig[:0]
		for f, w := range c.prof {
			if w >= 1 && m.keys[f][0] == 'T' {
				c.sig = append(c.sig, f)
			}
		}
		slices.SortFunc(c.sig, func(a, b int32) int {
			return cmp.Or(cmp.Compare(m.df[a], m.df[b]), cmp.Compare(m.keys[a], m.keys[b]))
		})
	}
}

func byRarity(ts []TechniqueRef) {
	slices.SortFunc(ts, func(a, b TechniqueRef) int { return cmp.Or(cmp.Compare(a.Groups, b.Groups), cmp.Compare(a.ID, b.ID)) })
}

func (m *Model) techRef(f int32) TechniqueRef {
	r := TechniqueRef{ID: debrief.TechniqueID(m.keys[f]), Groups: m.df[f]}
	if t, ok := m.cat.Technique(m.keys[f]); ok {
		r.Name = t.Name
	}
	return r
}

func (m *Model) ref(f int32) Ref {
	k := m.keys[f]
	if k[0] == 'G' || strings.HasPrefix(k, "intrusion-set--") {
		return m.groupRef(k)
	}
	r := Ref{ID: k}
	if s, ok := m.cat.Software(k); ok {
		r.Name = s.Name
	}
	return r
}

func (m *Model) groupRef(id string) Ref {
	r := Ref{ID: id}
	if g, ok := m.cat.Group(id); ok {
		r.Name = g.Name
	}
	return r
}

func round(v float64, digits int) float64 {
	p := 1.0
	for range digits {
		p *= 10
	}
	if v < 0 {
		return -float64(int64(-v*p+0.5)) / p
	}
	return float64(int64(v*p+0.5)) / p
}
