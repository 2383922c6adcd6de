package simulate

import (
	"container/heap"
	"context"
	"fmt"
	"iter"
	"math"
	"slices"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
)

// Options configure a simulation. Zero values take the scenario's.
type Options struct {
	Scenario        *Scenario       // nil: DefaultScenario()
	Catalog         *attack.Catalog // nil: attack.Embedded()
	Seed            uint64
	Days            int       // 0: the scenario's days
	Start           time.Time // zero: the scenario's start
	IncidentsPerDay float64   // 0: the scenario's incidents_per_day
	// Formats are the output formats the ground truth names ids for
	// (Run sets them); nil names the Defender ids only.
	Formats []string
}

// Generator produces a simulated history, day by day.
type Generator struct {
	g    *gen
	used bool
}

// Event is one thing the generator produces, in time order: an incident
// as its export shows it at the end of a day on which it was created or
// changed, or the ground truth of an intrusion nobody detected.
type Event struct {
	Day      time.Time         // the UTC day the event belongs to
	Incident *debrief.Incident // nil for an undetected intrusion
	// Truth is set on an incident's first event and on undetected
	// intrusions.
	Truth *TruthIncident
	// Seq is the incident's sequence number (1-based; 0 when undetected).
	Seq int64
	// First reports the incident's first appearance.
	First bool

	plan  *plan
	gen   *gen
	built []debrief.Alert // the plan's alerts raised by the end of the day
}

// Versions returns the incident after each change it had on the event's
// day, oldest first; the last is Incident. Sentinel writes one
// SecurityIncident row for each.
func (e Event) Versions() []*debrief.Incident { return e.versions(true) }

// versions makes the versions; without alertState their alerts are the
// plan's own (shared, in the state they were raised in), which is all a
// SecurityIncident row needs.
func (e Event) versions(alertState bool) []*debrief.Incident {
	if e.plan == nil {
		return nil
	}
	end := e.Day.Add(24 * time.Hour)
	var out []*debrief.Incident
	for _, t := range e.plan.changes {
		if !t.Before(e.Day) && t.Before(end) {
			out = append(out, e.gen.snapshotAt(e.plan, e.built, t, alertState))
		}
	}
	return out
}

// incidentIn returns the event's Incident, making it in reuse (an
// incident nobody uses any more, or nil) when the generator left it to
// the consumer; nil for an undetected intrusion.
func (e *Event) incidentIn(reuse *debrief.Incident) *debrief.Incident {
	if e.Incident == nil && e.plan != nil && e.gen.late {
		return e.gen.snapshotInto(reuse, e.plan, e.built, e.Day.Add(24*time.Hour-time.Nanosecond), true)
	}
	return e.Incident
}

// truthIn returns the event's Truth, making it in tp when the generator
// left it to the consumer.
func (e *Event) truthIn(tp *truthParts) *TruthIncident {
	if e.Truth == nil && e.First && e.plan != nil && e.gen.late {
		return e.gen.truthIn(tp, e.plan, e.built)
	}
	return e.Truth
}

// gen is the generator's state.
type gen struct {
	sc        *Scenario
	cat       *attack.Catalog
	seed      uint64
	r         *rng
	ts        *techniques
	chain     []*tactic
	actors    []*actor
	scripts   []*script
	noise     []*noise
	soc       *soc
	org       *org
	infra     *infra
	clusters  []*cluster
	benignIPs []string
	emerge    map[*technique]int
	rules     map[ruleKey]string // detector ids
	start     time.Time
	end       time.Time
	days      int
	perDay    float64
	formats   []string

	// late leaves an incident's snapshot and Truth to the consumer
	// (Event.incidentIn, Event.truthIn): Run makes them on the writers'
	// and the ground truth's goroutines. Both read only what stays fixed
	// once the plan is an incident.
	late bool
	// closeNotes are the closing comments made so far (note).
	closeNotes map[closeKey]string
	// entScratch and entEnds are makeAlerts's scratch space.
	entScratch []debrief.Entity
	entEnds    []int

	pending planHeap // planned incidents by creation time
	live    liveHeap // incidents with changes to come, by next change
	seq     int64
	alerts  int64
	planned int64
	counts  TruthCounts
}

