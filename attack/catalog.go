package attack

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack/internal/model"
)

// Catalog is an ATT&CK knowledge base: the objects of one or more domains
// with their relationships, indexed for lookups. Revoked and deprecated
// objects are in it, marked. A Catalog is read-only and safe for
// concurrent use; the pointers it returns point into it and must not be
// modified.
type Catalog struct {
	data     *model.Data // what the catalog was built from, for Merge
	domains  []Domain
	warnings Warnings

	techniques  []Technique
	tactics     []Tactic
	groups      []Group
	campaigns   []Campaign
	software    []Software
	mitigations []Mitigation
	strategies  []DetectionStrategy
	analytics   []Analytic
	components  []DataComponent

	keys       index                   // folded ids, names and aliases
	stix       func() map[string]entry // STIX ids, indexed on first use (they are rarely asked for)
	techByID   map[string]int32        // technique ids as written in the bundle, preferring current ones
	tacticKeys map[string][]int32      // debrief.TacticKey of tactic ids, names and shortnames
	revokedBy  []int32                 // per technique: the technique that replaced it, or -1
	links      links
}

// entry is one object a lookup key names.
type entry struct {
	kind  Kind
	match Match
	index int32
}

// links are the relationships by index, both ways.
type links struct {
	groupTech, groupSoft, groupCamp graph
	campTech, campSoft, campGroup   graph
	softTech, mitTech, detTech      graph
	compTech                        graph
	techGroup, techSoft, techCamp   graph
	techMit, techDet, techComp      graph
	subs                            graph
}

// pairs collects the relationships while the catalog is built.
type pairs struct {
	groupTech, groupSoft, campTech, campSoft, campGroup []pair
	softTech, mitTech, detTech, compDirect, subOf       []pair
}

// build is the one way a Catalog comes to be: from loaded bundles, from
// the embedded snapshot, or from a merge. d must be canonical.
func build(d *model.Data) *Catalog {
	b := &builder{c: &Catalog{data: d}, d: d}
	b.place()
	b.objects()
	// The lookup index reads only ids, names, aliases and marks, which
	// the other steps do not write: it is built on the second core.
	indexed := make(chan struct{})
	go func() {
		defer close(indexed)
		b.index()
	}()
	b.tacticOrder()
	b.relations()
	b.graphs()
	b.detection()
	b.lists()
	b.campaignCitations()
	<-indexed
	b.domains()
	return b.c
}

type builder struct {
	c    *Catalog
	d    *model.Data
	kind []Kind  // public kind of each model object; 0 for matrices
	pos  []int32 // index of each model object in its kind's slice
	byK  [KindDataComponent + 1][]int32
	p    pairs
}

var publicKind = map[model.Kind]Kind{
	model.Technique:         KindTechnique,
	model.Tactic:            KindTactic,
	model.Group:             KindGroup,
	model.Campaign:          KindCampaign,
	model.Malware:           KindSoftware,
	model.Tool:              KindSoftware,
	model.Mitigation:        KindMitigation,
	model.DetectionStrategy: KindDetectionStrategy,
	model.Analytic:          KindAnalytic,
	model.DataComponent:     KindDataComponent,
}

// place gives each object its index in its kind's slice, ordered by id,
// domain and STIX id (malware and tools mix into one software list).
func (b *builder) place() {
	objs := b.d.Objects
	b.kind = make([]Kind, len(objs))
	b.pos = make([]int32, len(objs))
	for i := range objs {
		k := publicKind[objs[i].Kind]
		b.kind[i] = k
		if k != 0 {
			b.byK[k] = append(b.byK[k], int32(i))
		}
	}
	order := func(x, y int32) int {
		ox, oy := &objs[x], &objs[y]
		return cmp.Or(strings.Compare(ox.ID, oy.ID),
			model.CompareDomains(ox.Domain(), oy.Domain()),
			strings.Compare(ox.STIXID, oy.STIXID))
	}
	for _, l := range b.byK {
		// Canonical data is in this order already, except software
		// (malware, then tools).
		if !slices.IsSortedFunc(l, order) {
			slices.SortStableFunc(l, order)
		}
		for p, i := range l {
			b.pos[i] = int32(p)
		}
	}
}

