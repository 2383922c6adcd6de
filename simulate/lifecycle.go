package simulate

import (
	"time"

	"github.com/debrief-dev/debrief"
)

// Kinds of SOC actions on an incident.
const (
	evTriage uint8 = iota + 1
	evEscalate
	evContain
	evResolve
	evReopen
)

// event is one action of the SOC on an incident.
type event struct {
	at      time.Time
	kind    uint8
	who     int // analyst
	verdict debrief.Verdict
	det     string
}

// handling is what the SOC did, for the ground truth.
type handling struct {
	analyst     int
	escalatedTo int // -1: not escalated
	firstTriage time.Time
	contained   time.Time
	resolved    time.Time // final resolution; zero when open at the end
	firstClosed time.Time
	firstVerdit debrief.Verdict
	final       debrief.Verdict
	reopened    bool
	wrong       bool
	skills      []string
	load        int
}

// maxOverload caps how much a full queue slows an analyst down.
const maxOverload = 3

// handle decides how the SOC handles the incident: who, when, with what
// verdict, whether it is escalated, contained, reopened. Containment cuts
// the intrusion short: steps and alerts after it do not happen.
func (g *gen) handle(p *plan) {
	r, c := g.r, g.sc.SOC
	techs := p.techniques()
	a, avail := g.soc.assign(p.created, 1, r, -1)
	h := handling{analyst: a.idx, escalatedTo: -1}
	h.load = a.load(p.created)
	eff := g.soc.effect(a, techs)
	loadF := min(maxOverload, 1+c.Overload*float64(max(0, h.load-c.Capacity)))
	triage := avail.Add(r.lognormal(c.Acknowledge, eff.ack*a.Speed*loadF*weekend(avail, c.WeekendFactor)))
	h.firstTriage = triage
	p.events = append(p.events, event{at: triage, kind: evTriage, who: a.idx})
	owner, t := a, triage
	if a.Tier == 1 && r.prob(eff.escalate) {
		b, bAvail := g.soc.assign(t.Add(r.lognormal(LogNormal{Median: Duration(40 * time.Minute), Sigma: 0.7}, 1)), 2, r, a.idx)
		owner, t = b, bAvail
		h.escalatedTo = b.idx
		p.events = append(p.events, event{at: t, kind: evEscalate, who: b.idx})
		eff = g.soc.effect(b, techs)
	}
	tp := p.truth == debrief.VerdictTruePositive
	if tp {
		t = g.contain(p, &h, t, owner.idx)
	}
	g.resolve(p, &h, owner, eff, loadF, t)
	g.reopenOnAlerts(p, &h, owner, eff.resolve*owner.Speed*loadF)
	g.soc.analysts[owner.idx].open.pushOpen(h, p.created)
	h.skills = eff.skills
	p.handling = h
}

// contain adds a containment action after t and returns its time.
func (g *gen) contain(p *plan, h *handling, t time.Time, who int) time.Time {
	r, c := g.r, g.sc.SOC
	at := t.Add(r.lognormal(c.Contain, 1))
	p.events = append(p.events, event{at: at, kind: evContain, who: who})
	if h.contained.IsZero() {
		h.contained = at
	}
	if r.prob(c.ContainEffective) && p.contained.IsZero() {
		p.contained = at
		p.cut(at)
	}
	return at
}

// resolve closes the incident (unless it stays open), possibly with the
// wrong verdict, and reopens it when that is found out.
func (g *gen) resolve(p *plan, h *handling, owner *analyst, eff effect, loadF float64, after time.Time) {
	r, c := g.r, g.sc.SOC
	if r.prob(c.Unresolved) {
		return
	}
	factor := eff.resolve * owner.Speed * loadF
	if p.truth == debrief.VerdictTruePositive {
		factor *= c.TruePositiveFactor
	}
	at := p.created.Add(r.lognormal(c.Resolve, factor))
	if !at.After(after) {
		at = after.Add(time.Duration(1+r.IntN(30)) * time.Minute)
	}
	at = at.Add(weekendDelay(at, c.WeekendFactor))
	wrongP := eff.wrong
	if p.truth == debrief.VerdictTruePositive {
		wrongP = eff.missed
	}
	h.wrong = r.prob(min(1, wrongP*owner.Accuracy))
	v, det := p.truth, p.det
	if h.wrong {
		v, det = g.wrongVerdict(p.truth)
	}
	p.events = append(p.events, event{at: at, kind: evResolve, who: owner.idx, verdict: v, det: det})
	h.firstClosed, h.firstVerdit, h.final, h.resolved = at, v, v, at
	g.reopen(p, h, owner, eff, factor, at)
}