// NewGenerator prepares a simulation.
func NewGenerator(opts Options) (*Generator, error) {
	g, err := newGen(opts)
	if err != nil {
		return nil, err
	}
	return &Generator{g: g}, nil
}

func newGen(opts Options) (*gen, error) {
	sc, cat := opts.Scenario, opts.Catalog
	if sc == nil {
		sc = DefaultScenario()
	}
	if cat == nil {
		c, err := attack.Embedded()
		if err != nil {
			return nil, err
		}
		cat = c
	}
	g := &gen{sc: sc, cat: cat, seed: opts.Seed, r: newRNG(opts.Seed, 1), days: sc.Days, start: sc.Start.Time,
		perDay: sc.IncidentsPerDay, formats: opts.Formats, emerge: map[*technique]int{}, rules: map[ruleKey]string{}}
	if opts.Days != 0 {
		g.days = opts.Days
	}
	if !opts.Start.IsZero() {
		g.start = opts.Start.UTC().Truncate(24 * time.Hour)
	}
	if opts.IncidentsPerDay != 0 {
		g.perDay = opts.IncidentsPerDay
	}
	if g.days < 1 || g.perDay < 0 || math.IsNaN(g.perDay) {
		return nil, debrief.Errorf(debrief.EINVALID, "simulate: want days ≥ 1 and incidents per day ≥ 0, got %d and %g", g.days, g.perDay)
	}
	if g.formats == nil {
		g.formats = []string{FormatDefender}
	}
	g.end = g.start.Add(time.Duration(g.days) * 24 * time.Hour)
	if err := g.build(); err != nil {
		return nil, err
	}
	return g, nil
}

// build resolves the scenario against the catalog and makes the world.
func (g *gen) build() error {
	var err error
	if g.ts, err = newTechniques(g.cat, g.sc, g.seed); err != nil {
		return err
	}
	b, err := newActorBuilder(g.cat, g.ts, g.sc)
	if err != nil {
		return err
	}
	g.chain = b.chain
	if g.actors, err = chooseActors(b, g.sc, newRNG(g.seed, 2)); err != nil {
		return err
	}
	g.org = newOrg(g.sc, newRNG(g.seed, 3))
	g.infra = newInfra(newRNG(g.seed, 4))
	for range 12 {
		g.benignIPs = append(g.benignIPs, g.infra.ip(g.infra.r))
	}
	if g.soc, err = newSOC(g.sc, g.ts); err != nil {
		return err
	}
	if err := g.buildScripts(b); err != nil {
		return err
	}
	if err := g.buildNoise(); err != nil {
		return err
	}
	return g.buildTrends()
}

func (g *gen) buildScripts(b *actorBuilder) error {
	for i, s := range g.sc.Scripts {
		sc := &script{Script: s}
		p := fmt.Sprintf("$.scripts[%d]", i)
		if s.Actor != "" {
			if sc.actor = b.build(ActorGroup, s.Actor); sc.actor == nil {
				return g.sc.errorf(p+".actor", "%q is not an ATT&CK group", s.Actor)
			}
		}
		for j, st := range s.Steps {
			q := fmt.Sprintf("%s.steps[%d]", p, j)
			t, err := g.ts.must(st.Technique, q+".technique")
			if err != nil {
				return err
			}
			ss := scriptStep{tech: t, tactic: t.tactics[0], after: time.Duration(st.After), optional: st.Optional}
			if st.Tactic != "" {
				tt, ok := g.ts.tactic(st.Tactic)
				if !ok {
					return g.sc.errorf(q+".tactic", "%q is not an Enterprise tactic", st.Tactic)
				}
				ss.tactic = tt
			}
			ss.target = map[string]uint8{"server": targetServer, "second_user": targetSecond}[st.Target]
			sc.steps = append(sc.steps, ss)
		}
		g.waves(sc)
		g.scripts = append(g.scripts, sc)
	}
	return nil
}

// waves splits the simulation into the script's clusters, one after the
// other.
func (g *gen) waves(s *script) {
	n := min(g.r.between(s.Clusters), g.days)
	for k := range n {
		c := g.infra.newCluster(g.org, k*g.days/n, (k+1)*g.days/n-1)
		c.script = s
		c.actor = s.actor
		s.clusters = append(s.clusters, c)
		g.clusters = append(g.clusters, c)
	}
}

