package simulate

import (
	"slices"
	"time"

	"github.com/debrief-dev/debrief"
)

// Incident kinds in the ground truth.
const (
	KindIntrusion = "intrusion" // follows an ATT&CK group or campaign
	KindScripted  = "scripted"  // follows a scripted path of the scenario
	KindNoise     = "noise"     // a benign or false positive
)

// Targets of a step.
const (
	targetVictim uint8 = iota
	targetServer
	targetSecond
)

// script is a scenario script resolved against the catalog.
type script struct {
	Script
	steps    []scriptStep
	actor    *actor // the group it is attributed to, or nil
	clusters []*cluster
}

type scriptStep struct {
	tech     *technique
	tactic   *tactic
	after    time.Duration
	optional float64
	target   uint8
}

// noise is a scenario noise kind resolved against the catalog.
type noise struct {
	Noise
	processSHA string
	techs      []*technique
	tactic     *tactic
	severity   debrief.Severity
}

// step is one thing an adversary did.
type step struct {
	at       time.Time
	tech     *technique
	tactic   *tactic
	soft     *software
	target   uint8
	detected bool
	alertAt  time.Time
}

// alertPlan is an alert the plan raises.
type alertPlan struct {
	activity time.Time
	created  time.Time
	techs    []*technique
	tactic   *tactic
	soft     *software
	target   uint8
	step     int // index into steps; -1 for noise
}

// plan is one incident (or undetected intrusion) from planning to its
// last change.
type plan struct {
	kind    string
	actor   *actor
	script  *script
	noise   *noise
	cl      *cluster
	victim  int // user
	second  int // user
	server  int // device
	who     int // user for noise (-1: the system account)
	host    int // device for noise
	steps   []step
	alerts  []alertPlan
	created time.Time
	truth   debrief.Verdict
	det     string // the true determination
	order   int64  // planning order, to break ties

	// Set when the plan becomes an incident.
	seq       int64
	alertSeq  int64           // sequence number of its first alert
	ids       incidentNames   // its ids and URL, made once for every snapshot
	built     []debrief.Alert // nil (or fewer) while waiting past tomorrow
	replay    alertReplay
	events    []event
	history   []debrief.Change  // the whole history, by time
	comments  []debrief.Comment // every comment, by time
	changes   []time.Time       // every moment its export changes, sorted
	next      int               // index into changes of the next not yet emitted
	key       int64             // changes[next] in Unix nanoseconds, the live heap's key
	handling  handling
	contained time.Time // effective containment (zero: none)
}

// finishAlerts orders the alerts and sets the creation time: a few
// seconds to minutes after the first alert.
func (p *plan) finishAlerts(r *rng) bool {
	if len(p.alerts) == 0 {
		return false
	}
	sortByTime(p.alerts, func(a alertPlan) time.Time { return a.created })
	p.created = p.alerts[0].created.Add(time.Duration(5+r.IntN(180)) * time.Second)
	return true
}

// planIntrusion plans an intrusion by an actor starting on day d.
func (g *gen) planIntrusion(d int, a *actor) *plan {
	r := g.r
	cl := g.actorCluster(a, d)
	p := &plan{kind: KindIntrusion, actor: a, cl: cl, truth: debrief.VerdictTruePositive, det: "multi_staged_attack"}
	g.targets(p, cl)
	start := g.day(d).Add(r.offset(24 * time.Hour))
	used := map[*technique]bool{}
	lateral := false
	for i, t := range g.chain {
		cands := a.byTactic[t.order]
		if len(cands) == 0 || len(p.steps) > 0 && !r.prob(g.sc.KillChain.TacticProbability) {
			continue
		}
		lateral = lateral || t.short == "lateral-movement"
		for range r.between(g.sc.KillChain.StepsPerTactic) {
			c, ok := g.choose(cands, used, d)
			if !ok {
				break
			}
			used[c.tech] = true
			s := step{tech: c.tech, tactic: t}
			if len(c.software) > 0 && r.prob(0.7) {
				s.soft = pick(r, c.software)
			}
			if lateral && i > 0 && r.prob(0.6) {
				s.target = targetServer
			}
			p.steps = append(p.steps, s)
		}
	}
	g.timeSteps(p, start, r.lognormal(g.sc.KillChain.Duration, 1))
	g.detect(p)
	return p
}

// choose draws a candidate technique not used yet, skipping a technique
// that emerges later.
func (g *gen) choose(cands []candidate, used map[*technique]bool, d int) (candidate, bool) {
	w := make([]float64, len(cands))
	for i, c := range cands {
		if !used[c.tech] && !g.emergesLater(c.tech, d) {
			w[i] = c.weight
		}
	}
	i := g.r.weighted(w)
	if i < 0 {
		return candidate{}, false
	}
	return cands[i], true
}

