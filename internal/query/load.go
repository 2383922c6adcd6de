package query

import (
	"context"
	"fmt"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/trend"
)

// NoIncidents is the error of an analysis over an empty selection; it
// says how to widen the selection.
func NoIncidents(f debrief.IncidentFilter) error {
	const how = "(--since and --until on the command line, since and until in the API)"
	switch {
	case f.Since.IsZero() && f.Until.IsZero():
		return debrief.Errorf(debrief.ENOTFOUND, "no incidents in the store")
	case f.Since.IsZero():
		return debrief.Errorf(debrief.ENOTFOUND, "no incidents in the store before %s: move the window's end later %s",
			f.Until.Format(time.DateOnly), how)
	case f.Until.IsZero():
		return debrief.Errorf(debrief.ENOTFOUND, "no incidents in the store since %s: start the window earlier, with a longer duration such as 365d or an earlier date %s",
			f.Since.Format(time.DateOnly), how)
	}
	return debrief.Errorf(debrief.ENOTFOUND, "no incidents in the store from %s to %s: widen the window %s",
		f.Since.Format(time.DateOnly), f.Until.Format(time.DateOnly), how)
}

// End is the time the analyses count back from (their default windows end
// there, and since and until durations count back from it): now, or, when
// the store's latest incident was created more than a day before now (an
// imported history, a simulation), that incident's creation, so that the
// defaults look at the store's data rather than at the empty months after
// it. latest tells which.
func End(ctx context.Context, st debrief.Store, now time.Time) (end time.Time, latest bool, err error) {
	list, err := st.Incidents(ctx, debrief.IncidentFilter{Limit: 1})
	if err != nil {
		return now, false, err
	}
	if len(list) == 0 || list[0].Times.Created.IsZero() || !list[0].Times.Created.Before(now.Add(-24*time.Hour)) {
		return now, false, nil
	}
	return list[0].Times.Created, true, nil
}

// DailyCounts counts the incidents matching f per day by key, for
// trend.AnalyseDaily: in the database when st is a debrief.AggregateStore,
// else over the listed incidents.
func DailyCounts(ctx context.Context, st debrief.Store, f debrief.IncidentFilter, by trend.Dimension) ([]debrief.DayCount, error) {
	if ag, ok := st.(debrief.AggregateStore); ok {
		var rows []debrief.DayCount
		err := ag.DailyCounts(ctx, f, debrief.CountKey(by), func(c debrief.DayCount) error {
			rows = append(rows, c)
			return nil
		})
		return rows, err
	}
	ins, err := st.Incidents(ctx, f)
	if err != nil {
		return nil, err
	}
	return trend.Daily(ins, by), nil
}

// WithAlerts calls fn for each incident matching f with its alerts, newest
// first: in a few bulk queries when st is a debrief.IncidentScanner, else
// one Store.Incident per incident. fn must not keep the pointer; an error
// from it stops the scan and is returned.
func WithAlerts(ctx context.Context, st debrief.Store, f debrief.IncidentFilter, fn func(*debrief.Incident) error) error {
	if sc, ok := st.(debrief.IncidentScanner); ok {
		return sc.ScanIncidents(ctx, f, debrief.ScanOptions{Alerts: true}, fn)
	}
	list, err := st.Incidents(ctx, f)
	if err != nil {
		return err
	}
	for _, l := range list {
		in, err := st.Incident(ctx, l.ID)
		if err != nil {
			return fmt.Errorf("incident %s: %w", l.ID, err)
		}
		if err := fn(in); err != nil {
			return err
		}
	}
	return nil
}
