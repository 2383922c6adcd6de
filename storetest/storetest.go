package storetest

import (
	"context"
	"errors"
	"testing"

	"github.com/debrief-dev/debrief"
)

// Run runs the conformance suite. open must return a new, empty store for
// each call (a subtest may open several); Run closes every store it opens.
//
// Beyond what the debrief.Store documentation says, the suite pins down:
// Incident returns alerts oldest first (by created time, then id) with
// their incident id, comments and history in time order, tags as the
// current version gives them, alert ids as the union of both sides' links;
// Incidents fills techniques (sorted) and tactics, and with After pages
// through the list in its order (created time ties broken by ID, incidents
// without one last) without repeating or skipping an incident when others
// are written between pages; an older version counts
// as updated (it adds history); a record with the current version's raw
// bytes and other content counts as renormalised; a comment is never lost to a later version;
// alerts that only partial records made are not unassigned alerts; and
// UnassignedAlerts lets its callback use the store. Placeholders: a
// placeholder is written only where no incident is, again unchanged when
// its content is, in place when an alert naming it changed (OrphanAlerts
// then lists all its alerts, as it does when a placeholder lacks one), and its incident's record replaces it as a
// new incident with no history derived from it; OrphanAlerts groups alerts
// by incident, oldest first, and lets its callback write.
func Run(t *testing.T, open func(t *testing.T) debrief.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open func() debrief.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"RoundTripTimes", testTimes},
		{"Idempotent", testIdempotent},
		{"NewerVersion", testNewerVersion},
		{"OlderVersion", testOlderVersion},
		{"VersionsInAnyOrder", testVersionsInAnyOrder},
		{"SourceHistory", testSourceHistory},
		{"AlertVersions", testAlertVersions},
		{"Renormalise", testRenormalise},
		{"AlertTies", testAlertTies},
		{"AlertMovesIncident", testAlertMoves},
		{"PartialAfterFull", testPartialAfterFull},
		{"PartialBeforeFull", testPartialBeforeFull},
		{"AlertsBeforeIncident", testAlertsBeforeIncident},
		{"IncidentBeforeAlerts", testIncidentBeforeAlerts},
		{"SourceIncidentClaimsCorrelated", testClaimEmpties},
		{"SourceIncidentClaimsOneOfTwo", testClaimKeepsRest},
		{"Filters", testFilters},
		{"OwnLabels", testOwnLabels},
		{"KeysetPaging", testKeyset},
		{"KeysetPagingWhileWriting", testKeysetWrites},
		{"NotFound", testNotFound},
		{"UnassignedAndAssign", testUnassigned},
		{"Placeholder", testPlaceholder},
		{"PlaceholderMissesAnAlert", testPlaceholderMissesAnAlert},
		{"PlaceholderUnderIncident", testPlaceholderUnderIncident},
		{"IncidentReplacesPlaceholder", testIncidentReplacesPlaceholder},
		{"PlaceholderGrows", testPlaceholderGrows},
		{"OrphanAlertsPages", testOrphanPages},
		{"InvalidWriteLeavesNothing", testInvalidWrite},
		{"CancelledWriteLeavesNothing", testCancelledWrite},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, func() debrief.Store {
				s := open(t)
				t.Cleanup(func() {
					if err := s.Close(); err != nil {
						t.Errorf("close: %v", err)
					}
				})
				return s
			})
		})
	}
}

func incRec(in debrief.Incident) debrief.Record { return debrief.Record{Incident: &in} }
func alertRec(a debrief.Alert) debrief.Record   { return debrief.Record{Alert: &a} }
func partialRec(a debrief.Alert) debrief.Record {
	return debrief.Record{Alert: &a, Partial: true}
}

func write(t *testing.T, s debrief.Store, recs ...debrief.Record) debrief.WriteResult {
	t.Helper()
	res, err := s.Write(t.Context(), recs)
	if err != nil {
		t.Fatalf("write: %v", err)
	}
	return res
}

func wantResult(t *testing.T, what string, got, want debrief.WriteResult) {
	t.Helper()
	if got != want {
		t.Errorf("%s: write result %+v, want %+v", what, got, want)
	}
}

func incident(t *testing.T, s debrief.Store, id string) debrief.Incident {
	t.Helper()
	in, err := s.Incident(t.Context(), id)
	if err != nil {
		t.Fatalf("incident %s: %v", id, err)
	}
	return normalise(t, in)
}

func alert(t *testing.T, s debrief.Store, id string) debrief.Alert {
	t.Helper()
	a, err := s.Alert(t.Context(), id)
	if err != nil {
		t.Fatalf("alert %s: %v", id, err)
	}
	return *a
}

func unassigned(t *testing.T, s debrief.Store) []string {
	t.Helper()
	var ids []string
	if err := s.UnassignedAlerts(t.Context(), func(a debrief.Alert) error {
		ids = append(ids, a.ID)
		return nil
	}); err != nil {
		t.Fatalf("unassigned alerts: %v", err)
	}
	return ids
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := debrief.ErrorCode(err); got != code {
		t.Errorf("%s: error %v has code %q, want %q", what, err, got, code)
	}
}

// countdown is a context that cancels itself once its Err or Done method
// has been called n times: a cancellation in the middle of a Write.
type countdown struct {
	context.Context
	cancel context.CancelFunc
	n      chan struct{} // one token per call left
}

func newCountdown(parent context.Context, n int) *countdown {
	ctx, cancel := context.WithCancel(parent)
	c := &countdown{Context: ctx, cancel: cancel, n: make(chan struct{}, n)}
	for range n {
		c.n <- struct{}{}
	}
	return c
}

func (c *countdown) tick() {
	select {
	case <-c.n:
	default:
		c.cancel()
	}
}

func (c *countdown) Err() error {
	c.tick()
	return c.Context.Err()
}

func (c *countdown) Done() <-chan struct{} {
	c.tick()
	return c.Context.Done()
}

var errStop = errors.New("stop")