// timeSteps spreads the steps over the duration, in order, the first at
// start.
func (g *gen) timeSteps(p *plan, start time.Time, dur time.Duration) {
	offs := make([]time.Duration, len(p.steps))
	for i := 1; i < len(offs); i++ {
		offs[i] = g.r.offset(dur + time.Millisecond)
	}
	slices.Sort(offs)
	for i := range p.steps {
		p.steps[i].at = start.Add(offs[i])
	}
}

// detect decides which steps raise alerts, and when.
func (g *gen) detect(p *plan) {
	det := g.sc.Detection
	for i := range p.steps {
		s := &p.steps[i]
		if !g.r.prob(s.tech.coverage) {
			continue
		}
		s.detected = true
		delay := g.r.lognormal(det.Delay, 1)
		if g.r.prob(det.Late) {
			delay = g.r.lognormal(det.LateDelay, 1)
		}
		s.alertAt = s.at.Add(delay)
		p.alerts = append(p.alerts, alertPlan{activity: s.at, created: s.alertAt, techs: []*technique{s.tech},
			tactic: s.tactic, soft: s.soft, target: s.target, step: i})
	}
}

// targets chooses the victims of an attack plan.
func (g *gen) targets(p *plan, cl *cluster) {
	r := g.r
	p.victim = pick(r, cl.victims)
	p.second = r.IntN(len(g.org.users))
	if p.second == p.victim {
		p.second = (p.second + 1) % len(g.org.users)
	}
	p.server = pick(r, g.org.servers)
	p.who, p.host = p.victim, g.org.users[p.victim].device
}

// planScript plans one run of a scripted path starting on day d.
func (g *gen) planScript(d int, s *script) *plan {
	r := g.r
	cl := s.clusterOn(d)
	p := &plan{kind: KindScripted, script: s, actor: s.actor, cl: cl, truth: debrief.VerdictTruePositive, det: "multi_staged_attack"}
	g.targets(p, cl)
	at := g.day(d).Add(g.workTime(false))
	for i, st := range s.steps {
		if st.optional > 0 && r.prob(st.optional) {
			continue
		}
		if i > 0 && st.after > 0 {
			at = at.Add(r.lognormal(LogNormal{Median: Duration(st.after), Sigma: 0.6}, 1))
		}
		p.steps = append(p.steps, step{at: at, tech: st.tech, tactic: st.tactic, target: st.target})
	}
	g.detect(p)
	return p
}

// planNoise plans one benign or false-positive incident on day d.
func (g *gen) planNoise(d int, n *noise) *plan {
	r, o := g.r, g.org
	p := &plan{kind: KindNoise, noise: n, truth: debrief.Verdict(n.Verdict), det: n.Determination, who: -1}
	switch n.Who {
	case "user":
		p.who = r.IntN(len(o.users))
	case "admin":
		p.who = pick(r, o.admins)
	case "tester":
		p.who = pick(r, o.testers)
	}
	p.host = r.IntN(len(o.devices))
	if p.who >= 0 {
		p.host = o.users[p.who].device
	}
	p.victim, p.second, p.server = max(p.who, 0), max(p.who, 0), pick(r, o.servers)
	at := g.day(d).Add(g.workTime(n.Who == "service"))
	p.steps = make([]step, 0, len(n.techs))
	for _, t := range n.techs {
		p.steps = append(p.steps, step{at: at, tech: t, tactic: t.tactics[0], detected: true, alertAt: at})
	}
	k := r.between(n.Alerts)
	p.alerts = make([]alertPlan, 0, k)
	for i := range k {
		act := at
		if i > 0 {
			act = at.Add(r.lognormal(LogNormal{Median: Duration(10 * time.Minute), Sigma: 1}, float64(i)))
		}
		target := targetVictim
		if n.Who == "admin" && r.prob(0.7) {
			target = targetServer
		}
		p.alerts = append(p.alerts, alertPlan{activity: act, created: act.Add(r.lognormal(g.sc.Detection.Delay, 1)),
			techs: n.techs, tactic: n.tactic, target: target, step: -1})
	}
	return p
}

// workTime draws a time of day: mostly office hours, or any time.
func (g *gen) workTime(anyTime bool) time.Duration {
	r := g.r
	if anyTime || r.prob(0.2) {
		return r.offset(24 * time.Hour)
	}
	return 7*time.Hour + r.offset(11*time.Hour)
}

// actorCluster returns the actor's cluster running on day d, starting a
// new one when none is.
func (g *gen) actorCluster(a *actor, d int) *cluster {
	if n := len(a.clusters); n > 0 && a.clusters[n-1].last >= d {
		return a.clusters[n-1]
	}
	c := g.infra.newCluster(g.org, d, d+g.r.between(g.sc.Actors.ClusterDays)-1)
	c.actor = a
	a.clusters = append(a.clusters, c)
	g.clusters = append(g.clusters, c)
	return c
}

// clusterOn returns the script's wave that runs on day d.
func (s *script) clusterOn(d int) *cluster {
	for _, c := range s.clusters {
		if d <= c.last {
			return c
		}
	}
	return s.clusters[len(s.clusters)-1]
}
