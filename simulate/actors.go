package simulate

import (
	"fmt"
	"slices"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
)

// Actor kinds in the ground truth.
const (
	ActorGroup    = "group"
	ActorCampaign = "campaign"
)

// software is an ATT&CK malware or tool as alerts show it.
type software struct {
	id, name, kind string // kind: malware or tool
	file           string // the file name alerts show, e.g. "mimikatz.exe"
	fileSHA        string // its stand-in hash when it is a system binary
}

// candidate is a technique an actor may use for a tactic, and the
// software through which it does (if any).
type candidate struct {
	tech     *technique
	software []*software
	weight   float64
}

// actor is an ATT&CK group or campaign that intrusions follow.
type actor struct {
	kind     string // ActorGroup or ActorCampaign
	id, name string
	group    string // the group (for a campaign: the attributed group)
	campaign string
	byTactic [][]candidate // by kill-chain position
	nTech    int
	software []*software // by id
	clusters []*cluster  // ours, in order of creation
}

// actorBuilder turns catalog groups and campaigns into actors.
type actorBuilder struct {
	cat   *attack.Catalog
	ts    *techniques
	skip  map[string]bool // tactics outside the kill chain
	soft  map[string]*software
	chain []*tactic
}

func newActorBuilder(cat *attack.Catalog, ts *techniques, sc *Scenario) (*actorBuilder, error) {
	b := &actorBuilder{cat: cat, ts: ts, skip: map[string]bool{}, soft: map[string]*software{}}
	for i, s := range sc.KillChain.SkipTactics {
		t, ok := ts.tactic(s)
		if !ok {
			return nil, sc.errorf(fmt.Sprintf("$.kill_chain.skip_tactics[%d]", i), "%q is not an Enterprise tactic", s)
		}
		b.skip[t.short] = true
	}
	for _, t := range ts.tactics {
		if !b.skip[t.short] {
			b.chain = append(b.chain, t)
		}
	}
	return b, nil
}

// build makes the actor for a group or campaign id; nil when the catalog
// gives it no usable technique.
func (b *actorBuilder) build(kind, id string) *actor {
	a := &actor{kind: kind, byTactic: make([][]candidate, len(b.ts.tactics))}
	var used []attack.UsedTechnique
	switch kind {
	case ActorGroup:
		g, ok := b.cat.Group(id)
		if !ok {
			return nil
		}
		a.id, a.name, a.group = g.ID, g.Name, g.ID
		used = b.cat.TechniquesOfGroup(g.ID)
	default:
		c, ok := b.cat.Campaign(id)
		if !ok || len(c.Groups) == 0 {
			return nil
		}
		a.id, a.name, a.group, a.campaign = c.ID, c.Name, c.Groups[0], c.ID
		used = b.cat.TechniquesOfCampaign(c.ID)
	}
	soft := map[string]bool{}
	for _, u := range used {
		t, ok := b.ts.get(u.ID)
		if !ok {
			continue
		}
		c := candidate{tech: t, weight: viaWeight(u.Via)}
		for _, sid := range u.Software {
			if s := b.software(sid); s != nil {
				c.software = append(c.software, s)
				soft[s.id] = true
			}
		}
		added := false
		for _, tt := range t.tactics {
			if !b.skip[tt.short] {
				a.byTactic[tt.order] = append(a.byTactic[tt.order], c)
				added = true
			}
		}
		if added {
			a.nTech++
		}
	}
	for _, id := range sortedKeys(soft) {
		a.software = append(a.software, b.soft[id])
	}
	if a.nTech == 0 {
		return nil
	}
	return a
}

// viaWeight prefers what the actor itself was seen doing.
func viaWeight(v attack.Via) float64 {
	switch {
	case v&attack.Direct != 0:
		return 3
	case v&attack.ViaCampaign != 0:
		return 2
	}
	return 1
}

