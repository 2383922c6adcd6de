package simulate

import (
	"slices"
	"time"

	"github.com/debrief-dev/debrief"
)

// header is the ground truth without incidents.
func (g *gen) header() *GroundTruth {
	sc := g.sc
	gt := &GroundTruth{Schema: TruthSchema, Scenario: sc.Name, Seed: g.seed, Start: g.start, End: g.end, Days: g.days,
		IncidentsPerDay: g.perDay, ATTACK: attackVersion(g.cat), Formats: slices.Clone(g.formats),
		Organisation: TruthOrg{Name: sc.Organisation.Name, Domain: g.org.domain, Users: len(g.org.users),
			Devices: len(g.org.devices), Servers: len(g.org.servers)},
		Counts: g.counts}
	for _, a := range g.actors {
		gt.Actors = append(gt.Actors, TruthActor{Kind: a.kind, ID: a.id, Name: a.name, Group: a.group, Campaign: a.campaign,
			Techniques: a.nTech, Software: len(a.software)})
	}
	for _, a := range g.soc.analysts {
		gt.Analysts = append(gt.Analysts, TruthAnalyst{Name: a.Name, Email: a.Email, Tier: a.Tier, Shift: a.Shift,
			Speed: a.Speed, Accuracy: a.Accuracy})
	}
	for _, k := range g.soc.skills {
		ts := g.truthSkill(k)
		if k.gap {
			gt.Gaps = append(gt.Gaps, ts)
		} else {
			gt.Strengths = append(gt.Strengths, ts)
		}
	}
	gt.Trends = g.truthTrends()
	gt.Coverage = g.truthCoverage()
	for _, c := range g.clusters {
		gt.Clusters = append(gt.Clusters, g.truthCluster(c))
	}
	return gt
}

func (g *gen) truthSkill(k *skill) TruthSkill {
	ts := TruthSkill{Name: k.Name, Kind: "strength", Technique: k.tech, Acknowledge: k.Acknowledge, Resolve: k.Resolve,
		WrongVerdict: k.WrongVerdict, Reopen: k.Reopen, Escalate: k.Escalate}
	if k.gap {
		ts.Kind = "gap"
	}
	if k.tactic != nil {
		ts.Tactic = k.tactic.short
	}
	for _, i := range k.analysts {
		ts.Analysts = append(ts.Analysts, g.soc.analysts[i].Email)
	}
	return ts
}

func (g *gen) truthTrends() []TruthTrend {
	var out []TruthTrend
	for _, t := range g.sc.Trends {
		tt := TruthTrend{Name: t.Name, Kind: t.Kind, Source: t.Source, StartDay: t.StartDay, EndDay: t.EndDay,
			From: t.From, To: t.To, Period: t.Period, Amplitude: t.Amplitude}
		if t.Kind == TrendSeasonal {
			tt.EndDay = g.days - 1
		}
		if t.Technique != "" {
			tt.Technique, _ = debrief.ParseTechniqueID(t.Technique)
		}
		for _, s := range g.sourceTechniques(t.Source) {
			if !slices.Contains(tt.Techniques, s.id) {
				tt.Techniques = append(tt.Techniques, s.id)
			}
		}
		slices.Sort(tt.Techniques)
		tt.StartDate = g.day(tt.StartDay).Format(time.DateOnly)
		tt.EndDate = g.day(tt.EndDay).Format(time.DateOnly)
		out = append(out, tt)
	}
	return out
}

// truthCoverage lists the true coverage of every technique the
// simulation can use, by id.
func (g *gen) truthCoverage() []TruthCoverage {
	ts := slices.Clone(g.ts.seenList)
	slices.SortFunc(ts, func(a, b *technique) int { return compareIDs(a.id, b.id) })
	out := make([]TruthCoverage, 0, len(ts))
	for _, t := range ts {
		out = append(out, TruthCoverage{Technique: t.id, Name: t.name, Tactics: shortnames(t.tactics),
			Probability: t.coverage, Product: t.product})
	}
	return out
}

func compareIDs(a, b debrief.TechniqueID) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (g *gen) truthCluster(c *cluster) TruthCluster {
	tc := TruthCluster{ID: c.id, First: g.day(c.first).Format(time.DateOnly), Last: g.day(min(c.last, g.days-1)).Format(time.DateOnly),
		IPs: c.ips, Domains: c.domains, Senders: c.senders, OAuthApp: c.app}
	if c.actor != nil {
		tc.Actor = actorRef(c.actor)
	}
	if c.script != nil {
		tc.Script = c.script.Name
	}
	seen := map[int]bool{}
	for _, v := range c.victims {
		if !seen[v] {
			seen[v] = true
			tc.Victims = append(tc.Victims, g.org.users[v].upn)
		}
	}
	for _, f := range c.files {
		tf := TruthFile{Name: f.name, SHA256: f.sha256}
		if f.software != nil {
			tf.Software = f.software.id
		}
		tc.Files = append(tc.Files, tf)
	}
	return tc
}

func actorRef(a *actor) *TruthActorRef {
	return &TruthActorRef{Group: a.group, Campaign: a.campaign, Name: a.name}
}

