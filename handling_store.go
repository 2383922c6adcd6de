package debrief

import (
	"context"
	"time"
)

// HandlingFacts are what one incident says about how the team handled it:
// the numbers a skill-gap analysis compares, without the incident's text,
// alerts or history.
type HandlingFacts struct {
	ID       string
	Created  time.Time     // zero when unknown
	TTA      time.Duration // created → first triage; negative when unknown
	TTR      time.Duration // created → resolved, of a resolved incident; negative when unknown
	Severity Severity
	Verdict  Verdict // the final verdict
	Closed   bool    // status resolved
	// Misclassified: closed benign or false positive at some point and a
	// true positive then or at the end.
	Misclassified bool
	Reopened      bool          // the status went from resolved to another
	HandedOver    bool          // more than one analyst (an address with @) owned or worked on it
	Owner         string        // the first analyst to own it, lower case; "" for none
	Techniques    []TechniqueID // as Store.Incidents fills Incident.Techniques
	Tactics       []string      // as Store.Incidents fills Incident.Tactics
}

// HandlingStore is a store that keeps each incident's handling facts
// itself (a table kept up to date as incidents change), so that a skill
// analysis over a long history reads one compact row per incident instead
// of every incident with its history. Callers get it by type assertion and
// fall back to IncidentScanner or Store.Incident. storetest checks that the
// facts equal those computed from Store.Incident.
type HandlingStore interface {
	// HandlingFacts calls fn with the facts of each incident matching f
	// (Limit and Offset aside), in no particular order. fn must not keep
	// the pointer; it may keep the lists, which may be shared between
	// incidents and must not be modified. An error from fn stops it and is
	// returned.
	HandlingFacts(ctx context.Context, f IncidentFilter, fn func(*HandlingFacts) error) error
}
