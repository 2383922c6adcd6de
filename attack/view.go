package attack

import (
	"slices"

	"github.com/debrief-dev/debrief/attack/internal/model"
)

// view is what lookups need of any object.
type view struct {
	id, stixID, name string
	aliases          []string
	domain           string   // techniques and tactics: their one domain
	domains          []string // other kinds: their domains
	active           bool
	value            any // *Technique, *Tactic …
}

// first is the object's first domain.
func (v *view) first() string {
	if v.domain != "" || len(v.domains) == 0 {
		return v.domain
	}
	return v.domains[0]
}

// in reports whether the object belongs to the domain.
func (v *view) in(domain string) bool {
	return v.domain == domain || slices.Contains(v.domains, domain)
}

// all yields every object of the catalog as its kind and index.
func (c *Catalog) all(yield func(Kind, int32) bool) {
	for k := KindTechnique; k <= KindDataComponent; k++ {
		for i := range c.count(k) {
			if !yield(k, int32(i)) {
				return
			}
		}
	}
}

func (c *Catalog) count(k Kind) int {
	switch k {
	case KindTechnique:
		return len(c.techniques)
	case KindTactic:
		return len(c.tactics)
	case KindGroup:
		return len(c.groups)
	case KindCampaign:
		return len(c.campaigns)
	case KindSoftware:
		return len(c.software)
	case KindMitigation:
		return len(c.mitigations)
	case KindDetectionStrategy:
		return len(c.strategies)
	case KindAnalytic:
		return len(c.analytics)
	case KindDataComponent:
		return len(c.components)
	}
	return 0
}

func (c *Catalog) view(k Kind, i int32) view {
	switch k {
	case KindTechnique:
		t := &c.techniques[i]
		return view{string(t.ID), t.STIXID, t.Name, nil, t.Domain, nil, t.Active(), t}
	case KindTactic:
		t := &c.tactics[i]
		return view{string(t.ID), t.STIXID, t.Name, nil, t.Domain, nil, t.Active(), t}
	case KindGroup:
		g := &c.groups[i]
		return view{g.ID, g.STIXID, g.Name, g.Aliases, "", g.Domains, g.Active(), g}
	case KindCampaign:
		x := &c.campaigns[i]
		return view{x.ID, x.STIXID, x.Name, x.Aliases, "", x.Domains, x.Active(), x}
	case KindSoftware:
		s := &c.software[i]
		return view{s.ID, s.STIXID, s.Name, s.Aliases, "", s.Domains, s.Active(), s}
	case KindMitigation:
		m := &c.mitigations[i]
		return view{m.ID, m.STIXID, m.Name, nil, "", m.Domains, m.Active(), m}
	case KindDetectionStrategy:
		s := &c.strategies[i]
		return view{s.ID, s.STIXID, s.Name, nil, "", s.Domains, s.Active(), s}
	case KindAnalytic:
		a := &c.analytics[i]
		return view{a.ID, a.STIXID, a.Name, nil, "", a.Domains, a.Active(), a}
	case KindDataComponent:
		d := &c.components[i]
		return view{d.ID, d.STIXID, d.Name, nil, "", d.Domains, d.Active(), d}
	}
	return view{}
}

// domainRank orders objects of several domains: Enterprise first.
func domainRank(domain string) int { return model.DomainRank(domain) }
