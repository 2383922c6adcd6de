package server

import (
	"context"
	"maps"
	"slices"
	"sync"

	"github.com/debrief-dev/debrief"
)

// ownAlerts is the request's store as an ingest sees it: it notes the
// loose alerts (those of no incident) the request writes, and its
// UnassignedAlerts streams only those of them that are still unassigned.
//
// Ingests run side by side and only their correlation takes turns: each
// correlates the alerts of its own payload, as it would have had it run
// alone, and never those another request has written but not yet
// correlated. So the incidents do not depend on how requests overlap, a
// retry of a payload whose correlation a crash cut short correlates them
// then, and a retry of a correlated payload finds nothing to correlate.
type ownAlerts struct {
	debrief.Store
	mu  sync.Mutex
	ids map[string]struct{}
}

func newOwnAlerts(st debrief.Store) *ownAlerts {
	return &ownAlerts{Store: st, ids: map[string]struct{}{}}
}

// Write stores recs and notes their loose alerts.
func (o *ownAlerts) Write(ctx context.Context, recs []debrief.Record) (debrief.WriteResult, error) {
	res, err := o.Store.Write(ctx, recs)
	if err != nil {
		return res, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, r := range recs {
		if r.Incident == nil && r.Alert != nil && r.Alert.IncidentID == "" {
			o.ids[r.Alert.ID] = struct{}{}
		}
	}
	return res, nil
}

// unassignedOf is a store that reads the unassigned alerts among some ids
// (postgres.Store) at a cost that does not grow with the other
// unassigned alerts.
type unassignedOf interface {
	UnassignedAlertsOf(ctx context.Context, ids []string, fn func(debrief.Alert) error) error
}

// UnassignedAlerts streams the unassigned alerts this request wrote,
// oldest first.
func (o *ownAlerts) UnassignedAlerts(ctx context.Context, fn func(debrief.Alert) error) error {
	o.mu.Lock()
	ids := slices.Collect(maps.Keys(o.ids))
	o.mu.Unlock()
	if len(ids) == 0 {
		return nil
	}
	if st, ok := o.Store.(unassignedOf); ok {
		return st.UnassignedAlertsOf(ctx, ids, fn)
	}
	return o.Store.UnassignedAlerts(ctx, func(a debrief.Alert) error {
		if _, ok := o.ids[a.ID]; !ok {
			return nil
		}
		return fn(a)
	})
}

// ingestBatch is how many records an API ingest writes per transaction.
const ingestBatch = 1000
