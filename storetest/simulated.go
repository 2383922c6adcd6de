package storetest

import (
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/simulate"
)

// simulated writes a simulated history into s: every incident as its
// export shows it at the end of each day it changed on (so the store keeps
// its versions and history), with its alerts nested. It returns the
// history's first day.
func simulated(t *testing.T, s debrief.Store, seed uint64, days int) time.Time {
	t.Helper()
	gn, err := simulate.NewGenerator(simulate.Options{Seed: seed, Days: days, IncidentsPerDay: 12})
	if err != nil {
		t.Fatalf("simulate: %v", err)
	}
	var first time.Time
	var batch []debrief.Record
	flush := func() {
		if len(batch) > 0 {
			write(t, s, batch...)
			batch = batch[:0]
		}
	}
	for ev, err := range gn.Events(t.Context()) {
		if err != nil {
			t.Fatalf("simulate: %v", err)
		}
		if first.IsZero() {
			first = ev.Day
		}
		if ev.Incident == nil {
			continue
		}
		batch = append(batch, incRec(*ev.Incident))
		if len(batch) == 200 {
			flush()
		}
	}
	flush()
	return first
}
