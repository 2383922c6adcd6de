package server

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/correlate"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/postgres"
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
//
// OrphanAlerts is the store's own: the placeholders of incidents that
// alerts name are built whoever wrote the alerts (writing one again
// changes nothing, and the store has one that lacks an alert built again).
//
// On a store that groups as it writes (grouper: postgres.Store), a
// payload of one batch, the usual one, is written with its incidents in
// one transaction instead (see hold and correlate).
type ownAlerts struct {
	debrief.Store
	mu  sync.Mutex
	ids map[string]struct{}

	grouper grouper          // nil: write every batch as it comes
	held    []debrief.Record // the first batch, held back while it may be the only one
	spilled bool             // a second batch came: the payload is written batch by batch
}

// grouper is a store that writes a batch and the incidents its loose
// alerts make in one transaction (postgres.Store.WriteGrouped).
type grouper interface {
	WriteGrouped(ctx context.Context, recs []debrief.Record, group postgres.GroupFunc) (debrief.WriteResult, error)
}

// newOwnAlerts returns the store of one ingest request; hold says that
// the request correlates its alerts, so a store that groups as it writes
// may hold its first batch back.
func newOwnAlerts(st debrief.Store, hold bool) *ownAlerts {
	o := &ownAlerts{Store: st, ids: map[string]struct{}{}}
	if g, ok := st.(grouper); ok && hold {
		o.grouper = g
	}
	return o
}

// Write stores recs and notes their loose alerts. With a grouper it holds
// the first batch back, for correlate to write with its incidents; a
// second batch writes the held one and itself.
func (o *ownAlerts) Write(ctx context.Context, recs []debrief.Record) (debrief.WriteResult, error) {
	if o.grouper == nil {
		return o.write(ctx, recs)
	}
	o.mu.Lock()
	held, first := o.held, o.held == nil && !o.spilled
	if first {
		o.held = recs
	} else {
		o.held, o.spilled = nil, true
	}
	o.mu.Unlock()
	if first {
		return debrief.WriteResult{}, nil
	}
	var res debrief.WriteResult
	if held != nil {
		r, err := o.write(ctx, held)
		if err != nil {
			return res, err
		}
		res.Add(r)
	}
	r, err := o.write(ctx, recs)
	res.Add(r)
	return res, err
}

func (o *ownAlerts) write(ctx context.Context, recs []debrief.Record) (debrief.WriteResult, error) {
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

// correlate groups the request's loose alerts into incidents, after the
// ingest run that wrote them (sum is its summary). A held batch is written
// now, with its incidents, in one transaction beside other requests;
// otherwise correlation takes turns with other requests' and reads the
// alerts back (see ownAlerts).
func (s *Server) correlate(ctx context.Context, o *ownAlerts, sum *ingest.Summary, opts correlate.Options) (ingest.Tally, error) {
	o.mu.Lock()
	held := o.held
	o.held = nil
	o.mu.Unlock()
	if held == nil {
		s.ingestMu.Lock()
		defer s.ingestMu.Unlock()
		return ingest.Correlate(ctx, o, opts)
	}
	var t ingest.Tally
	res, err := o.grouper.WriteGrouped(ctx, held, func(alerts []debrief.Alert) ([]debrief.Incident, error) {
		t = ingest.Tally{}
		var out []debrief.Incident
		c := correlate.New(opts, func(in debrief.Incident) error {
			t.Incidents++
			t.Alerts += len(in.AlertIDs)
			out = append(out, in)
			return nil
		})
		for _, a := range alerts {
			if err := c.Add(a); err != nil {
				return nil, err
			}
		}
		if err := c.Close(); err != nil {
			return nil, err
		}
		return out, nil
	})
	if err != nil {
		return ingest.Tally{}, fmt.Errorf("store: %w", err)
	}
	addWrite(sum, res)
	return t, nil
}

// addWrite counts a write in an ingest summary.
func addWrite(sum *ingest.Summary, r debrief.WriteResult) {
	sum.New.Incidents += r.IncidentsNew
	sum.New.Alerts += r.AlertsNew
	sum.Updated.Incidents += r.IncidentsUpdated
	sum.Updated.Alerts += r.AlertsUpdated
	sum.Unchanged.Incidents += r.IncidentsUnchanged
	sum.Unchanged.Alerts += r.AlertsUnchanged
	sum.Renormalised.Incidents += r.IncidentsRenormalised
	sum.Renormalised.Alerts += r.AlertsRenormalised
}
