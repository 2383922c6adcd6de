package ingest

import (
	"context"
	"fmt"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/correlate"
)

// Correlate groups the store's alerts that belong to no incident into
// incidents (see package correlate for the rule) and stores them. It
// returns how many incidents it made and how many alerts they hold.
func Correlate(ctx context.Context, store debrief.Store, opts correlate.Options) (Tally, error) {
	var made []debrief.Incident
	c := correlate.New(opts, func(in debrief.Incident) error {
		made = append(made, in)
		return nil
	})
	err := store.UnassignedAlerts(ctx, func(a debrief.Alert) error { return c.Add(a) })
	if err == nil {
		err = c.Close()
	}
	if err != nil {
		return Tally{}, fmt.Errorf("correlate: %w", err)
	}
	var t Tally
	const batchSize = 500
	for start := 0; start < len(made); start += batchSize {
		end := min(start+batchSize, len(made))
		recs := make([]debrief.Record, 0, end-start)
		for i := start; i < end; i++ {
			recs = append(recs, debrief.Record{Incident: &made[i]})
			t.Incidents++
			t.Alerts += len(made[i].AlertIDs)
		}
		if _, err := store.Write(ctx, recs); err != nil {
			return t, fmt.Errorf("correlate: store: %w", err)
		}
	}
	return t, nil
}