func (b *builder) objects() {
	c := b.c
	c.techniques = make([]Technique, len(b.byK[KindTechnique]))
	c.tactics = make([]Tactic, len(b.byK[KindTactic]))
	c.groups = make([]Group, len(b.byK[KindGroup]))
	c.campaigns = make([]Campaign, len(b.byK[KindCampaign]))
	c.software = make([]Software, len(b.byK[KindSoftware]))
	c.mitigations = make([]Mitigation, len(b.byK[KindMitigation]))
	c.strategies = make([]DetectionStrategy, len(b.byK[KindDetectionStrategy]))
	c.analytics = make([]Analytic, len(b.byK[KindAnalytic]))
	c.components = make([]DataComponent, len(b.byK[KindDataComponent]))
	c.revokedBy = make([]int32, len(c.techniques))
	for i := range c.revokedBy {
		c.revokedBy[i] = -1
	}
	for i := range b.d.Objects {
		b.object(&b.d.Objects[i], b.kind[i], b.pos[i])
	}
	c.techByID = make(map[string]int32, len(c.techniques))
	for i := len(c.techniques) - 1; i >= 0; i-- {
		t := &c.techniques[i]
		if j, ok := c.techByID[string(t.ID)]; !ok || !c.techniques[j].Active() || t.Active() {
			c.techByID[string(t.ID)] = int32(i)
		}
	}
}

func (b *builder) object(o *model.Object, k Kind, p int32) {
	c := b.c
	switch k {
	case KindTechnique:
		c.techniques[p] = Technique{ID: debrief.TechniqueID(o.ID), STIXID: o.STIXID, Name: o.Name, Domain: o.Domain(),
			Tactics: o.Phases, Platforms: o.Platforms, Deprecated: o.Deprecated, Revoked: o.Revoked, URL: o.URL}
	case KindTactic:
		c.tactics[p] = Tactic{ID: debrief.TacticID(o.ID), STIXID: o.STIXID, Name: o.Name, Shortname: o.Shortname,
			Domain: o.Domain(), Order: -1, Deprecated: o.Deprecated, Revoked: o.Revoked, URL: o.URL}
	case KindGroup:
		c.groups[p] = Group{ID: o.ID, STIXID: o.STIXID, Name: o.Name, Aliases: o.Aliases, Domains: o.Domains,
			Deprecated: o.Deprecated, Revoked: o.Revoked, URL: o.URL}
	case KindCampaign:
		c.campaigns[p] = Campaign{ID: o.ID, STIXID: o.STIXID, Name: o.Name, Aliases: o.Aliases, Domains: o.Domains,
			FirstSeen: parseTime(o.FirstSeen), LastSeen: parseTime(o.LastSeen),
			Deprecated: o.Deprecated, Revoked: o.Revoked, URL: o.URL}
	case KindSoftware:
		c.software[p] = Software{ID: o.ID, STIXID: o.STIXID, Name: o.Name, Type: o.Kind.STIXType(), Aliases: o.Aliases,
			Platforms: o.Platforms, Domains: o.Domains, Deprecated: o.Deprecated, Revoked: o.Revoked, URL: o.URL}
	case KindMitigation:
		c.mitigations[p] = Mitigation{ID: o.ID, STIXID: o.STIXID, Name: o.Name, Domains: o.Domains,
			Deprecated: o.Deprecated, Revoked: o.Revoked, URL: o.URL}
	case KindDetectionStrategy:
		c.strategies[p] = DetectionStrategy{ID: o.ID, STIXID: o.STIXID, Name: o.Name, Domains: o.Domains,
			Deprecated: o.Deprecated, Revoked: o.Revoked, URL: o.URL}
	case KindAnalytic:
		c.analytics[p] = Analytic{ID: o.ID, STIXID: o.STIXID, Name: o.Name, Domains: o.Domains, Platforms: o.Platforms,
			Deprecated: o.Deprecated, Revoked: o.Revoked, URL: o.URL}
	case KindDataComponent:
		dc := DataComponent{ID: o.ID, STIXID: o.STIXID, Name: o.Name, Domains: o.Domains,
			Deprecated: o.Deprecated, Revoked: o.Revoked, URL: o.URL}
		for _, l := range o.LogSources {
			dc.LogSources = append(dc.LogSources, LogSource{Name: l.Name, Channel: l.Channel})
		}
		c.components[p] = dc
	}
}