func (g *gen) buildNoise() error {
	for i, n := range g.sc.Noise {
		nz := &noise{Noise: n, processSHA: lolbinHash(n.Process)}
		nz.severity, _ = debrief.ParseSeverity(n.Severity)
		for j, id := range n.Techniques {
			t, err := g.ts.must(id, fmt.Sprintf("$.noise[%d].techniques[%d]", i, j))
			if err != nil {
				return err
			}
			nz.techs = append(nz.techs, t)
		}
		nz.tactic = nz.techs[0].tactics[0]
		g.noise = append(g.noise, nz)
	}
	return nil
}

func (g *gen) buildTrends() error {
	for i, t := range g.sc.Trends {
		if t.Technique == "" {
			continue
		}
		tech, err := g.ts.must(t.Technique, fmt.Sprintf("$.trends[%d].technique", i))
		if err != nil {
			return err
		}
		if !containsTech(g.sourceTechniques(t.Source), tech) {
			return g.sc.errorf(fmt.Sprintf("$.trends[%d].technique", i), "%s is not a technique of %s", tech.id, t.Source)
		}
		if t.Kind == TrendEmerge {
			g.emerge[tech] = t.StartDay
		}
	}
	return nil
}

// sourceTechniques lists the techniques of a script or noise kind.
func (g *gen) sourceTechniques(name string) []*technique {
	for _, s := range g.scripts {
		if s.Name == name {
			var out []*technique
			for _, st := range s.steps {
				out = append(out, st.tech)
			}
			return out
		}
	}
	for _, n := range g.noise {
		if n.Name == name {
			return n.techs
		}
	}
	return nil
}

// emergesLater reports whether t is a technique that emerges after day d.
func (g *gen) emergesLater(t *technique, d int) bool {
	start, ok := g.emerge[t]
	return ok && d < start
}

func (g *gen) day(d int) time.Time { return g.start.Add(time.Duration(d) * 24 * time.Hour) }

// Truth returns the ground truth's header: everything but the incidents.
// Clusters and counts are complete once Events has finished.
func (gn *Generator) Truth() *GroundTruth { return gn.g.header() }

// Events runs the simulation and yields its events in time order. It can
// run once.
func (gn *Generator) Events(ctx context.Context) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		if gn.used {
			yield(Event{}, fmt.Errorf("simulate: a generator runs once"))
			return
		}
		gn.used = true
		g := gn.g
		for d := range g.days {
			if err := ctx.Err(); err != nil {
				yield(Event{}, err)
				return
			}
			if !g.runDay(d, yield) {
				return
			}
		}
		g.flushPending(yield)
	}
}

// runDay plans day d, turns the plans created that day into incidents and
// yields every incident that changed that day.
func (g *gen) runDay(d int, yield func(Event, error) bool) bool {
	day := g.day(d)
	dayEnd := day.Add(24 * time.Hour)
	if !g.planDay(d, func(p *plan) bool { return yield(g.undetected(day, p), nil) }) {
		return false
	}
	for g.pending.Len() > 0 && g.pending[0].created.Before(dayEnd) {
		g.process(heap.Pop(&g.pending).(*plan))
	}
	for g.live.Len() > 0 && g.live[0].key < dayEnd.UnixNano() {
		p := heap.Pop(&g.live).(*plan)
		asOf := dayEnd.Add(-time.Nanosecond)
		if n := raisedBy(p, asOf); len(p.built) < n {
			p.built = g.rebuildAlerts(p, n)
		}
		ev := Event{Day: day, Seq: p.seq, First: p.next == 0, plan: p, gen: g, built: p.built}
		if !g.late {
			ev.Incident = g.snapshotInto(nil, p, p.built, asOf, true)
		}
		if ev.First && !g.late {
			ev.Truth = g.truth(p, p.built)
		}
		for p.next < len(p.changes) && p.changes[p.next].Before(dayEnd) {
			p.next++
		}
		if p.next < len(p.changes) {
			// Keep the alerts for a change within keepAlerts; a plan
			// waiting longer rebuilds them.
			if !p.changes[p.next].Before(dayEnd.Add(keepAlerts)) {
				p.built = nil
			}
			p.key = p.changes[p.next].UnixNano()
			heap.Push(&g.live, p)
		}
		g.counts.Snapshots++
		if !yield(ev, nil) {
			return false
		}
	}
	return true
}

