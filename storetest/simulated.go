package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/simulate"
)

// simulated writes a simulated history of days days into s (see
// WriteSimulated) and returns its first day.
func simulated(t *testing.T, s debrief.Store, seed uint64, days int) time.Time {
	t.Helper()
	opts := simulate.Options{Seed: seed, Days: days, IncidentsPerDay: 12}
	if _, err := WriteSimulated(t.Context(), s, opts); err != nil {
		t.Fatalf("simulated history: %v", err)
	}
	sc := simulate.DefaultScenario()
	return sc.Start.Time
}

// WriteSimulated writes the history a simulate.Generator with opts makes
// into st: every incident as its export shows it at the end of each day it
// changed on (so the store keeps its versions and history), with its
// alerts nested, a few hundred records per Write. It returns how many
// incidents it wrote.
func WriteSimulated(ctx context.Context, st debrief.Store, opts simulate.Options) (int, error) {
	gn, err := simulate.NewGenerator(opts)
	if err != nil {
		return 0, err
	}
	return WriteGenerated(ctx, st, gn)
}

// WriteGenerated is WriteSimulated with the generator given, so that the
// caller can read its ground truth afterwards.
func WriteGenerated(ctx context.Context, st debrief.Store, gn *simulate.Generator) (int, error) {
	seen := map[string]bool{}
	var batch []debrief.Record
	for ev, err := range gn.Events(ctx) {
		if err != nil {
			return 0, err
		}
		if ev.Incident == nil {
			continue
		}
		seen[ev.Incident.ID] = true
		batch = append(batch, debrief.Record{Incident: ev.Incident})
		if len(batch) == 500 {
			if _, err := st.Write(ctx, batch); err != nil {
				return 0, err
			}
			batch = batch[:0]
		}
	}
	if len(batch) > 0 {
		if _, err := st.Write(ctx, batch); err != nil {
			return 0, err
		}
	}
	return len(seen), nil
}
