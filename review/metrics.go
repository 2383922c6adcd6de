package review

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
)

// Seconds is a duration in whole seconds, as the JSON model carries
// durations.
type Seconds int64

// Duration converts s to a time.Duration.
func (s Seconds) Duration() time.Duration { return time.Duration(s) * time.Second }

// String writes s in at most two units: "45s", "40m", "6h 5m", "3d 2h".
func (s Seconds) String() string {
	if s < 0 {
		return "-" + (-s).String()
	}
	d, h, m := s/86400, s%86400/3600, s%3600/60
	switch {
	case d > 0 && h > 0:
		return fmt.Sprintf("%dd %dh", d, h)
	case d > 0:
		return fmt.Sprintf("%dd", d)
	case h > 0 && m > 0:
		return fmt.Sprintf("%dh %dm", h, m)
	case h > 0:
		return fmt.Sprintf("%dh", h)
	case m > 0:
		return fmt.Sprintf("%dm", m)
	}
	return fmt.Sprintf("%ds", int64(s))
}

func toSeconds(d time.Duration) Seconds { return Seconds(d / time.Second) }

// MetricKey names a response metric.
type MetricKey string

// Metrics, as debrief.Times defines them (Microsoft Sentinel's
// definitions).
const (
	TimeToDetect      MetricKey = "time_to_detect"      // first alert − first activity
	TimeToAcknowledge MetricKey = "time_to_acknowledge" // first triage − created
	TimeToContain     MetricKey = "time_to_contain"     // containment − created
	TimeToResolve     MetricKey = "time_to_resolve"     // resolved − created
	DwellTime         MetricKey = "dwell_time"          // first activity → containment (or resolution)
)

// MetricKeys returns every metric, in the order a review lists them.
func MetricKeys() []MetricKey {
	return []MetricKey{TimeToDetect, TimeToAcknowledge, TimeToContain, TimeToResolve, DwellTime}
}