func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// tacticOrder numbers each domain's tactics in the order of its matrix
// (x-mitre-matrix tactic_refs); deprecated matrices do not count.
func (b *builder) tacticOrder() {
	for _, o := range b.d.Objects {
		if o.Kind != model.Matrix || o.Deprecated {
			continue
		}
		for n, r := range o.Refs {
			if b.kind[r] == KindTactic {
				b.c.tactics[b.pos[r]].Order = n
			}
		}
	}
}

func (b *builder) relations() {
	c, p := b.c, &b.p
	for _, r := range b.d.Relations {
		sk, tk := b.kind[r.Source], b.kind[r.Target]
		e := pair{b.pos[r.Source], b.pos[r.Target]}
		switch {
		case r.Type == model.Uses && sk == KindGroup && tk == KindTechnique:
			p.groupTech = append(p.groupTech, e)
		case r.Type == model.Uses && sk == KindGroup && tk == KindSoftware:
			p.groupSoft = append(p.groupSoft, e)
		case r.Type == model.Uses && sk == KindCampaign && tk == KindTechnique:
			p.campTech = append(p.campTech, e)
		case r.Type == model.Uses && sk == KindCampaign && tk == KindSoftware:
			p.campSoft = append(p.campSoft, e)
		case r.Type == model.Uses && sk == KindSoftware && tk == KindTechnique:
			p.softTech = append(p.softTech, e)
		case r.Type == model.Mitigates && sk == KindMitigation && tk == KindTechnique:
			p.mitTech = append(p.mitTech, e)
		case r.Type == model.Detects && sk == KindDetectionStrategy && tk == KindTechnique:
			p.detTech = append(p.detTech, e)
		case r.Type == model.Detects && sk == KindDataComponent && tk == KindTechnique:
			p.compDirect = append(p.compDirect, e)
		case r.Type == model.AttributedTo && sk == KindCampaign && tk == KindGroup:
			p.campGroup = append(p.campGroup, e)
		case r.Type == model.SubtechniqueOf && sk == KindTechnique && tk == KindTechnique:
			c.techniques[e.from].Parent = c.techniques[e.to].ID
			p.subOf = append(p.subOf, e)
		case r.Type == model.RevokedBy && sk == tk && sk != 0:
			b.revoked(sk, e.from, e.to)
		}
	}
	b.subFallback()
}

func (b *builder) revoked(k Kind, s, t int32) {
	c := b.c
	switch k {
	case KindTechnique:
		c.techniques[s].RevokedBy = c.techniques[t].ID
		c.revokedBy[s] = t
	case KindGroup:
		c.groups[s].RevokedBy = c.groups[t].ID
	case KindCampaign:
		c.campaigns[s].RevokedBy = c.campaigns[t].ID
	case KindSoftware:
		c.software[s].RevokedBy = c.software[t].ID
	case KindMitigation:
		c.mitigations[s].RevokedBy = c.mitigations[t].ID
	}
}

