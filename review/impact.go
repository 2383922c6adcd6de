package review

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/debrief-dev/debrief"
)

func (b *builder) header() Header {
	h := Header{Alerts: b.alerts, Start: or(b.combined.FirstActivity, b.combined.FirstAlert).UTC()}
	var sources, assignees, tags set
	closed := true
	for _, x := range b.in {
		h.Incidents = append(h.Incidents, IncidentRef{
			ID: x.ID, Title: x.Title, Severity: x.Severity, Status: x.Status, Verdict: x.Verdict,
			Assignee: x.Assignee, Created: x.Times.Created.UTC(), Alerts: len(x.Alerts), URL: x.URL,
		})
		sources.add(string(x.Source))
		assignees.add(x.Assignee)
		for _, t := range x.Tags {
			tags.add(t)
		}
		h.Severity = maxSeverity(h.Severity, x.Severity)
		for i := range x.Alerts {
			h.Severity = maxSeverity(h.Severity, x.Alerts[i].Severity)
		}
		if verdictRank(x.Verdict) > verdictRank(h.Verdict) {
			h.Verdict, h.Determination = x.Verdict, x.Determination
		}
		closed = closed && x.Status.Closed()
	}
	h.Sources = []debrief.Source{}
	for _, s := range sources.list {
		h.Sources = append(h.Sources, debrief.Source(s))
	}
	h.Assignees, h.Tags = assignees.list, tags.list
	h.Status = b.in[0].Status
	if len(b.in) > 1 {
		h.Status = debrief.StatusActive
		if closed {
			h.Status = debrief.StatusResolved
		}
	}
	h.Title = title(b.in)
	return h
}

func title(in []*debrief.Incident) string {
	t := cmp.Or(in[0].Title, in[0].ID)
	if len(in) == 1 {
		return t
	}
	return fmt.Sprintf("%s and %d more incidents", t, len(in)-1)
}

func maxSeverity(a, b debrief.Severity) debrief.Severity {
	if b.Rank() > a.Rank() {
		return b
	}
	return a
}

// verdictRank orders verdicts by how much they say about an attack.
func verdictRank(v debrief.Verdict) int {
	switch v {
	case debrief.VerdictTruePositive:
		return 3
	case debrief.VerdictBenignPositive:
		return 2
	case debrief.VerdictFalsePositive:
		return 1
	}
	return 0
}

func kindRank(k debrief.EntityKind) int {
	if i := slices.Index(debrief.EntityKinds, k); i >= 0 {
		return i
	}
	return len(debrief.EntityKinds)
}

func (b *builder) impact() Impact {
	im := Impact{Counts: []EntityCount{}, Entities: make([]Entity, 0, len(b.entities))}
	counts := map[debrief.EntityKind]int{}
	for _, acc := range b.entities {
		e := acc.e
		e.First, e.Last = e.First.UTC(), e.Last.UTC()
		im.Entities = append(im.Entities, e)
		counts[acc.e.Kind]++
	}
	slices.SortFunc(im.Entities, func(x, y Entity) int {
		return cmp.Or(
			cmp.Compare(kindRank(x.Kind), kindRank(y.Kind)),
			cmp.Compare(y.Alerts, x.Alerts),
			strings.Compare(x.ID, y.ID),
		)
	})
	for _, k := range debrief.EntityKinds {
		if counts[k] > 0 {
			im.Counts = append(im.Counts, EntityCount{Kind: k, Count: counts[k]})
		}
	}
	return im
}

// Count returns how many entities of a kind the impact lists.
func (im Impact) Count(k debrief.EntityKind) int {
	for _, c := range im.Counts {
		if c.Kind == k {
			return c.Count
		}
	}
	return 0
}

// Of returns the entities of a kind, most alerts first.
func (im Impact) Of(k debrief.EntityKind) []Entity {
	var out []Entity
	for _, e := range im.Entities {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}