// Label is the metric's name for people: "Time to detect".
func (k MetricKey) Label() string {
	s := strings.ReplaceAll(string(k), "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

func (k MetricKey) definition() string {
	switch k {
	case TimeToDetect:
		return "first alert − first malicious activity"
	case TimeToAcknowledge:
		return "first triage (status change, assignment or comment) − incident created"
	case TimeToContain:
		return "first containment action − incident created"
	case TimeToResolve:
		return "resolved − incident created"
	case DwellTime:
		return "first malicious activity → containment (or resolution)"
	}
	return ""
}

// Of measures the metric on a time model.
func (k MetricKey) Of(t debrief.Times) (time.Duration, bool) {
	switch k {
	case TimeToDetect:
		return t.TimeToDetect()
	case TimeToAcknowledge:
		return t.TimeToAcknowledge()
	case TimeToContain:
		return t.TimeToContain()
	case TimeToResolve:
		return t.TimeToResolve()
	case DwellTime:
		return t.DwellTime()
	}
	return 0, false
}

// Assessment compares a metric with the team's baseline.
type Assessment string

// Assessments.
const (
	AssessUnknown    Assessment = "unknown"     // the review's times do not give the metric
	AssessNoBaseline Assessment = "no_baseline" // fewer than MinBaseline incidents to compare with
	AssessBetter     Assessment = "better"      // at or under the team's median
	AssessTypical    Assessment = "typical"     // over the median, at or under p90
	AssessSlow       Assessment = "slow"        // over the team's p90
)

// Metric is one response metric of the review beside the team's baseline.
type Metric struct {
	Key        MetricKey  `json:"key"`
	Label      string     `json:"label"`
	Definition string     `json:"definition"`
	Known      bool       `json:"known"`
	Value      Seconds    `json:"value_seconds"` // for several incidents: the median of theirs
	Incidents  int        `json:"incidents"`     // how many incidents gave a value
	Baseline   Stat       `json:"baseline"`
	Assessment Assessment `json:"assessment"`
}

// BaselineDays is the span of history NewBaseline covers.
const BaselineDays = 90

// MinBaseline is the fewest incidents a baseline statistic needs before a
// review compares a metric with it.
const MinBaseline = 5

// Baseline is the team's usual response times: the median and p90 of each
// metric over the incidents created in the BaselineDays before a time.
type Baseline struct {
	Since     time.Time          `json:"since"`
	Until     time.Time          `json:"until"`
	Incidents int                `json:"incidents"`
	Stats     map[MetricKey]Stat `json:"stats"`
	// weeks and weekly are the week starts and, per technique, the
	// incidents in each (countWeeks).
	weeks  []time.Time
	weekly map[debrief.TechniqueID][]int
}

// BaselineWindow is the part of a Baseline a review carries; each metric
// carries its own statistic.
type BaselineWindow struct {
	Since     time.Time `json:"since,omitzero"`
	Until     time.Time `json:"until,omitzero"`
	Incidents int       `json:"incidents"`
	// Weeks are the starts (Monday 00:00 UTC) of the weeks the window
	// covers, and Techniques the weekly counts of the review's techniques
	// in it: how often the team met them before.
	Weeks      []time.Time   `json:"weeks,omitempty"`
	Techniques []WeeklyCount `json:"techniques,omitempty"`
}

// BaselineText words the review's baseline for people: how many of the
// team's incidents it holds and from when to when, said to be the days
// leading up to the reviewed incident when it ends at its creation (as
// Load makes it).
func (r *Review) BaselineText() string {
	b := r.Baseline
	var first time.Time
	for _, in := range r.Header.Incidents {
		first = earliest(first, in.Created)
	}
	if b.Until.IsZero() || !b.Until.Equal(first) {
		return fmt.Sprintf("Baseline: %d incidents created %s → %s.", b.Incidents, Stamp(b.Since), Stamp(b.Until))
	}
	what := "this incident was"
	if len(r.Header.Incidents) > 1 {
		what = "the first of these incidents was"
	}
	return fmt.Sprintf("Baseline: the team's %d incidents created in the %d days before %s created (%s → %s).",
		b.Incidents, int(b.Until.Sub(b.Since).Round(24*time.Hour)/(24*time.Hour)), what, Stamp(b.Since), Stamp(b.Until))
}

// Stat is the distribution of one metric over the baseline's incidents.
type Stat struct {
	N      int     `json:"n"` // incidents with a value
	Median Seconds `json:"median_seconds"`
	P90    Seconds `json:"p90_seconds"` // nearest-rank 90th percentile
}

// NewBaseline computes the baseline over the incidents created in the
// BaselineDays before now (now excluded). Redirected (merged) incidents do
// not count. Missing times are filled from alerts, history and comments as
// Build does. It is pure.
func NewBaseline(history []debrief.Incident, now time.Time) Baseline {
	b := Baseline{Since: now.Add(-BaselineDays * 24 * time.Hour), Until: now, Stats: map[MetricKey]Stat{}}
	values := map[MetricKey][]time.Duration{}
	for i := range history {
		in := &history[i]
		t := effectiveTimes(in)
		if in.Status == debrief.StatusRedirected || t.Created.Before(b.Since) || !t.Created.Before(now) {
			continue
		}
		b.Incidents++
		for _, k := range MetricKeys() {
			if d, ok := k.Of(t); ok {
				values[k] = append(values[k], d)
			}
		}
	}
	for _, k := range MetricKeys() {
		b.Stats[k] = newStat(values[k])
	}
	b.countWeeks(history)
	return b
}

// newStat sorts ds in place.
func newStat(ds []time.Duration) Stat {
	n := len(ds)
	if n == 0 {
		return Stat{}
	}
	slices.Sort(ds)
	return Stat{N: n, Median: toSeconds(median(ds)), P90: toSeconds(ds[(9*n+9)/10-1])}
}

// median of sorted ds: the middle one, or the mean of the middle two.
func median(ds []time.Duration) time.Duration {
	n := len(ds)
	if n%2 == 1 {
		return ds[n/2]
	}
	return (ds[n/2-1] + ds[n/2]) / 2
}

func (b Baseline) window() BaselineWindow {
	return BaselineWindow{Since: b.Since.UTC(), Until: b.Until.UTC(), Incidents: b.Incidents}
}

// metrics measures each metric over the review's incidents: the median of
// their values when there are several.
func metrics(ins []*debrief.Incident, times []debrief.Times, b Baseline) []Metric {
	out := make([]Metric, 0, len(MetricKeys()))
	for _, k := range MetricKeys() {
		m := Metric{Key: k, Label: k.Label(), Definition: k.definition(), Baseline: b.Stats[k]}
		var ds []time.Duration
		for i := range ins {
			if d, ok := k.Of(times[i]); ok {
				ds = append(ds, d)
			}
		}
		if len(ds) > 0 {
			slices.Sort(ds)
			m.Known, m.Value, m.Incidents = true, toSeconds(median(ds)), len(ds)
		}
		m.Assessment = assess(m)
		out = append(out, m)
	}
	return out
}

func assess(m Metric) Assessment {
	switch {
	case !m.Known:
		return AssessUnknown
	case m.Baseline.N < MinBaseline:
		return AssessNoBaseline
	case m.Value <= m.Baseline.Median:
		return AssessBetter
	case m.Value <= m.Baseline.P90:
		return AssessTypical
	}
	return AssessSlow
}
