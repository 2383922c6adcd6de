package review_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/review"
	"github.com/debrief-dev/debrief/review/reviewtest"
)

// memStore is a store of a few incidents: Incident and Incidents only.
type memStore struct {
	debrief.Store
	ins []debrief.Incident
}

func (s memStore) Incident(_ context.Context, id string) (*debrief.Incident, error) {
	for i := range s.ins {
		if s.ins[i].ID == id {
			in := s.ins[i]
			return &in, nil
		}
	}
	return nil, debrief.Errorf(debrief.ENOTFOUND, "no incident %s", id)
}

func (s memStore) Incidents(_ context.Context, f debrief.IncidentFilter) ([]debrief.Incident, error) {
	var out []debrief.Incident
	for _, in := range s.ins {
		c := in.Times.Created
		if (f.Since.IsZero() || !c.Before(f.Since)) && (f.Until.IsZero() || c.Before(f.Until)) {
			out = append(out, in)
		}
	}
	return out, nil
}

// TestLoadBaselineBeforeIncident checks that the baseline of a review
// loaded from a store is the 90 days before the incident was created, not
// before the review is written: an old history, reviewed long after, still
// compares the incident with the team's performance leading up to it.
func TestLoadBaselineBeforeIncident(t *testing.T) {
	in := reviewtest.Incident()
	st := memStore{ins: append(reviewtest.History(), *in)}
	opts := options(t)
	opts.Baseline = review.Baseline{}
	later := reviewtest.Now().AddDate(2, 0, 0)
	opts.Now = func() time.Time { return later }
	r, err := review.Load(t.Context(), st, []string{in.ID}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Baseline.Until.Equal(in.Times.Created) || !r.Baseline.Since.Equal(in.Times.Created.Add(-review.BaselineSpan)) || r.Baseline.Incidents != 40 {
		t.Errorf("baseline %+v: want the 40 incidents of the 90 days before %s", r.Baseline, in.Times.Created)
	}
	for _, m := range r.Metrics {
		if m.Assessment == review.AssessNoBaseline {
			t.Errorf("%s: no baseline", m.Key)
		}
	}
	if got := r.BaselineText(); !strings.Contains(got, "40 incidents created in the 90 days before this incident was created") {
		t.Errorf("baseline text %q", got)
	}
	if !r.Generated.Equal(later) {
		t.Errorf("generated %s, want %s", r.Generated, later)
	}
}
