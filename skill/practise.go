package skill

import (
	"cmp"
	"slices"
	"strings"

	"github.com/debrief-dev/debrief"
)

// practise says what to practise for a group of dimension dim (of an
// analyst's group, the dimension of its tactic or technique id): its
// ATT&CK page, detection strategies and data components, and the team's
// own latest incidents.
func practise(opts Options, dim Dimension, hs []debrief.HandlingFacts, id string, idx []int32) *Practice {
	if len(idx) == 0 {
		return nil
	}
	p := &Practice{}
	newer := func(a, b int32) int {
		return cmp.Or(hs[b].Created.Compare(hs[a].Created), strings.Compare(hs[b].ID, hs[a].ID))
	}
	// The latest few, kept sorted while walking the group once.
	var latest []int32
	for _, i := range idx {
		if len(latest) == opts.Examples && newer(i, latest[len(latest)-1]) >= 0 {
			continue
		}
		at, _ := slices.BinarySearchFunc(latest, i, newer)
		latest = slices.Insert(latest, at, i)
		if len(latest) > opts.Examples {
			latest = latest[:opts.Examples]
		}
	}
	for _, i := range latest {
		p.Incidents = append(p.Incidents, hs[i].ID)
	}
	cat := opts.Catalog
	if cat == nil {
		return p
	}
	switch dim {
	case ByTactic:
		if t, ok := cat.Tactic(id); ok {
			p.URL = t.URL
		}
	case ByTechnique:
		if t, ok := cat.Technique(id); ok {
			p.URL = t.URL
		}
		for _, s := range cat.DetectionsOf(id)[:min(5, len(cat.DetectionsOf(id)))] {
			p.DetectionStrategies = append(p.DetectionStrategies, Ref{s.ID, s.Name, s.URL})
		}
		dcs := cat.DataComponentsOf(id)
		for _, d := range dcs[:min(8, len(dcs))] {
			p.DataComponents = append(p.DataComponents, Ref{d.ID, d.Name, d.URL})
		}
	}
	return p
}
