package skill

import (
	"context"
	"fmt"
	"slices"

	"github.com/debrief-dev/debrief"
)

// FromStore analyses the incidents of st matching f: from the handling
// facts the store keeps when it is a debrief.HandlingStore (one compact row
// per incident), else from every incident with its history
// (IncidentScanner, or Store.Incident one at a time).
func FromStore(ctx context.Context, st debrief.Store, f debrief.IncidentFilter, opts Options) (*Result, error) {
	hs, err := ReadFacts(ctx, st, f)
	if err != nil {
		return nil, err
	}
	return AnalyseFacts(hs, opts)
}

// ReadFacts reads the handling facts of the incidents of st matching f, as
// FromStore does.
func ReadFacts(ctx context.Context, st debrief.Store, f debrief.IncidentFilter) ([]debrief.HandlingFacts, error) {
	var hs []debrief.HandlingFacts
	var err error
	switch s := st.(type) {
	case debrief.HandlingStore:
		// In chunks, joined once: no copies of a growing slice of a
		// million facts.
		const chunk = 1 << 16
		var chunks [][]debrief.HandlingFacts
		cur := make([]debrief.HandlingFacts, 0, chunk)
		err = s.HandlingFacts(ctx, f, func(h *debrief.HandlingFacts) error {
			if len(cur) == chunk {
				chunks, cur = append(chunks, cur), make([]debrief.HandlingFacts, 0, chunk)
			}
			cur = append(cur, *h)
			return nil
		})
		hs = slices.Concat(append(chunks, cur)...)
	case debrief.IncidentScanner:
		err = s.ScanIncidents(ctx, f, debrief.ScanOptions{History: true}, func(in *debrief.Incident) error {
			h := Facts(in)
			h.Techniques, h.Tactics = slices.Clone(h.Techniques), slices.Clone(h.Tactics) // fn must not keep in
			hs = append(hs, h)
			return nil
		})
	default:
		var ins []debrief.Incident
		if ins, err = st.Incidents(ctx, f); err != nil {
			break
		}
		for i := range ins {
			full, ferr := st.Incident(ctx, ins[i].ID)
			if ferr != nil {
				err = ferr
				break
			}
			hs = append(hs, Facts(full))
		}
	}
	if err != nil {
		return nil, fmt.Errorf("skill: read handling facts: %w", err)
	}
	return hs, nil
}
