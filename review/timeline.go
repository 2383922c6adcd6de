package review

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
)

// MilestoneTitle is how a milestone reads on the timeline.
func MilestoneTitle(m Milestone) string {
	switch m {
	case MilestoneFirstActivity:
		return "First malicious activity"
	case MilestoneFirstAlert:
		return "First alert"
	case MilestoneCreated:
		return "Incident created"
	case MilestoneFirstTriage:
		return "First triage"
	case MilestoneContained:
		return "Contained"
	case MilestoneResolved:
		return "Resolved"
	}
	return string(m)
}

func milestones(t debrief.Times) []Event {
	points := []struct {
		m  Milestone
		at time.Time
	}{
		{MilestoneFirstActivity, t.FirstActivity},
		{MilestoneFirstAlert, t.FirstAlert},
		{MilestoneCreated, t.Created},
		{MilestoneFirstTriage, t.FirstTriage},
		{MilestoneContained, t.Contained},
		{MilestoneResolved, t.Resolved},
	}
	var out []Event
	for _, p := range points {
		if !p.at.IsZero() {
			out = append(out, Event{At: p.at.UTC(), Kind: EventMilestone, Milestone: p.m, Title: MilestoneTitle(p.m)})
		}
	}
	return out
}

// timeline lists the milestones, every alert (at its creation), every
// history change and every comment, ordered by time.
func (b *builder) timeline() []Event {
	out := append([]Event{}, milestones(b.combined)...)
	for _, x := range b.in {
		for i := range x.Alerts {
			out = append(out, alertEvent(x.ID, &x.Alerts[i], b))
		}
		for _, c := range x.History {
			out = append(out, Event{
				At: c.At.UTC(), Kind: EventChange, IncidentID: x.ID, Actor: c.By,
				Title: fmt.Sprintf("%s: %s → %s", c.Field, dash(c.From), dash(c.To)),
			})
		}
		for _, c := range x.Comments {
			out = append(out, Event{At: c.At.UTC(), Kind: EventComment, IncidentID: x.ID, Actor: c.Author,
				Title: "Comment", Detail: c.Text})
		}
	}
	slices.SortStableFunc(out, compareEvents)
	return out
}

func dash(s string) string { return cmp.Or(s, "—") }

func alertEvent(incident string, a *debrief.Alert, b *builder) Event {
	e := Event{
		At: a.Created.UTC(), Kind: EventAlert, IncidentID: incident, AlertID: a.ID,
		Title: a.Title, Detail: a.Description, Actor: detectedBy(a), Severity: a.Severity,
	}
	if !a.FirstActivity.IsZero() {
		e.Activity = a.FirstActivity.UTC()
	}
	if len(a.Techniques) > 0 {
		e.Techniques = make([]debrief.TechniqueID, len(a.Techniques))
		for i, t := range a.Techniques {
			e.Techniques[i] = t.ID
		}
	}
	var tactics set
	for _, s := range a.Tactics {
		tactics.add(b.shortname(s))
	}
	for _, t := range a.Techniques {
		for _, s := range t.Tactics {
			tactics.add(b.shortname(s))
		}
		if acc := b.techs[t.ID]; len(t.Tactics) == 0 && acc != nil {
			for _, s := range acc.tactics.list {
				tactics.add(s)
			}
		}
	}
	e.Tactics = tactics.list
	return e
}

func kindOrder(k EventKind) int {
	return slices.Index([]EventKind{EventMilestone, EventAlert, EventChange, EventComment}, k)
}

func milestoneOrder(m Milestone) int {
	return slices.Index([]Milestone{MilestoneFirstActivity, MilestoneFirstAlert, MilestoneCreated,
		MilestoneFirstTriage, MilestoneContained, MilestoneResolved}, m)
}

func compareEvents(x, y Event) int {
	return cmp.Or(
		x.At.Compare(y.At),
		cmp.Compare(kindOrder(x.Kind), kindOrder(y.Kind)),
		cmp.Compare(milestoneOrder(x.Milestone), milestoneOrder(y.Milestone)),
		strings.Compare(x.IncidentID, y.IncidentID),
		strings.Compare(x.AlertID, y.AlertID),
	)
}

// killChain lists the Enterprise tactics in matrix order and marks each
// seen, a gap (between the first and last seen) or not seen.
func (b *builder) killChain() []Stage {
	out := make([]Stage, 0, len(b.matrix))
	first, last := -1, -1
	for i, t := range b.matrix {
		st, ok := b.stages[t.Shortname]
		if !ok {
			out = append(out, Stage{TacticID: t.ID, Tactic: t.Shortname, Name: t.Name, URL: t.URL})
			continue
		}
		s := *st
		s.Status = StageSeen
		s.Techniques = b.stageTechniques(t.Shortname)
		if !s.First.IsZero() {
			s.First = s.First.UTC()
		}
		out = append(out, s)
		if first < 0 {
			first = i
		}
		last = i
	}
	for i := range out {
		switch {
		case out[i].Status == StageSeen:
		case first >= 0 && i > first && i < last:
			out[i].Status = StageGap
		default:
			out[i].Status = StageNotSeen
		}
	}
	return out
}

func (b *builder) stageTechniques(shortname string) []debrief.TechniqueID {
	var out []debrief.TechniqueID
	for id, acc := range b.techs {
		if slices.Contains(b.validTactics(id, acc.tactics.list), shortname) {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}
