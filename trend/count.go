package trend

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
)

// Period is the length of a bucket of a series.
type Period string

// Periods.
const (
	Day   Period = "day"
	Week  Period = "week" // ISO weeks, from Monday 00:00 UTC
	Month Period = "month"
)

// ParsePeriod reads "day", "week" or "month" (also "d", "w", "m").
func ParsePeriod(s string) (Period, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "day", "d", "daily":
		return Day, nil
	case "week", "w", "weekly":
		return Week, nil
	case "month", "m", "monthly":
		return Month, nil
	}
	return "", fmt.Errorf("period %q: want day, week or month", s)
}

// Start returns the start of the bucket that holds t (UTC).
func (p Period) Start(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	switch p {
	case Week:
		return d.AddDate(0, 0, -(int(d.Weekday())+6)%7)
	case Month:
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return d
}

// Next returns the start of the bucket after the one starting at s.
func (p Period) Next(s time.Time) time.Time {
	switch p {
	case Week:
		return s.AddDate(0, 0, 7)
	case Month:
		return s.AddDate(0, 1, 0)
	}
	return s.AddDate(0, 0, 1)
}

// Dimension is what incidents are counted by.
type Dimension string

// Dimensions.
const (
	ByTechnique    Dimension = "technique"    // parent techniques: a sub-technique counts for its parent
	BySubTechnique Dimension = "subtechnique" // the most specific ids an incident carries
	ByTactic       Dimension = "tactic"       // tactic shortnames
	BySource       Dimension = "source"
	BySeverity     Dimension = "severity"
	ByVerdict      Dimension = "verdict" // "undetermined" for no verdict
)

// Dimensions lists every Dimension.
var Dimensions = []Dimension{ByTechnique, BySubTechnique, ByTactic, BySource, BySeverity, ByVerdict}

// ParseDimension reads a Dimension; "sub-technique" and "product" are
// accepted too.
func ParseDimension(s string) (Dimension, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "sub-technique", "subtechniques":
		return BySubTechnique, nil
	case "product":
		return BySource, nil
	}
	for _, d := range Dimensions {
		if string(d) == s || string(d)+"s" == s {
			return d, nil
		}
	}
	return "", fmt.Errorf("dimension %q: want one of %v", s, Dimensions)
}

// Keys appends to dst the keys incident in has in dimension d, each once.
func (d Dimension) Keys(dst []string, in *debrief.Incident) []string {
	switch d {
	case ByTechnique:
		for _, t := range in.Techniques {
			dst = appendUnique(dst, string(t.Parent()))
		}
	case BySubTechnique:
		for _, t := range in.Techniques {
			if !t.IsSub() && hasSubOf(in.Techniques, t) {
				continue
			}
			dst = appendUnique(dst, string(t))
		}
	case ByTactic:
		for _, t := range in.Tactics {
			dst = appendUnique(dst, t)
		}
	case BySource:
		dst = append(dst, string(in.Source))
	case BySeverity:
		dst = append(dst, nonEmpty(string(in.Severity), "unknown"))
	case ByVerdict:
		dst = append(dst, nonEmpty(string(in.Verdict), "undetermined"))
	}
	return dst
}

func hasSubOf(ids []debrief.TechniqueID, parent debrief.TechniqueID) bool {
	for _, t := range ids {
		if t.IsSub() && t.Parent() == parent {
			return true
		}
	}
	return false
}

func appendUnique(dst []string, s string) []string {
	if slices.Contains(dst, s) {
		return dst
	}
	return append(dst, s)
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Series is the count of one key per bucket.
type Series struct {
	Key    string `json:"id"`
	Name   string `json:"name,omitempty"`
	Total  int    `json:"total"`
	Counts []int  `json:"counts"` // one per Table.Starts
	// ChangePoints are where the rate shifts (Analyse only; for series
	// with at least MinCount incidents).
	ChangePoints []ChangePoint `json:"change_points,omitempty"`
}

// Table holds the series of every key over the same buckets.
type Table struct {
	By     Dimension   `json:"by"`
	Period Period      `json:"period"`
	Starts []time.Time `json:"starts"` // bucket starts, ascending
	Series []Series    `json:"series"` // by total, descending, then key
}

// Count buckets the incidents created in [from, to) by period p and
// dimension d. Incidents without a created time are skipped.
func Count(ins []debrief.Incident, d Dimension, p Period, from, to time.Time) (*Table, error) {
	if !to.After(from) {
		return nil, fmt.Errorf("count: empty range %s – %s", from.Format(time.RFC3339), to.Format(time.RFC3339))
	}
	tb := &Table{By: d, Period: p}
	for s := p.Start(from); s.Before(to); s = p.Next(s) {
		tb.Starts = append(tb.Starts, s)
	}
	index := map[string]int{}
	var keys []string
	for i := range ins {
		c := ins[i].Times.Created
		if c.IsZero() || c.Before(from) || !c.Before(to) {
			continue
		}
		b := bucketOf(tb.Starts, c)
		keys = d.Keys(keys[:0], &ins[i])
		for _, k := range keys {
			j, ok := index[k]
			if !ok {
				j = len(tb.Series)
				index[k] = j
				tb.Series = append(tb.Series, Series{Key: k, Counts: make([]int, len(tb.Starts))})
			}
			tb.Series[j].Counts[b]++
			tb.Series[j].Total++
		}
	}
	slices.SortFunc(tb.Series, func(a, b Series) int {
		if a.Total != b.Total {
			return b.Total - a.Total
		}
		return strings.Compare(a.Key, b.Key)
	})
	return tb, nil
}

// bucketOf returns the index of the last start at or before t.
func bucketOf(starts []time.Time, t time.Time) int {
	i, found := slices.BinarySearchFunc(starts, t, func(s, t time.Time) int { return s.Compare(t) })
	if found {
		return i
	}
	return max(i-1, 0)
}
