package review

import (
	"context"
	"fmt"
	"time"

	"github.com/debrief-dev/debrief"
)

// BaselineSpan is how far back the team baseline looks.
const BaselineSpan = 90 * 24 * time.Hour

// Load fetches the incidents ids from the store, computes the team's
// baseline from the incidents created in the BaselineSpan before now,
// and builds their review. A zero opts.Baseline is filled from the store;
// a set one is kept.
func Load(ctx context.Context, st debrief.Store, ids []string, opts Options) (*Review, error) {
	if len(ids) == 0 {
		return nil, debrief.Errorf(debrief.EINVALID, "review: name at least one incident")
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	ins := make([]*debrief.Incident, 0, len(ids))
	for _, id := range ids {
		in, err := st.Incident(ctx, id)
		if err != nil {
			return nil, err
		}
		ins = append(ins, in)
	}
	if opts.Baseline.Incidents == 0 {
		t := now()
		history, err := st.Incidents(ctx, debrief.IncidentFilter{Since: t.Add(-BaselineSpan), Until: t})
		if err != nil {
			return nil, fmt.Errorf("review: team baseline: %w", err)
		}
		opts.Baseline = NewBaseline(history, t)
	}
	return Build(ins, opts)
}
