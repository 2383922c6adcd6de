package trend_test

import (
	"context"
	"slices"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/simulate"
)

// history simulates a history and returns every incident in its final
// state, with techniques (and their parents) and tactics taken from its
// alerts, as a store fills them.
func history(t testing.TB, opts simulate.Options) ([]debrief.Incident, *simulate.GroundTruth) {
	t.Helper()
	gn, err := simulate.NewGenerator(opts)
	if err != nil {
		t.Fatal(err)
	}
	index := map[string]int{}
	var ins []debrief.Incident
	for ev, err := range gn.Events(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Incident == nil {
			continue
		}
		in := *ev.Incident
		fill(&in)
		if i, ok := index[in.ID]; ok {
			ins[i] = in
			continue
		}
		index[in.ID] = len(ins)
		ins = append(ins, in)
	}
	return ins, gn.Truth()
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

// scenario parses a scenario on top of the default one.
func scenario(t testing.TB, yaml string) *simulate.Scenario {
	t.Helper()
	sc, err := simulate.ParseScenario([]byte(yaml), "test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return sc
}
