package debrief

import (
	"context"
	"time"
)

// CountKey is what AggregateStore.DailyCounts counts incidents by.
type CountKey string

// Count keys. An incident's techniques and tactics are those of its alerts,
// as Store.Incidents fills them.
const (
	CountTechnique    CountKey = "technique"    // parent technique ids: a sub-technique counts for its parent
	CountSubTechnique CountKey = "subtechnique" // the most specific ids: a technique only when none of its sub-techniques is there
	CountTactic       CountKey = "tactic"       // tactic shortnames
	CountSource       CountKey = "source"
	CountSeverity     CountKey = "severity" // "unknown" for none
	CountVerdict      CountKey = "verdict"  // "undetermined" for none
)

// DayCount is how many incidents created on one UTC day carry a key.
type DayCount struct {
	Key   string    // "" counts every incident of the day, whatever keys it has
	Day   time.Time // UTC midnight
	Count int       // incidents, each once however many of its alerts carry the key
	First time.Time // the earliest created time among them
}

// AggregateStore is a store that counts incidents itself (in SQL), so that
// analyses over a long history (trends) need not read every incident.
// Stores implement it next to Store; callers get it by type assertion and
// fall back to Store.Incidents when it is missing. storetest checks that
// it gives what the same counts over Store.Incidents give.
type AggregateStore interface {
	// DailyCounts calls fn, ordered by key and then day, with the number of
	// incidents matching f (Limit and Offset aside) created on each UTC day
	// that carry each key of by, and under key "" the number of all of
	// them. Incidents without a created time are left out. An error from
	// fn stops it and is returned.
	DailyCounts(ctx context.Context, f IncidentFilter, by CountKey, fn func(DayCount) error) error
}
