package query

import (
	"context"
	"fmt"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/trend"
)

// NoIncidents is the error of an analysis over an empty selection.
func NoIncidents(f debrief.IncidentFilter) error {
	if f.Since.IsZero() {
		return debrief.Errorf(debrief.ENOTFOUND, "no incidents in the store")
	}
	return debrief.Errorf(debrief.ENOTFOUND, "no incidents in the store since %s", f.Since.Format(time.DateOnly))
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