// keepAlerts is how long ahead a plan's next change may be for the plan
// to keep its alerts until then instead of rebuilding them: held memory
// grows with the incidents changing within it, not with all open ones.
const keepAlerts = 4 * 24 * time.Hour

// raisedBy counts the plan's alerts raised by t.
func raisedBy(p *plan, t time.Time) int {
	n := 0
	for n < len(p.alerts) && !p.alerts[n].created.After(t) {
		n++
	}
	return n
}

// flushPending reports the intrusions whose first alert would have come
// after the end: within the simulated time nobody detected them.
func (g *gen) flushPending(yield func(Event, error) bool) {
	for g.pending.Len() > 0 {
		p := heap.Pop(&g.pending).(*plan)
		p.alerts = nil
		for i := range p.steps {
			p.steps[i].detected = false
		}
		if !yield(g.undetected(g.day(g.days-1), p), nil) {
			return
		}
	}
}

// process turns a plan into an incident: numbers, handling, alerts.
func (g *gen) process(p *plan) {
	g.seq++
	p.seq = g.seq
	p.ids = newIncidentNames(p.seq)
	g.handle(p)
	g.clip(p)
	p.alertSeq = g.alerts + 1
	g.alerts += int64(len(p.alerts))
	g.buildAlerts(p)
	g.record(p)
	if need := 1 + len(p.built) + len(p.events); cap(p.changes) < need {
		p.changes = make([]time.Time, 0, need)
	}
	p.changes = p.changes[:0]
	p.changes = append(p.changes, p.created)
	for _, a := range p.built {
		p.changes = append(p.changes, a.Created)
	}
	for _, ev := range p.events {
		p.changes = append(p.changes, ev.at)
	}
	sortTimes(&p.changes)
	g.count(p)
	p.key = p.changes[0].UnixNano()
	heap.Push(&g.live, p)
}

func (g *gen) count(p *plan) {
	g.counts.Incidents++
	g.counts.Alerts += int64(len(p.alerts))
	switch p.kind {
	case KindIntrusion:
		g.counts.Intrusions++
	case KindScripted:
		g.counts.Scripted++
	default:
		g.counts.Noise++
	}
}

// clip drops what would happen after the end of the simulation.
func (g *gen) clip(p *plan) {
	sortByTime(p.events, func(e event) time.Time { return e.at })
	n := 0
	for n < len(p.events) && p.events[n].at.Before(g.end) {
		n++
	}
	p.events = p.events[:n]
	alerts := p.alerts[:0]
	for _, a := range p.alerts {
		if a.created.Before(g.end) {
			alerts = append(alerts, a)
		}
	}
	p.alerts = alerts
	steps := p.steps[:0]
	for _, s := range p.steps {
		if s.at.Before(g.end) {
			steps = append(steps, s)
		}
	}
	p.steps = steps
}

func sortTimes(ts *[]time.Time) {
	slices.SortFunc(*ts, time.Time.Compare)
	out := (*ts)[:0]
	for i, t := range *ts {
		if i == 0 || !t.Equal(out[len(out)-1]) {
			out = append(out, t)
		}
	}
	*ts = out
}

// planHeap orders plans by creation time, then by planning order.
type planHeap []*plan

func (h planHeap) Len() int { return len(h) }
func (h planHeap) Less(i, j int) bool {
	if !h[i].created.Equal(h[j].created) {
		return h[i].created.Before(h[j].created)
	}
	return h[i].order < h[j].order
}
func (h planHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *planHeap) Push(x any)   { *h = append(*h, x.(*plan)) }
func (h *planHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return x
}

// liveHeap orders incidents by their next change, then by number.
type liveHeap []*plan

func (h liveHeap) Len() int { return len(h) }
func (h liveHeap) Less(i, j int) bool {
	if h[i].key != h[j].key {
		return h[i].key < h[j].key
	}
	return h[i].seq < h[j].seq
}
func (h liveHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *liveHeap) Push(x any)   { *h = append(*h, x.(*plan)) }
func (h *liveHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return x
}
