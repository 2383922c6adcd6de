package skill_test

import (
	"context"
	"slices"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/simulate"
)

// history simulates a history and returns every incident in its final
// state (and the truth of each by id), with techniques (and their parents) and tactics taken from its
// alerts, as a store fills them.
func history(t testing.TB, opts simulate.Options) ([]debrief.Incident, map[string]*simulate.TruthIncident) {
	t.Helper()
	gn, err := simulate.NewGenerator(opts)
	if err != nil {
		t.Fatal(err)
	}
	index := map[string]int{}
	var ins []debrief.Incident
	truth := map[string]*simulate.TruthIncident{}
	for ev, err := range gn.Events(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Incident == nil {
			continue
		}
		in := *ev.Incident
		if ev.Truth != nil {
			truth[in.ID] = ev.Truth
		}
		fill(&in)
		if i, ok := index[in.ID]; ok {
			ins[i] = in
			continue
		}
		index[in.ID] = len(ins)
		ins = append(ins, in)
	}
	return ins, truth
}

func fill(in *debrief.Incident) {
	var techs []debrief.TechniqueID
	var tactics []string
	for _, a := range in.Alerts {
		for _, tc := range a.Techniques {
			techs = append(techs, tc.ID, tc.ID.Parent())
			tactics = append(tactics, tc.Tactics...)
		}
		tactics = append(tactics, a.Tactics...)
	}
	slices.Sort(techs)
	slices.Sort(tactics)
	in.Techniques, in.Tactics = slices.Compact(techs), slices.Compact(tactics)
	in.Alerts = nil
}