func (b *actorBuilder) software(id string) *software {
	if s, ok := b.soft[id]; ok {
		return s
	}
	sw, ok := b.cat.Software(id)
	if !ok || !sw.Active() {
		b.soft[id] = nil
		return nil
	}
	s := &software{id: sw.ID, name: sw.Name, kind: sw.Type, file: fileName(sw.Name)}
	s.fileSHA = lolbinHash(s.file)
	b.soft[id] = s
	return s
}

// fileName makes the executable name alerts show for a software name:
// "Cobalt Strike" → "cobaltstrike.exe".
func fileName(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "payload.exe"
	}
	return b.String() + ".exe"
}

// chooseActors returns the scenario's actors: the named ones, then the
// automatic choice among rich profiles, each list sorted by id before the
// seeded shuffle so that the choice depends only on the seed.
func chooseActors(b *actorBuilder, sc *Scenario, r *rng) ([]*actor, error) {
	var out []*actor
	taken := map[string]bool{}
	for i, id := range sc.Actors.Groups {
		a := b.build(ActorGroup, id)
		if a == nil {
			return nil, sc.errorf(fmt.Sprintf("$.actors.groups[%d]", i), "%q is not an ATT&CK group with Enterprise techniques", id)
		}
		out, taken[a.id] = append(out, a), true
	}
	for i, id := range sc.Actors.Campaigns {
		a := b.build(ActorCampaign, id)
		if a == nil {
			return nil, sc.errorf(fmt.Sprintf("$.actors.campaigns[%d]", i), "%q is not an ATT&CK campaign attributed to a group", id)
		}
		out, taken[a.id] = append(out, a), true
	}
	min := sc.Actors
	groups := b.rich(ActorGroup, ids(b.cat.Groups(), groupID), min.MinTechniques, min.MinTactics, taken)
	camps := b.rich(ActorCampaign, ids(b.cat.Campaigns(), campaignID), min.MinTechniques/2, min.MinTactics-3, taken)
	for _, id := range draw(r, groups, min.AutoGroups) {
		out = append(out, b.build(ActorGroup, id))
	}
	for _, id := range draw(r, camps, min.AutoCampaigns) {
		out = append(out, b.build(ActorCampaign, id))
	}
	if sc.Mix.Intrusions > 0 && len(out) == 0 {
		return nil, sc.errorf("$.actors", "no group or campaign of the catalog has a rich enough profile (min_techniques %d, min_tactics %d)",
			min.MinTechniques, min.MinTactics)
	}
	return out, nil
}

func groupID(g *attack.Group) (string, bool) {
	return g.ID, g.Active() && slices.Contains(g.Domains, enterprise)
}

func campaignID(c *attack.Campaign) (string, bool) {
	return c.ID, c.Active() && slices.Contains(c.Domains, enterprise) && len(c.Groups) > 0
}

