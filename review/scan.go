package review

import (
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/d3fend"
)

const enterprise = "enterprise-attack"

// builder holds what one pass over the alerts gathers.
type builder struct {
	in       []*debrief.Incident
	cat      *attack.Catalog
	d3f      *d3fend.Catalog
	times    []debrief.Times // effective, per incident
	combined debrief.Times

	tactics  map[string]string // spelling → shortname ("" when unknown)
	matrix   []*attack.Tactic  // Enterprise tactics in matrix order
	stages   map[string]*Stage // by shortname
	techs    map[debrief.TechniqueID]*techAcc
	entities map[string]*entityAcc
	alerts   int
}

type techAcc struct {
	t        Technique
	sources  set
	entities set
	tactics  set
}

type entityAcc struct {
	e         Entity
	lastAlert int // index+1 of the last alert counted
}

// set keeps strings in insertion order without repeats.
type set struct {
	m    map[string]bool
	list []string
}

func (s *set) add(v string) {
	if v == "" || s.m[v] {
		return
	}
	if s.m == nil {
		s.m = map[string]bool{}
	}
	s.m[v] = true
	s.list = append(s.list, v)
}

func newBuilder(in []*debrief.Incident, opts Options) *builder {
	b := &builder{
		in: in, cat: opts.Catalog, d3f: opts.D3FEND,
		tactics:  map[string]string{},
		stages:   map[string]*Stage{},
		techs:    map[debrief.TechniqueID]*techAcc{},
		entities: map[string]*entityAcc{},
	}
	for _, t := range opts.Catalog.Tactics(enterprise) {
		if t.Order >= 0 && t.Active() {
			b.matrix = append(b.matrix, t)
		}
	}
	b.times = make([]debrief.Times, len(in))
	for i, x := range in {
		b.times[i] = effectiveTimes(x)
	}
	b.combined = combine(b.times)
	return b
}

// shortname resolves a tactic spelling through the catalog, once per
// spelling.
func (b *builder) shortname(s string) string {
	if v, ok := b.tactics[s]; ok {
		return v
	}
	v := ""
	if t, ok := b.cat.Tactic(s); ok {
		v = t.Shortname
	}
	b.tactics[s] = v
	return v
}

// scan makes one pass over every alert.
func (b *builder) scan() {
	n := 0
	for _, x := range b.in {
		for i := range x.Alerts {
			n++
			b.alert(&x.Alerts[i], n)
		}
	}
	b.alerts = n
	// The techniques and tactics the incidents name themselves, apart
	// from their alerts (debrief.Incident.OwnTechniques, OwnTactics): in
	// the review, with no alert and no time, so that an incident exported
	// without its alerts has some, and a stage its own record names is
	// seen rather than a gap.
	for _, x := range b.in {
		for _, id := range x.OwnTechniques {
			b.technique(debrief.Technique{ID: id})
		}
		for _, s := range x.OwnTactics {
			b.stage(b.shortname(s))
		}
	}
}

// when is the time an alert's activity began, or its creation.
func when(a *debrief.Alert) time.Time { return or(a.FirstActivity, a.Created) }

func (b *builder) alert(a *debrief.Alert, n int) {
	at := when(a)
	var tactics set
	for _, s := range a.Tactics {
		tactics.add(b.shortname(s))
	}
	for _, t := range a.Techniques {
		acc := b.technique(t)
		acc.t.Alerts++
		acc.t.FirstSeen = earliest(acc.t.FirstSeen, at)
		acc.t.LastSeen = latest(acc.t.LastSeen, or(a.LastActivity, at))
		acc.sources.add(detectedBy(a))
		for _, e := range a.Entities {
			acc.entities.add(e.Key())
		}
		for _, s := range t.Tactics {
			if sn := b.shortname(s); sn != "" {
				acc.tactics.add(sn)
				tactics.add(sn)
			}
		}
		if len(t.Tactics) == 0 {
			for _, sn := range acc.tactics.list {
				tactics.add(sn)
			}
		}
	}
	for _, sn := range tactics.list {
		if st := b.stage(sn); st != nil {
			st.Alerts++
			st.First = earliest(st.First, at)
		}
	}
	for _, e := range a.Entities {
		b.entity(e, a, n)
	}
}

// detectedBy names what raised an alert.
func detectedBy(a *debrief.Alert) string {
	switch {
	case a.DetectionSource != "":
		return a.DetectionSource
	case a.Product != "":
		return a.Product
	}
	return string(a.Source)
}

func (b *builder) technique(t debrief.Technique) *techAcc {
	if acc, ok := b.techs[t.ID]; ok {
		return acc
	}
	acc := &techAcc{t: Technique{ID: t.ID, Name: t.Name, Status: t.Status}}
	if ct, ok := b.cat.Technique(string(t.ID)); ok {
		acc.t.Name = fullName(b.cat, ct)
		acc.t.URL = ct.URL
		if len(t.Tactics) == 0 {
			for _, s := range ct.Tactics {
				acc.tactics.add(s)
			}
		}
	} else if t.Status == debrief.TechniqueKnown {
		acc.t.Status = debrief.TechniqueUnknown
	}
	if acc.t.Name == "" {
		acc.t.Name = string(t.ID)
	}
	b.techs[t.ID] = acc
	return acc
}

// fullName is "Parent: Sub" for a sub-technique.
func fullName(c *attack.Catalog, t *attack.Technique) string {
	if t.Parent == "" {
		return t.Name
	}
	if p, ok := c.Technique(string(t.Parent)); ok {
		return p.Name + ": " + t.Name
	}
	return t.Name
}

func (b *builder) stage(shortname string) *Stage {
	if st, ok := b.stages[shortname]; ok {
		return st
	}
	for _, t := range b.matrix {
		if t.Shortname == shortname {
			st := &Stage{TacticID: t.ID, Tactic: t.Shortname, Name: t.Name, URL: t.URL}
			b.stages[shortname] = st
			return st
		}
	}
	return nil
}

func (b *builder) entity(e debrief.Entity, a *debrief.Alert, n int) {
	key := e.Key()
	acc, ok := b.entities[key]
	if !ok {
		acc = &entityAcc{e: Entity{Key: key, Kind: e.Kind, ID: e.ID}}
		b.entities[key] = acc
	}
	x := &acc.e
	x.Name = cmpOr(x.Name, e.Name)
	x.Role = cmpOr(x.Role, e.Role)
	x.Verdict = cmpOr(x.Verdict, e.Verdict)
	if acc.lastAlert != n {
		acc.lastAlert = n
		x.Alerts++
		x.First = earliest(x.First, when(a))
		x.Last = latest(x.Last, or(a.LastActivity, when(a)))
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
