package ingest

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/debrief-dev/debrief"
)

// Placeholders makes a placeholder incident (debrief.Incident.Placeholder)
// for every incident that stored alerts name but the store lacks, and
// builds again those whose alerts changed since, from the store's
// OrphanAlerts, a batch at a time: a Graph alerts_v2 export, or the alerts
// of an incident whose own record was not exported, then shows as
// incidents. It returns how many placeholders it wrote (new or changed) and
// how many alerts they hold. Running it again changes nothing.
func Placeholders(ctx context.Context, store debrief.Store) (Tally, error) {
	const batchSize = 500
	var t Tally
	var pending []debrief.Record
	var counts []int // alerts of each pending placeholder
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		res, err := store.Write(ctx, pending)
		if err != nil {
			return fmt.Errorf("store: %w", err)
		}
		// Write counts, but does not name, the placeholders it left
		// unchanged (an incident's own record written meanwhile): the
		// alerts of a batch are counted when it left none.
		n := res.IncidentsNew + res.IncidentsUpdated
		t.Incidents += n
		if n == len(pending) {
			for _, c := range counts {
				t.Alerts += c
			}
		}
		clear(pending)
		pending, counts = pending[:0], counts[:0]
		return nil
	}
	var id string
	var group []debrief.Alert
	emit := func() error {
		in, ok := Placeholder(id, group)
		group = group[:0]
		if !ok {
			return nil
		}
		pending = append(pending, debrief.Record{Incident: &in})
		counts = append(counts, len(in.AlertIDs))
		if len(pending) >= batchSize {
			return flush()
		}
		return nil
	}
	err := store.OrphanAlerts(ctx, func(a debrief.Alert) error {
		if a.IncidentID != id && len(group) > 0 {
			if err := emit(); err != nil {
				return err
			}
		}
		id = a.IncidentID
		group = append(group, a)
		return nil
	})
	if err == nil && len(group) > 0 {
		err = emit()
	}
	if err == nil {
		err = flush()
	}
	if err != nil {
		return t, fmt.Errorf("placeholders: %w", err)
	}
	return t, nil
}

// Placeholder builds the placeholder of incident id from the alerts that
// name it: its source and source id from id; the first alert's title (with
// how many others there are); the highest severity; resolved when every
// alert is closed, else the furthest of new, active and in progress; the
// verdict and determination when all alerts agree on them; first alert and
// created at the earliest alert's creation, first and last activity over
// the alerts, resolved (when resolved) at the last alert's resolution,
// updated at the last alert's update; and the alerts' ids. It reports false
// when id is not source-qualified or there are no alerts.
func Placeholder(id string, alerts []debrief.Alert) (debrief.Incident, bool) {
	src, sid, ok := debrief.SplitID(id)
	if !ok || len(alerts) == 0 {
		return debrief.Incident{}, false
	}
	alerts = slices.SortedStableFunc(slices.Values(alerts), func(a, b debrief.Alert) int {
		switch {
		case a.Created.IsZero() != b.Created.IsZero(): // unknown times last
			if a.Created.IsZero() {
				return 1
			}
			return -1
		}
		return a.Created.Compare(b.Created)
	})
	in := debrief.Incident{
		ID: id, Source: src, SourceID: sid, Placeholder: true,
		Title: alerts[0].Title,
		Description: fmt.Sprintf("Built by debrief from %s: the incident's own record has not been ingested.",
			plural(len(alerts), "alert")),
		Verdict: alerts[0].Verdict, Determination: alerts[0].Determination,
	}
	if in.Title == "" {
		in.Title = "Incident " + sid
	}
	if n := len(alerts) - 1; n > 0 {
		in.Title += fmt.Sprintf(" (and %s)", plural(n, "other alert"))
	}
	closed := true
	t := &in.Times
	for _, a := range alerts {
		in.AlertIDs = append(in.AlertIDs, a.ID)
		if a.Severity.Rank() > in.Severity.Rank() {
			in.Severity = a.Severity
		}
		closed = closed && a.Status.Closed()
		if statusRank(a.Status) > statusRank(in.Status) {
			in.Status = a.Status
		}
		if a.Verdict != in.Verdict {
			in.Verdict = debrief.VerdictUndetermined
		}
		if a.Determination != in.Determination {
			in.Determination = ""
		}
		earliest(&t.FirstAlert, a.Created)
		earliest(&t.FirstActivity, a.FirstActivity)
		latest(&t.LastActivity, a.LastActivity)
		latest(&t.Resolved, a.Resolved)
		latest(&t.Updated, a.Updated)
	}
	slices.Sort(in.AlertIDs)
	t.Created = t.FirstAlert
	if closed {
		in.Status = debrief.StatusResolved
	} else {
		t.Resolved = time.Time{}
	}
	return in, true
}

// statusRank orders the statuses of an open incident: new, active, in
// progress; 0 for the others.
func statusRank(s debrief.Status) int {
	return slices.Index([]debrief.Status{debrief.StatusNew, debrief.StatusActive, debrief.StatusInProgress}, s) + 1
}

func earliest(t *time.Time, u time.Time) {
	if !u.IsZero() && (t.IsZero() || u.Before(*t)) {
		*t = u
	}
}

func latest(t *time.Time, u time.Time) {
	if u.After(*t) {
		*t = u
	}
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
