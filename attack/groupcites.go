package attack

import (
	"cmp"
	"slices"

	"github.com/debrief-dev/debrief/attack/internal/model"
)

// GroupUseCitations returns the citations of the uses relationships of
// group id (ATT&CK id, name or alias): the reports each technique (by id)
// and software (by Key) the group uses itself is known from. Relationships
// without citations are left out; nil when there is no such group.
// Development sets hold a group's report out with it:
//
//	cites := cat.GroupUseCitations("G0016")
//	rest := cat.WithoutCitedOnly([]string{report})
func (c *Catalog) GroupUseCitations(id string) map[string][]string {
	g, ok := c.Group(id)
	if !ok {
		return nil
	}
	out := map[string][]string{}
	for _, r := range c.data.Relations {
		if r.Type != model.Uses || r.Cites.Len == 0 || c.data.Objects[r.Source].STIXID != g.STIXID {
			continue
		}
		t := &c.data.Objects[r.Target]
		switch t.Kind {
		case model.Technique, model.Malware, model.Tool:
			k := cmp.Or(t.ID, t.STIXID)
			out[k] = append(out[k], c.data.CitesOf(r)...) // a copy: CitesOf's capacity is its length
		}
	}
	for k, cs := range out {
		slices.Sort(cs)
		out[k] = slices.Clip(slices.Compact(cs))
	}
	return out
}