// truthParts holds one incident of the ground truth and what it is made
// of: new for each incident the generator yields, reused by Run's
// ground-truth goroutine, which renders one incident before it makes
// the next.
type truthParts struct {
	ti         TruthIncident
	ids        FormatIDs
	actor      TruthActorRef
	handling   TruthHandling
	steps      []TruthStep
	techniques []string
	alerts     []TruthAlert
	alertTechs []debrief.TechniqueID // every alert's techniques, one after the other
	alertOf    []int                 // 1-based alert of each step, 0: none
}

// truth describes an incident for the ground truth; built holds all its
// alerts. It reads only what stays fixed once the plan is an incident,
// so Run makes it on the ground truth's goroutine.
func (g *gen) truth(p *plan, built []debrief.Alert) *TruthIncident {
	return g.truthIn(new(truthParts), p, built)
}

// truthIn is truth, made in tp.
func (g *gen) truthIn(tp *truthParts, p *plan, built []debrief.Alert) *TruthIncident {
	ti := g.truthBase(tp, p)
	ti.N, ti.Detected = p.seq, true
	tp.ids = incidentIDs(g.seed, p.seq, p.qualifiedID(), g.formats)
	ti.IDs = &tp.ids
	ntech := 0
	for i := range built {
		ntech += len(built[i].Techniques)
	}
	techs := grown(tp.alertTechs, ntech)
	ti.Alerts = grown(tp.alerts, len(built))
	alertOf := grown(tp.alertOf, len(ti.Steps))[:len(ti.Steps)]
	clear(alertOf)
	for i := range built {
		a := &built[i]
		ta := TruthAlert{N: p.alertSeq + int64(i), Created: a.Created, IDs: alertIDs(g.seed, p.alertSeq+int64(i), a, g.formats)}
		start := len(techs)
		for _, t := range a.Techniques {
			techs = append(techs, t.ID)
		}
		if len(techs) > start {
			ta.Techniques = techs[start:len(techs):len(techs)]
		}
		ti.Alerts = append(ti.Alerts, ta)
		if st := p.alerts[i].step; st >= 0 && st < len(alertOf) {
			alertOf[st] = i + 1
		}
	}
	for i := range ti.Steps {
		ti.Steps[i].Alert = alertOf[i]
		ti.Steps[i].Detected = alertOf[i] > 0 || p.noise != nil
	}
	tp.alertTechs, tp.alerts, tp.alertOf = techs, ti.Alerts, alertOf
	tp.handling = g.truthHandling(p)
	ti.Handling = &tp.handling
	return ti
}

// grown returns s emptied, with room for n elements.
func grown[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, 0, n)
	}
	return s[:0]
}

// undetected describes an attack nobody detected.
func (g *gen) undetected(day time.Time, p *plan) Event {
	ti := g.truthBase(new(truthParts), p)
	return Event{Day: day, Truth: ti}
}

func (g *gen) truthBase(tp *truthParts, p *plan) *TruthIncident {
	tp.ti = TruthIncident{Kind: p.kind, Verdict: p.truth, Determination: p.det}
	ti := &tp.ti
	switch {
	case p.noise != nil:
		ti.Source = p.noise.Name
	case p.script != nil:
		ti.Source = p.script.Name
	default:
		ti.Source = p.actor.id
	}
	if p.actor != nil {
		tp.actor = TruthActorRef{Group: p.actor.group, Campaign: p.actor.campaign, Name: p.actor.name}
		ti.Actor = &tp.actor
	}
	if p.cl != nil {
		ti.Cluster = p.cl.id
	}
	ti.Steps = grown(tp.steps, len(p.steps))
	ti.Techniques = grown(tp.techniques, len(p.steps))
	for _, s := range p.steps {
		if s.at.After(g.end) {
			continue
		}
		ts := TruthStep{At: s.at, Technique: s.tech.id, Tactic: s.tactic.short}
		if s.soft != nil {
			ts.Software = s.soft.id
		}
		ti.Steps = append(ti.Steps, ts)
		ti.FirstActivity = earliest(ti.FirstActivity, s.at)
		ti.LastActivity = latestOf(ti.LastActivity, s.at)
		if !slices.Contains(ti.Techniques, string(s.tech.id)) {
			ti.Techniques = append(ti.Techniques, string(s.tech.id))
		}
	}
	slices.Sort(ti.Techniques)
	tp.steps, tp.techniques = ti.Steps, ti.Techniques
	return ti
}

// truthHandling summarises the SOC's actions as exported (after clipping
// to the simulated time).
func (g *gen) truthHandling(p *plan) TruthHandling {
	h := TruthHandling{Created: p.created, Skills: p.handling.skills, Load: p.handling.load}
	email := func(i int) string { return g.soc.analysts[i].Email }
	h.Analyst = email(p.handling.analyst)
	for _, ev := range p.events {
		switch ev.kind {
		case evTriage:
			h.FirstTriage = ev.at
		case evEscalate:
			h.EscalatedTo, h.Escalated = email(ev.who), true
		case evContain:
			h.Contained = earliest(h.Contained, ev.at)
		case evResolve:
			if h.FirstClosed.IsZero() {
				h.FirstClosed, h.FirstVerdict = ev.at, ev.verdict
				h.WrongVerdict = ev.verdict != p.truth
			}
			h.Resolved, h.FinalVerdict = ev.at, ev.verdict
		case evReopen:
			h.Reopened = true
			h.Resolved, h.FinalVerdict = time.Time{}, ""
		}
	}
	return h
}
