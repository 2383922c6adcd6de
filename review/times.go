package review

import (
	"time"

	"github.com/debrief-dev/debrief"
)

// effectiveTimes is the incident's time model with the gaps a store may
// leave filled from what the incident carries: first alert and first
// activity from its alerts, created from the first alert, first triage
// from the first history change or comment, resolved from the last change
// to a closed status.
func effectiveTimes(in *debrief.Incident) debrief.Times {
	t := in.Times
	var firstAlert, firstActivity, lastActivity time.Time
	for i := range in.Alerts {
		a := &in.Alerts[i]
		firstAlert = earliest(firstAlert, a.Created)
		firstActivity = earliest(firstActivity, a.FirstActivity)
		lastActivity = latest(lastActivity, a.LastActivity)
	}
	t.FirstAlert = or(t.FirstAlert, firstAlert)
	t.FirstActivity = or(t.FirstActivity, firstActivity)
	t.LastActivity = or(t.LastActivity, lastActivity)
	t.Created = or(t.Created, t.FirstAlert)
	if t.FirstTriage.IsZero() {
		t.FirstTriage = firstTriage(in, t.Created)
	}
	if t.Resolved.IsZero() && in.Status.Closed() {
		t.Resolved = lastClosed(in.History)
	}
	return t
}

// firstTriage is the first change or comment at or after created.
func firstTriage(in *debrief.Incident, created time.Time) time.Time {
	var first time.Time
	for _, c := range in.History {
		if !c.At.Before(created) {
			first = earliest(first, c.At)
		}
	}
	for _, c := range in.Comments {
		if !c.At.Before(created) {
			first = earliest(first, c.At)
		}
	}
	return first
}

func lastClosed(h []debrief.Change) time.Time {
	var last time.Time
	for _, c := range h {
		if st, ok := debrief.ParseStatus(c.To); c.Field == "status" && ok && st.Closed() {
			last = latest(last, c.At)
		}
	}
	return last
}

// combine joins the time models of several incidents into one for the
// timeline's milestones: the earliest of each point, and the latest
// resolution when every incident is resolved.
func combine(ts []debrief.Times) debrief.Times {
	var c debrief.Times
	allResolved := len(ts) > 0
	for _, t := range ts {
		c.FirstActivity = earliest(c.FirstActivity, t.FirstActivity)
		c.FirstAlert = earliest(c.FirstAlert, t.FirstAlert)
		c.Created = earliest(c.Created, t.Created)
		c.FirstTriage = earliest(c.FirstTriage, t.FirstTriage)
		c.Contained = earliest(c.Contained, t.Contained)
		c.LastActivity = latest(c.LastActivity, t.LastActivity)
		c.Updated = latest(c.Updated, t.Updated)
		c.Resolved = latest(c.Resolved, t.Resolved)
		allResolved = allResolved && !t.Resolved.IsZero()
	}
	if !allResolved {
		c.Resolved = time.Time{}
	}
	return c
}

// earliest returns the earlier of two times, ignoring zero ones.
func earliest(cur, t time.Time) time.Time {
	if cur.IsZero() || !t.IsZero() && t.Before(cur) {
		return t
	}
	return cur
}

// latest returns the later of two times, ignoring zero ones.
func latest(cur, t time.Time) time.Time {
	if t.After(cur) {
		return t
	}
	return cur
}

func or(t, fallback time.Time) time.Time {
	if t.IsZero() {
		return fallback
	}
	return t
}
