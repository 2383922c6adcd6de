package attack

import (
	"slices"

	"github.com/debrief-dev/debrief/attack/internal/model"
)

// campaignCitations gives each campaign its Citations: its own report
// citations and those of its uses and attributed-to relationships.
func (b *builder) campaignCitations() {
	c := b.c
	all := make([][]string, len(c.campaigns))
	for i := range b.d.Objects {
		if b.kind[i] == KindCampaign {
			all[b.pos[i]] = b.d.Objects[i].Cites
		}
	}
	grown := make([]bool, len(c.campaigns))
	for _, r := range b.d.Relations {
		if b.kind[r.Source] != KindCampaign || r.Cites.Len == 0 {
			continue
		}
		if tk := b.kind[r.Target]; r.Type == model.Uses && (tk == KindTechnique || tk == KindSoftware) ||
			r.Type == model.AttributedTo && tk == KindGroup {
			p := b.pos[r.Source]
			if !grown[p] { // the object's list is the snapshot's: never append to it
				all[p], grown[p] = slices.Clone(all[p]), true
			}
			all[p] = append(all[p], b.d.CitesOf(r)...)
		}
	}
	for i, cs := range all {
		if grown[i] {
			slices.Sort(cs)
			cs = slices.Clip(slices.Compact(cs))
		}
		c.campaigns[i].Citations = cs
	}
}

// WithoutCitedOnly returns a catalog of the same objects without every
// uses relationship (of a group, campaign or software, to a technique or
// software) whose citations are all in cites: what is known only from
// those reports. A relationship without citations stays. Campaigns keep
// their attribution and their Citations. Evaluations use it to leave a
// campaign's reports out of every profile:
//
//	camp, _ := cat.Campaign("C0024")
//	rest := cat.WithoutCitedOnly(camp.Citations)
//
// The catalog is built anew (a few milliseconds); c is not changed.
func (c *Catalog) WithoutCitedOnly(cites []string) *Catalog {
	if len(cites) == 0 {
		return c
	}
	set := make(map[string]bool, len(cites))
	for _, s := range cites {
		set[s] = true
	}
	d := *c.data
	d.Relations = make([]model.Relation, 0, len(c.data.Relations))
	for _, r := range c.data.Relations {
		if r.Type == model.Uses && citedOnly(c.data.CitesOf(r), set) {
			continue
		}
		d.Relations = append(d.Relations, r)
	}
	return build(&d)
}

// citedOnly reports whether cites is not empty and all of it is in set.
func citedOnly(cites []string, set map[string]bool) bool {
	for _, s := range cites {
		if !set[s] {
			return false
		}
	}
	return len(cites) > 0
}
