// Package query reads what the trend and skill analyses are asked for —
// the CLI's flags and the server's query parameters, as plain strings,
// checked once for both — and reads the incidents those analyses and
// campaign clustering run on through the store's fast paths
// (debrief.AggregateStore, debrief.IncidentScanner) when it has them.
package query

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/skill"
	"github.com/debrief-dev/debrief/trend"
)

// Error is a bad value of one parameter. Param is the name of the CLI's
// flag, which is the server's parameter with "-" for "_": "min-count".
type Error struct {
	Param string
	Err   error
}

func (e *Error) Error() string { return e.Param + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

func bad(param string, format string, args ...any) error {
	return &Error{Param: param, Err: fmt.Errorf(format, args...)}
}

// When reads a time written as a duration back from now (30d and 2w as
// calendar days, or a Go duration such as 12h) or as a date or RFC 3339
// time. "" is the zero time: no bound. A time before 1970 (1600-01-01,
// 200000d) is 1970-01-01 UTC, which is everything a store holds: the
// stores compare times as nanoseconds since 1970, which reach back only to
// 1678.
func When(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if n, ok := count(s); ok {
		switch s[len(s)-1] {
		case 'd':
			return clamp(now.AddDate(0, 0, -min(n, maxDays))), nil
		case 'w':
			return clamp(now.AddDate(0, 0, -7*min(n, maxDays))), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return clamp(now.Add(-d)), nil
	}
	for _, l := range []string{time.RFC3339, "2006-01-02T15:04", time.DateOnly} {
		if t, err := time.Parse(l, s); err == nil {
			return clamp(t), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q: want a duration such as 30d, 12h, 2w or a date such as 2026-01-31", s)
}

// epoch is the earliest time When returns.
var epoch = time.Unix(0, 0).UTC()

// maxDays bounds a count of days before it is added to a date: it is
// further back than 1970 from any date When sees, and keeps 7×n an int.
const maxDays = 1 << 20

func clamp(t time.Time) time.Time {
	if t.Before(epoch) {
		return epoch
	}
	return t
}

// Span reads a positive duration written 28d, 4w or as a Go duration, at
// most what a time.Duration holds (about 292 years).
func Span(s string) (time.Duration, error) {
	const day = 24 * time.Hour
	var d time.Duration
	if n, ok := count(s); ok && (s[len(s)-1] == 'd' || s[len(s)-1] == 'w') {
		if s[len(s)-1] == 'w' {
			n = min(n, maxDays) * 7
		}
		if n > int(math.MaxInt64/day) {
			return 0, fmt.Errorf("%q: too long: want a positive duration of at most about 292 years (106751d)", s)
		}
		d = time.Duration(n) * day
	} else if v, err := time.ParseDuration(s); err == nil {
		d = v
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q: want a positive duration such as 28d, 4w or 72h", s)
	}
	return d, nil
}

// count reads the non-negative number before a one-letter unit.
func count(s string) (int, bool) {
	if len(s) < 2 {
		return 0, false
	}
	n, err := strconv.Atoi(s[:len(s)-1])
	return n, err == nil && n >= 0 && s[0] != '+'
}

// history reads since and until into a filter.
func history(since, until string, now time.Time) (debrief.IncidentFilter, error) {
	var f debrief.IncidentFilter
	var err error
	if f.Since, err = When(since, now); err != nil {
		return f, &Error{"since", err}
	}
	if f.Until, err = When(until, now); err != nil {
		return f, &Error{"until", err}
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Until.After(f.Since) {
		return f, bad("until", "%s is not after since %s", f.Until.Format(time.RFC3339), f.Since.Format(time.RFC3339))
	}
	return f, nil
}

func fdr(x float64) error {
	if !(x > 0 && x < 1) {
		return bad("fdr", "%v: want a number between 0 and 1", x)
	}
	return nil
}

// Trends is what "debrief trends" and GET /api/v1/trends ask for.
type Trends struct {
	Since, Until string // incidents created in [Since, Until): see When; "" for no bound
	Window       string // the recent window: 28d, 4w (see Span)
	By           string // see trend.ParseDimension
	Period       string // see trend.ParsePeriod
	MinCount     int    // at least 1
	FDR          float64
}

// DefaultTrends are the defaults of the CLI's flags and the server's
// parameters.
func DefaultTrends() Trends {
	return Trends{Since: "180d", Window: "4w", By: "technique", Period: "week", MinCount: 10, FDR: 0.05}
}

// Parse checks q as of now and returns the options of trend.Analyse (the
// caller adds the catalog) and the filter of the incidents to count. The
// baseline runs from Since to the window; without Since it is
// trend.Analyse's default.
func (q Trends) Parse(now time.Time) (trend.Options, debrief.IncidentFilter, error) {
	var opts trend.Options
	f, err := history(q.Since, q.Until, now)
	if err != nil {
		return opts, f, err
	}
	if opts.Window, err = Span(q.Window); err != nil {
		return opts, f, &Error{"window", err}
	}
	if opts.By, err = trend.ParseDimension(q.By); err != nil {
		return opts, f, &Error{"by", err}
	}
	if opts.Period, err = trend.ParsePeriod(q.Period); err != nil {
		return opts, f, &Error{"period", err}
	}
	if q.MinCount < 1 {
		return opts, f, bad("min-count", "%d: want at least 1", q.MinCount)
	}
	if err := fdr(q.FDR); err != nil {
		return opts, f, err
	}
	opts.MinCount, opts.FDR = q.MinCount, q.FDR
	end := now
	if !f.Until.IsZero() {
		opts.Now, end = f.Until, f.Until
	}
	if !f.Since.IsZero() {
		// Analyse cuts the baseline to the first incident.
		if opts.Baseline = end.Sub(f.Since) - opts.Window; opts.Baseline <= 0 {
			return opts, f, bad("window", "%s leaves no baseline between since %s and the window's start", q.Window, f.Since.Format(time.DateOnly))
		}
	}
	return opts, f, nil
}

// Skills is what "debrief skills" and GET /api/v1/skills ask for.
type Skills struct {
	Since, Until string // incidents created in [Since, Until): see When; "" for no bound
	By           string // see skill.ParseDimension
	MinSample    int    // at least 1
	FDR          float64
}

// DefaultSkills are the defaults of the CLI's flags and the server's
// parameters.
func DefaultSkills() Skills {
	return Skills{Since: "180d", By: "technique", MinSample: 20, FDR: 0.05}
}

// Parse checks q as of now and returns the options of skill.Analyse (the
// caller adds the catalog) and the filter of the incidents to analyse.
func (q Skills) Parse(now time.Time) (skill.Options, debrief.IncidentFilter, error) {
	var opts skill.Options
	f, err := history(q.Since, q.Until, now)
	if err != nil {
		return opts, f, err
	}
	if opts.By, err = skill.ParseDimension(q.By); err != nil {
		return opts, f, &Error{"by", err}
	}
	if q.MinSample < 1 {
		return opts, f, bad("min-sample", "%d: want at least 1", q.MinSample)
	}
	if err := fdr(q.FDR); err != nil {
		return opts, f, err
	}
	opts.MinSample, opts.FDR = q.MinSample, q.FDR
	return opts, f, nil
}
