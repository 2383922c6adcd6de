package review_test

import (
	"slices"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/review"
	"github.com/debrief-dev/debrief/review/reviewtest"
)

// TestBaselineWeeks checks the weekly counts of the review's techniques
// against a plain count over the history.
func TestBaselineWeeks(t *testing.T) {
	r := reviewtest.Build(t, reviewtest.Incident())
	b := r.Baseline
	if len(b.Weeks) < 13 || b.Weeks[0].Weekday() != time.Monday || b.Weeks[0].After(b.Since) || !b.Weeks[len(b.Weeks)-1].Before(b.Until) {
		t.Fatalf("weeks %v for the window %s – %s: want the Mondays covering it", b.Weeks, b.Since, b.Until)
	}
	if len(b.Techniques) != len(r.Techniques) {
		t.Fatalf("%d weekly counts, want one per technique of the review (%d)", len(b.Techniques), len(r.Techniques))
	}
	for _, wc := range b.Techniques {
		want := make([]int, len(b.Weeks))
		for _, in := range reviewtest.History() {
			c := in.Times.Created
			if c.Before(b.Since) || !c.Before(b.Until) {
				continue
			}
			has := slices.ContainsFunc(in.Techniques, func(x debrief.TechniqueID) bool { return x == wc.ID || x.Parent() == wc.ID })
			if !has {
				continue
			}
			for w := len(b.Weeks) - 1; w >= 0; w-- {
				if !c.Before(b.Weeks[w]) {
					want[w]++
					break
				}
			}
		}
		total := 0
		for _, n := range want {
			total += n
		}
		if !slices.Equal(wc.Counts, want) || wc.Total != total {
			t.Errorf("%s: %v (total %d), want %v (total %d)", wc.ID, wc.Counts, wc.Total, want, total)
		}
	}
	byID := map[debrief.TechniqueID]int{}
	for _, wc := range b.Techniques {
		byID[wc.ID] = wc.Total
	}
	if byID["T1566"] != 20 || byID["T1566.001"] != 20 || byID["T1003"] != byID["T1003.001"] || byID["T1003.001"] == 0 || byID["T1059"] != byID["T1059.001"] {
		t.Errorf("totals %v: want phishing in 20 incidents and each sub-technique counted for its parent", byID)
	}
}

func TestBaselineWeeksEmpty(t *testing.T) {
	opts := reviewtest.Options(t)
	opts.Baseline = review.Baseline{}
	r, err := review.Build(reviewtest.Slice(reviewtest.Incident()), opts)
	if err != nil {
		t.Fatal(err)
	}
	if r.Baseline.Weeks != nil || r.Baseline.Techniques != nil {
		t.Errorf("no baseline, yet weeks %v and counts %v", r.Baseline.Weeks, r.Baseline.Techniques)
	}
}
