package server

import (
	"context"
	"slices"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/postgres"
)

// groupingStore records how an ingest's batches reach a store that groups
// as it writes.
type groupingStore struct {
	debrief.Store // nil: only Write and WriteGrouped are called
	writes        [][]string
	grouped       [][]string
}

func batchIDs(recs []debrief.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.Alert.ID)
	}
	return out
}

func (g *groupingStore) Write(_ context.Context, recs []debrief.Record) (debrief.WriteResult, error) {
	g.writes = append(g.writes, batchIDs(recs))
	return debrief.WriteResult{AlertsNew: len(recs)}, nil
}

func (g *groupingStore) WriteGrouped(_ context.Context, recs []debrief.Record, _ postgres.GroupFunc) (debrief.WriteResult, error) {
	g.grouped = append(g.grouped, batchIDs(recs))
	return debrief.WriteResult{AlertsNew: len(recs)}, nil
}

// TestOwnAlertsHold: a correlating ingest of one batch holds it for one
// grouped write; a second batch writes the held one and itself as they
// come (correlation then reads them back); without correlation nothing is
// held.
func TestOwnAlertsHold(t *testing.T) {
	ctx := context.Background()
	batch := func(id string) []debrief.Record { return []debrief.Record{{Alert: &debrief.Alert{ID: id}}} }
	for _, c := range []struct {
		name            string
		correlate       bool
		batches         []string
		writes, grouped [][]string
		counted         int // alerts counted by the Write calls
	}{
		{"one batch", true, []string{"a"}, nil, [][]string{{"a"}}, 0},
		{"two batches", true, []string{"a", "b"}, [][]string{{"a"}, {"b"}}, nil, 2},
		{"three batches", true, []string{"a", "b", "c"}, [][]string{{"a"}, {"b"}, {"c"}}, nil, 3},
		{"no correlation", false, []string{"a"}, [][]string{{"a"}}, nil, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := &groupingStore{}
			o := newOwnAlerts(st, c.correlate)
			counted := 0
			for _, b := range c.batches {
				res, err := o.Write(ctx, batch(b))
				if err != nil {
					t.Fatal(err)
				}
				counted += res.AlertsNew
			}
			if o.held != nil && c.correlate {
				if _, err := o.grouper.WriteGrouped(ctx, o.held, nil); err != nil {
					t.Fatal(err)
				}
			}
			if !slices.EqualFunc(st.writes, c.writes, slices.Equal) || !slices.EqualFunc(st.grouped, c.grouped, slices.Equal) {
				t.Errorf("writes %v, grouped %v; want %v, %v", st.writes, st.grouped, c.writes, c.grouped)
			}
			if counted != c.counted {
				t.Errorf("Write counted %d alerts, want %d", counted, c.counted)
			}
			if c.correlate && len(c.batches) > 1 && len(o.ids) != len(c.batches) {
				t.Errorf("%d loose alerts noted for correlation, want %d", len(o.ids), len(c.batches))
			}
		})
	}
}
