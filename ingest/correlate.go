package ingest

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/correlate"
)

// Correlate groups the store's alerts that belong to no incident into
// incidents (see package correlate for the rule) and stores them, a batch
// at a time, so memory holds only the groups still open. Alerts may join
// the incidents that earlier runs made, when they are still open to them
// (see seed); such an incident is written again, as a newer version. It
// returns how many incidents it made or grew (Updated counts those it
// grew) and how many alerts they hold.
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
	seeded := map[string]bool{} // the incidents of earlier runs opened again
	c := correlate.New(opts, func(in debrief.Incident) error {
		t.Incidents++
		t.Alerts += len(in.AlertIDs)
		if seeded[in.ID] {
			t.Updated++
		}
		pending = append(pending, debrief.Record{Incident: &in})
		if len(pending) >= batchSize {
			return flush()
		}
		return nil
	})
	first := true
	err := store.UnassignedAlerts(ctx, func(a debrief.Alert) error {
		if first && !opts.Alone {
			first = false
			if err := seed(ctx, store, c, a.Created, seeded); err != nil {
				return err
			}
		}
		return c.Add(a)
	})
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

// seed opens in c the incidents that earlier correlation runs made and
// that alerts created at or after first may still join (see
// correlate.Correlator.Reach): it lists the correlated incidents created
// within Span, a page at a time, oldest last, and reads with their alerts
// only those updated within Window, the groups still open. It notes their
// ids in seeded.
func seed(ctx context.Context, store debrief.Store, c *correlate.Correlator, first time.Time, seeded map[string]bool) error {
	const page = 500
	since, open := c.Reach(first)
	f := debrief.IncidentFilter{Source: []debrief.Source{debrief.SourceCorrelate}, Since: since, Limit: page}
	var ids []string
	for {
		ins, err := store.Incidents(ctx, f)
		if err != nil {
			return fmt.Errorf("correlated incidents: %w", err)
		}
		for _, in := range ins {
			if in.Source == debrief.SourceCorrelate && !in.Times.Updated.Before(open) {
				ids = append(ids, in.ID)
			}
		}
		if len(ins) < page {
			break
		}
		k := debrief.KeyOf(&ins[len(ins)-1])
		f.After = &k
	}
	for _, id := range slices.Backward(ids) {
		in, err := store.Incident(ctx, id)
		if err != nil {
			return fmt.Errorf("correlated incident %s: %w", id, err)
		}
		c.Seed(*in)
		seeded[id] = true
	}
	return nil
}