// reopen reopens a closed incident: a wrongly closed true positive when
// its intrusion raises another alert or someone notices, a wrong verdict
// on a benign one when someone notices, and now and then a right one.
func (g *gen) reopen(p *plan, h *handling, owner *analyst, eff effect, factor float64, closed time.Time) {
	r, c := g.r, g.sc.SOC
	var at time.Time
	switch {
	case h.wrong && p.truth == debrief.VerdictTruePositive && p.alertAfter(closed) != nil:
		at = p.alertAfter(closed).created.Add(time.Duration(1+r.IntN(20)) * time.Minute)
	case h.wrong && r.prob(c.ReopenAfterWrong), !h.wrong && r.prob(eff.reopen):
		at = closed.Add(r.lognormal(c.ReopenDelay, 1))
	default:
		return
	}
	h.reopened = true
	p.events = append(p.events, event{at: at, kind: evReopen, who: owner.idx})
	t := at
	if p.truth == debrief.VerdictTruePositive && p.contained.IsZero() {
		t = g.contain(p, h, at, owner.idx)
	}
	end := t.Add(r.lognormal(c.Resolve, factor))
	p.events = append(p.events, event{at: end, kind: evResolve, who: owner.idx, verdict: p.truth, det: p.det})
	h.final, h.resolved = p.truth, end
}

// reopenOnAlerts reopens the incident whenever an alert joins it while it
// is closed (a detection that came late, or activity before containment
// found afterwards): the owner looks at it and closes it again with the
// verdict it had.
func (g *gen) reopenOnAlerts(p *plan, h *handling, owner *analyst, factor float64) {
	sortByTime(p.events, func(e event) time.Time { return e.at })
	for i := range p.alerts {
		a := &p.alerts[i]
		last := p.stateAt(a.created)
		if last == nil || last.kind != evResolve || p.reopenedSoonAfter(a.created) {
			continue
		}
		at := a.created.Add(time.Duration(1+g.r.IntN(20)) * time.Minute)
		end := at.Add(g.r.lognormal(g.sc.SOC.Resolve, factor/4))
		p.events = append(p.events, event{at: at, kind: evReopen, who: owner.idx},
			event{at: end, kind: evResolve, who: owner.idx, verdict: last.verdict, det: last.det})
		h.reopened, h.resolved = true, end
		sortByTime(p.events, func(e event) time.Time { return e.at })
	}
}

// stateAt returns the last resolution or reopening at or before t, nil
// when there is none.
func (p *plan) stateAt(t time.Time) *event {
	var last *event
	for j := range p.events {
		ev := &p.events[j]
		if ev.at.After(t) {
			break
		}
		if ev.kind == evResolve || ev.kind == evReopen {
			last = ev
		}
	}
	return last
}

// reopenedSoonAfter reports whether a reopening follows t within the
// time an analyst takes to notice a new alert.
func (p *plan) reopenedSoonAfter(t time.Time) bool {
	for _, ev := range p.events {
		if ev.kind == evReopen && ev.at.After(t) && ev.at.Sub(t) <= 30*time.Minute {
			return true
		}
	}
	return false
}

// wrongVerdict is the verdict of a mistake: a true positive closed as a
// benign or false positive, a benign one called malicious.
func (g *gen) wrongVerdict(truth debrief.Verdict) (debrief.Verdict, string) {
	if truth == debrief.VerdictTruePositive {
		if g.r.prob(0.6) {
			return debrief.VerdictBenignPositive, "confirmed_activity"
		}
		return debrief.VerdictFalsePositive, "clean"
	}
	return debrief.VerdictTruePositive, "malware"
}

// weekend slows work that starts on a Saturday or Sunday.
func weekend(t time.Time, factor float64) float64 {
	if wd := t.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return factor
	}
	return 1
}

// weekendDelay pushes a resolution that falls on a weekend night to the
// morning: nobody closes incidents at 3 a.m. on a Sunday.
func weekendDelay(t time.Time, factor float64) time.Duration {
	if weekend(t, factor) == 1 || t.Hour() >= 7 {
		return 0
	}
	return time.Duration(7-t.Hour()) * time.Hour
}

// techniques lists the distinct techniques of the plan's alerts.
func (p *plan) techniques() []*technique {
	var out []*technique
	for _, a := range p.alerts {
		for _, t := range a.techs {
			if !containsTech(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

func containsTech(ts []*technique, t *technique) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// alertAfter returns the first alert created after t, or nil.
func (p *plan) alertAfter(t time.Time) *alertPlan {
	for i := range p.alerts {
		if p.alerts[i].created.After(t) {
			return &p.alerts[i]
		}
	}
	return nil
}

// cut removes the steps and alerts after an effective containment.
func (p *plan) cut(at time.Time) {
	steps := p.steps[:0]
	for _, s := range p.steps {
		if !s.at.After(at) {
			steps = append(steps, s)
		}
	}
	p.steps = steps
	alerts := p.alerts[:0]
	for _, a := range p.alerts {
		if !a.activity.After(at) {
			alerts = append(alerts, a)
		}
	}
	p.alerts = alerts
}

// pushOpen records an incident an analyst owns until it is resolved (a
// week for one left open).
func (h *timeHeap) pushOpen(hd handling, created time.Time) {
	until := hd.resolved
	if until.IsZero() {
		until = created.Add(7 * 24 * time.Hour)
	}
	h.push(until)
}