// subFallback gives sub-techniques without a subtechnique-of relationship
// the parent their id names, in their domain.
func (b *builder) subFallback() {
	c := b.c
	for i := range c.techniques {
		t := &c.techniques[i]
		if t.Parent != "" || !t.ID.IsSub() {
			continue
		}
		t.Parent = t.ID.Parent()
		if p, ok := c.techByID[string(t.Parent)]; ok && c.techniques[p].Domain == t.Domain {
			b.p.subOf = append(b.p.subOf, pair{int32(i), p})
		}
	}
}

// graphs turns the collected pairs into lists both ways.
func (b *builder) graphs() {
	c, p, l := b.c, &b.p, &b.c.links
	nT, nG, nC := len(c.techniques), len(c.groups), len(c.campaigns)
	l.groupTech, l.techGroup = newGraph(nG, p.groupTech), reversed(nT, p.groupTech)
	l.groupSoft = newGraph(nG, p.groupSoft)
	l.campTech, l.techCamp = newGraph(nC, p.campTech), reversed(nT, p.campTech)
	l.campSoft = newGraph(nC, p.campSoft)
	l.campGroup, l.groupCamp = newGraph(nC, p.campGroup), reversed(nG, p.campGroup)
	l.softTech, l.techSoft = newGraph(len(c.software), p.softTech), reversed(nT, p.softTech)
	l.mitTech, l.techMit = newGraph(len(c.mitigations), p.mitTech), reversed(nT, p.mitTech)
	l.detTech, l.techDet = newGraph(len(c.strategies), p.detTech), reversed(nT, p.detTech)
	l.subs = reversed(nT, p.subOf)
}

// detection links the v18 detection model: strategies list analytics,
// analytics name data components, and a data component helps detect what
// the strategies using it detect.
func (b *builder) detection() {
	c, l := b.c, &b.c.links
	var detAn []pair
	compTech := b.p.compDirect
	nSources := 0
	for mi, o := range b.d.Objects {
		if b.kind[mi] == KindAnalytic {
			nSources += len(o.LogSources)
		}
		if b.kind[mi] != KindDetectionStrategy {
			continue
		}
		det := b.pos[mi]
		for _, r := range o.Refs {
			if b.kind[r] != KindAnalytic {
				continue
			}
			detAn = append(detAn, pair{det, b.pos[r]})
			for _, ls := range b.d.Objects[r].LogSources {
				if ls.DataComponent < 0 || b.kind[ls.DataComponent] != KindDataComponent {
					continue
				}
				for _, t := range l.detTech.of(det) {
					compTech = append(compTech, pair{b.pos[ls.DataComponent], t})
				}
			}
		}
	}
	l.compTech, l.techComp = newGraph(len(c.components), compTech), reversed(len(c.techniques), compTech)
	anIDs := ids(newGraph(len(c.strategies), detAn), func(i int32) string { return c.analytics[i].ID })
	for i := range c.strategies {
		c.strategies[i].Analytics = anIDs[i]
	}
	detIDs := ids(reversed(len(c.analytics), detAn), func(i int32) string { return c.strategies[i].ID })
	for i := range c.analytics {
		c.analytics[i].Strategies = detIDs[i]
	}
	b.analyticSources(nSources)
}

// analyticSources names the data component of each analytic's log
// sources by id.
func (b *builder) analyticSources(n int) {
	c := b.c
	slab := make([]LogSource, 0, n)
	for mi, o := range b.d.Objects {
		if b.kind[mi] != KindAnalytic || len(o.LogSources) == 0 {
			continue
		}
		start := len(slab)
		for _, ls := range o.LogSources {
			id := ""
			if ls.DataComponent >= 0 && b.kind[ls.DataComponent] == KindDataComponent {
				id = c.components[b.pos[ls.DataComponent]].ID
			}
			slab = append(slab, LogSource{DataComponent: id, Name: ls.Name, Channel: ls.Channel})
		}
		c.analytics[b.pos[mi]].LogSources = slab[start:len(slab):len(slab)]
	}
}
