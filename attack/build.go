package attack

import (
	"slices"
	"sync"

	"github.com/debrief-dev/debrief"
)

// lists turns the graphs into the id lists of the public structs.
func (b *builder) lists() {
	c, l := b.c, &b.c.links
	techID := func(i int32) debrief.TechniqueID { return c.techniques[i].ID }
	softID := func(i int32) string { return c.software[i].Key() }
	subs := ids(l.subs, techID)
	for i := range c.techniques {
		c.techniques[i].Subs = subs[i]
	}
	gt, gs := ids(l.groupTech, techID), ids(l.groupSoft, softID)
	gc := ids(l.groupCamp, func(i int32) string { return c.campaigns[i].Key() })
	for i := range c.groups {
		c.groups[i].Techniques, c.groups[i].Software, c.groups[i].Campaigns = gt[i], gs[i], gc[i]
	}
	ct, cs := ids(l.campTech, techID), ids(l.campSoft, softID)
	cg := ids(l.campGroup, func(i int32) string { return c.groups[i].Key() })
	for i := range c.campaigns {
		c.campaigns[i].Techniques, c.campaigns[i].Software, c.campaigns[i].Groups = ct[i], cs[i], cg[i]
	}
	for i, ts := range ids(l.softTech, techID) {
		c.software[i].Techniques = ts
	}
	for i, ts := range ids(l.mitTech, techID) {
		c.mitigations[i].Techniques = ts
	}
	for i, ts := range ids(l.detTech, techID) {
		c.strategies[i].Techniques = ts
	}
	for i, ts := range ids(l.compTech, techID) {
		c.components[i].Techniques = ts
	}
	b.techniqueTactics()
}

// techniqueTactics puts each technique's tactics in its matrix's order;
// phases no tactic of the domain has go last.
func (b *builder) techniqueTactics() {
	order := map[[2]string]int{}
	for _, t := range b.c.tactics {
		if t.Order >= 0 {
			order[[2]string{t.Domain, t.Shortname}] = t.Order
		}
	}
	for i := range b.c.techniques {
		t := &b.c.techniques[i]
		if len(t.Tactics) < 2 {
			continue
		}
		t.Tactics = slices.Clone(t.Tactics)
		slices.SortStableFunc(t.Tactics, func(x, y string) int {
			ox, okx := order[[2]string{t.Domain, x}]
			oy, oky := order[[2]string{t.Domain, y}]
			switch {
			case okx && oky:
				return ox - oy
			case okx:
				return -1
			case oky:
				return 1
			}
			return 0
		})
	}
}

// index builds the lookup keys: ATT&CK and STIX ids, names, aliases, and
// tactic shortnames.
func (b *builder) index() {
	c := b.c
	ib := indexBuilder{spans: make([]span, 0, 4*len(b.d.Objects))}
	ib.arena.Grow(48 * len(b.d.Objects))
	for k, n := range c.all {
		v := c.view(k, n)
		ib.add(v.id, entry{k, MatchID, n})
		ib.add(v.name, entry{k, MatchName, n})
		for _, a := range v.aliases {
			ib.add(a, entry{k, MatchAlias, n})
		}
	}
	c.tacticKeys = map[string][]int32{}
	for i := range c.tactics {
		t := &c.tactics[i] // not a copy: Order is being written meanwhile
		ib.add(t.Shortname, entry{KindTactic, MatchAlias, int32(i)})
		for _, s := range []string{string(t.ID), t.Name, t.Shortname} {
			key := debrief.TacticKey(s)
			if key != "" && !slices.Contains(c.tacticKeys[key], int32(i)) {
				c.tacticKeys[key] = append(c.tacticKeys[key], int32(i))
			}
		}
	}
	c.keys = ib.build()
	c.stix = sync.OnceValue(c.stixIndex)
}

func (c *Catalog) stixIndex() map[string]entry {
	m := make(map[string]entry, len(c.data.Objects))
	for k, n := range c.all {
		m[c.view(k, n).stixID] = entry{k, MatchID, n}
	}
	return m
}

// domains describes each domain, with its object counts.
func (b *builder) domains() {
	c := b.c
	for _, dm := range b.d.Domains {
		d := Domain{Name: dm.Name, Title: dm.Title, Version: dm.Version, Modified: parseTime(dm.Modified), STIXVersion: dm.STIXVersion}
		for k, n := range c.all {
			if v := c.view(k, n); !v.in(dm.Name) {
				continue
			}
			counts(&d.Counts, k, c, n)
		}
		c.domains = append(c.domains, d)
	}
	c.warnings = Warnings{Count: b.d.NWarnings, Examples: slices.Clone(b.d.Warnings)}
}

func counts(ct *Counts, k Kind, c *Catalog, n int32) {
	switch k {
	case KindTechnique:
		if c.techniques[n].IsSub() {
			ct.SubTechniques++
		} else {
			ct.Techniques++
		}
	case KindTactic:
		ct.Tactics++
	case KindGroup:
		ct.Groups++
	case KindCampaign:
		ct.Campaigns++
	case KindSoftware:
		ct.Software++
	case KindMitigation:
		ct.Mitigations++
	case KindDetectionStrategy:
		ct.DetectionStrategies++
	case KindAnalytic:
		ct.Analytics++
	case KindDataComponent:
		ct.DataComponents++
	}
}
