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
// baseline from the incidents created in the BaselineSpan before the
// reviewed incident was (BaselineUntil), and builds their review. A zero
// opts.Baseline is filled from the store; a set one is kept.
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
		t := BaselineUntil(ins, now())
		history, err := st.Incidents(ctx, debrief.IncidentFilter{Since: t.Add(-BaselineSpan), Until: t})
		if err != nil {
			return nil, fmt.Errorf("review: team baseline: %w", err)
		}
		opts.Baseline = NewBaseline(history, t)
	}
	return Build(ins, opts)
}

// BaselineUntil is when the team baseline of a review of ins ends: when the
// first of them was created (filled from its first alert as Build fills
// it), so that the baseline is the team's performance in the BaselineSpan
// leading up to the incident, however old the history; now when none has
// a created time or the first was created after now.
func BaselineUntil(ins []*debrief.Incident, now time.Time) time.Time {
	var first time.Time
	for _, in := range ins {
		if in != nil {
			first = earliest(first, effectiveTimes(in).Created)
		}
	}
	if first.IsZero() || first.After(now) {
		return now
	}
	return first
}
