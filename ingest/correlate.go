package ingest

import (
	"context"
	"fmt"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/correlate"
)

// Correlate groups the store's alerts that belong to no incident into
// incidents (see package correlate for the rule) and stores them, a batch
// at a time, so memory holds only the groups still open. It returns how
// many incidents it made and how many alerts they hold.
func Correlate(ctx context.Context, store debrief.Store, opts correlate.Options) (Tally, error) {
	const batchSize = 500
	var t Tally
	var pending []debrief.Record
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		if _, err := store.Write(ctx, pending); err != nil {
			return fmt.Errorf("store: %w", err)
		}
		clear(pending)
		pending = pending[:0]
		return nil
	}
	c := correlate.New(opts, func(in debrief.Incident) error {
		t.Incidents++
		t.Alerts += len(in.AlertIDs)
		pending = append(pending, debrief.Record{Incident: &in})
		if len(pending) >= batchSize {
			return flush()
		}
		return nil
	})
	err := store.UnassignedAlerts(ctx, func(a debrief.Alert) error { return c.Add(a) })
	if err == nil {
		err = c.Close()
	}
	if err == nil {
		err = flush()
	}
	if err != nil {
		return t, fmt.Errorf("correlate: %w", err)
	}
	return t, nil
}
