package simulate

import (
	"context"
	"reflect"
	"testing"
	"time"
)

// TestRebuiltAlertsMatch checks that rebuilding an incident's alerts from
// the noted random states gives the alerts first built, and leaves the
// clusters' files as they were.
func TestRebuiltAlertsMatch(t *testing.T) {
	gn, err := NewGenerator(Options{Seed: 11, Days: 20, IncidentsPerDay: 60})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for ev, err := range gn.Events(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if !ev.First || ev.plan.cl == nil {
			continue
		}
		used := map[*artefact]time.Time{}
		for _, f := range ev.plan.cl.files {
			used[f] = f.lastUsed
		}
		got := gn.g.rebuildAlerts(ev.plan, len(ev.built))
		if !reflect.DeepEqual(got, ev.built) {
			t.Fatalf("incident %d: rebuilt alerts differ from the first build", ev.Seq)
		}
		for f, at := range used {
			if !f.lastUsed.Equal(at) {
				t.Fatalf("incident %d: rebuilding moved the last use of %s", ev.Seq, f.name)
			}
		}
		checked++
	}
	if checked < 20 {
		t.Fatalf("checked %d incidents with clusters, want at least 20", checked)
	}
}
