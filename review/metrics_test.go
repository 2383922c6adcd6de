package review_test

import (
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/review"
)

func TestSecondsString(t *testing.T) {
	tests := []struct {
		s    review.Seconds
		want string
	}{
		{0, "0s"}, {45, "45s"}, {60, "1m"}, {2400, "40m"}, {3600, "1h"}, {21900, "6h 5m"},
		{86400, "1d"}, {3*86400 + 2*3600 + 59, "3d 2h"}, {-90, "-1m"},
	}
	for _, tc := range tests {
		if got := tc.s.String(); got != tc.want {
			t.Errorf("Seconds(%d) = %q, want %q", tc.s, got, tc.want)
		}
	}
}

func TestNewBaseline(t *testing.T) {
	now := time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)
	inc := func(daysAgo int, tta time.Duration, st debrief.Status) debrief.Incident {
		c := now.Add(-time.Duration(daysAgo) * 24 * time.Hour)
		return debrief.Incident{Status: st, Times: debrief.Times{Created: c, FirstTriage: c.Add(tta)}}
	}
	var hist []debrief.Incident
	for i := 1; i <= 10; i++ {
		hist = append(hist, inc(i, time.Duration(i)*time.Minute, debrief.StatusResolved))
	}
	hist = append(hist,
		inc(91, time.Hour, debrief.StatusResolved),                           // before the window
		inc(0, time.Hour, debrief.StatusResolved),                            // created at now: excluded
		inc(5, 10*time.Hour, debrief.StatusRedirected),                       // merged into another
		debrief.Incident{Times: debrief.Times{Created: now.Add(-time.Hour)}}, // no triage: counts, no value
	)
	b := review.NewBaseline(hist, now)
	if b.Incidents != 11 || !b.Since.Equal(now.Add(-90*24*time.Hour)) || !b.Until.Equal(now) {
		t.Errorf("window %s–%s with %d incidents, want 90 days and 11", b.Since, b.Until, b.Incidents)
	}
	got := b.Stats[review.TimeToAcknowledge]
	want := review.Stat{N: 10, Median: 330, P90: 540} // 1…10 minutes: median 5.5m, nearest-rank p90 the 9th
	if got != want {
		t.Errorf("time to acknowledge %+v, want %+v", got, want)
	}
	if s := b.Stats[review.TimeToContain]; s.N != 0 {
		t.Errorf("time to contain from no containment times: %+v", s)
	}
	if s := review.NewBaseline(hist[:1], now).Stats[review.TimeToAcknowledge]; s != (review.Stat{N: 1, Median: 60, P90: 60}) {
		t.Errorf("one incident: %+v", s)
	}
}

func TestMetricsWithoutBaseline(t *testing.T) {
	in := &debrief.Incident{ID: "x:1", Source: "x", SourceID: "1", Status: debrief.StatusResolved,
		Times: debrief.Times{Created: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)},
		History: []debrief.Change{
			{At: time.Date(2024, 1, 1, 0, 30, 0, 0, time.UTC), Field: "status", From: "new", To: "active"},
			{At: time.Date(2024, 1, 1, 5, 0, 0, 0, time.UTC), Field: "status", From: "active", To: "Closed"},
		}}
	r := build(t, in)
	r2, err := review.Build([]*debrief.Incident{in}, review.Options{Catalog: options(t).Catalog})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range r2.Metrics {
		want := review.AssessNoBaseline
		if m.Key == review.TimeToDetect || m.Key == review.TimeToContain || m.Key == review.DwellTime {
			want = review.AssessUnknown
		}
		if m.Assessment != want {
			t.Errorf("%s: %s, want %s", m.Key, m.Assessment, want)
		}
	}
	if m := r2.Metrics[1]; m.Value != 1800 {
		t.Errorf("time to acknowledge from the first history change: %s", m.Value)
	}
	if m := r2.Metrics[3]; m.Value != 5*3600 {
		t.Errorf("time to resolve from the change to Closed: %s", m.Value)
	}
	if _, ok := action(r, func(a review.Action) bool { return a.CSF == "RS.AN-06" }); !ok {
		t.Error("no action asks to record the missing times")
	}
	if _, ok := action(r, func(a review.Action) bool { return a.CSF == "RS.MA-03" }); !ok {
		t.Error("no action asks for a verdict on an incident closed without one")
	}
}