func ids[T any](objs []*T, id func(*T) (string, bool)) []string {
	var out []string
	for _, o := range objs {
		if s, ok := id(o); ok {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// rich returns the ids whose profiles are rich enough: at least minTech
// techniques in the kill chain, over at least minTactics of its tactics,
// with a way in (its first tactic). It only counts; draw picks among them
// and only the actors drawn are built.
func (b *actorBuilder) rich(kind string, ids []string, minTech, minTactics int, taken map[string]bool) []string {
	var out []string
	pr := b.newProfiler()
	for _, id := range ids {
		if taken[id] {
			continue
		}
		nTech, tactics, seen := pr.count(kind, id)
		if nTech > 0 && nTech >= minTech && tactics >= minTactics && seen[b.chain[0].order] {
			out = append(out, id)
		}
	}
	return out
}

// profiler counts the kill-chain techniques and tactics of groups and
// campaigns: the techniques TechniquesOfGroup and TechniquesOfCampaign
// return (an actor's own, its software's and, for a group, its
// campaigns'), read from the catalog's id lists without making those
// lists for each of the catalog's actors.
type profiler struct {
	b    *actorBuilder
	soft map[string]*attack.Software
	camp map[string]*attack.Campaign
	// keys two objects share (e.g. a revoked copy): the lists do not say
	// which is meant, so an actor naming one is counted from the catalog's
	// own relations
	shared map[string]bool
	stamp  map[debrief.TechniqueID]int // the count that last saw a technique
	n      int
	seen   []bool // by kill-chain position
}

func (b *actorBuilder) newProfiler() *profiler {
	pr := &profiler{b: b, soft: map[string]*attack.Software{}, camp: map[string]*attack.Campaign{},
		shared: map[string]bool{}, stamp: map[debrief.TechniqueID]int{}, seen: make([]bool, len(b.ts.tactics))}
	for _, s := range b.cat.AllSoftware() {
		if pr.soft[s.Key()] != nil {
			pr.shared[s.Key()] = true
		}
		pr.soft[s.Key()] = s
	}
	for _, c := range b.cat.Campaigns() {
		if pr.camp[c.Key()] != nil {
			pr.shared[c.Key()] = true
		}
		pr.camp[c.Key()] = c
	}
	return pr
}

// sharing reports whether a list names a key two objects share.
func (pr *profiler) sharing(keys ...[]string) bool {
	for _, ks := range keys {
		for _, k := range ks {
			if pr.shared[k] {
				return true
			}
		}
	}
	return false
}

// count returns the number of the actor's techniques in the kill chain,
// of kill-chain tactics they cover, and which (by position; valid until
// the next count). Zero for an unknown group or a campaign attributed to
// none.
func (pr *profiler) count(kind, id string) (nTech, tactics int, seen []bool) {
	pr.n++
	clear(pr.seen)
	add := func(ids []debrief.TechniqueID) {
		for _, tid := range ids {
			if pr.stamp[tid] == pr.n {
				continue
			}
			pr.stamp[tid] = pr.n
			t, ok := pr.b.ts.get(tid)
			if !ok {
				continue
			}
			added := false
			for _, tt := range t.tactics {
				if !pr.b.skip[tt.short] {
					if !pr.seen[tt.order] {
						pr.seen[tt.order], tactics = true, tactics+1
					}
					added = true
				}
			}
			if added {
				nTech++
			}
		}
	}
	addSoftware := func(keys []string) {
		for _, k := range keys {
			if s := pr.soft[k]; s != nil {
				add(s.Techniques)
			}
		}
	}
	switch kind {
	case ActorGroup:
		g, ok := pr.b.cat.Group(id)
		if !ok {
			return 0, 0, pr.seen
		}
		if pr.sharing(g.Software, g.Campaigns) {
			for _, u := range pr.b.cat.TechniquesOfGroup(g.ID) {
				add([]debrief.TechniqueID{u.ID})
			}
			break
		}
		add(g.Techniques)
		addSoftware(g.Software)
		for _, k := range g.Campaigns {
			if c := pr.camp[k]; c != nil {
				add(c.Techniques)
			}
		}
	default:
		c, ok := pr.b.cat.Campaign(id)
		if !ok || len(c.Groups) == 0 {
			return 0, 0, pr.seen
		}
		if pr.sharing(c.Software) {
			for _, u := range pr.b.cat.TechniquesOfCampaign(c.ID) {
				add([]debrief.TechniqueID{u.ID})
			}
			break
		}
		add(c.Techniques)
		addSoftware(c.Software)
	}
	return nTech, tactics, pr.seen
}

// draw picks n of ids at random (a seeded partial shuffle), in id order.
func draw(r *rng, ids []string, n int) []string {
	n = min(n, len(ids))
	for i := 0; i < n; i++ {
		j := i + r.IntN(len(ids)-i)
		ids[i], ids[j] = ids[j], ids[i]
	}
	out := slices.Clone(ids[:n])
	slices.Sort(out)
	return out
}
