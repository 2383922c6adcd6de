package server

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
)

// Paging bounds of the incident list.
const (
	defaultLimit = 100
	maxLimit     = 1000
)

// list returns a repeatable, comma-separable parameter.
func list(q url.Values, name string) []string {
	var out []string
	for _, v := range q[name] {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func invalid(param, format string, args ...any) error {
	return debrief.Errorf(debrief.EINVALID, "parameter %s: %s", param, fmt.Sprintf(format, args...))
}

// incidentFilter reads the incident list's query: the CLI's filters plus
// limit and offset.
func incidentFilter(q url.Values, now time.Time) (debrief.IncidentFilter, error) {
	var f debrief.IncidentFilter
	var err error
	if f.Since, err = when(q, "since", now); err != nil {
		return f, err
	}
	if f.Until, err = when(q, "until", now); err != nil {
		return f, err
	}
	if f.Severity, err = enums(q, "severity", debrief.ParseSeverity, debrief.SeverityUnknown, debrief.Severities); err != nil {
		return f, err
	}
	if f.Status, err = enums(q, "status", debrief.ParseStatus, debrief.StatusUnknown, debrief.Statuses); err != nil {
		return f, err
	}
	if f.Verdict, err = enums(q, "verdict", debrief.ParseVerdict, debrief.VerdictUndetermined, debrief.Verdicts); err != nil {
		return f, err
	}
	for _, s := range list(q, "source") {
		f.Source = append(f.Source, debrief.Source(strings.ToLower(s)))
	}
	if t := q.Get("technique"); t != "" {
		if f.Technique, err = debrief.ParseTechniqueID(t); err != nil {
			return f, invalid("technique", "%v", err)
		}
	}
	f.Tactic = q.Get("tactic")
	if f.Limit, err = intParam(q, "limit", defaultLimit, 1, maxLimit); err != nil {
		return f, err
	}
	if f.Offset, err = intParam(q, "offset", 0, 0, 1<<31-1); err != nil {
		return f, err
	}
	return f, nil
}

func enums[T comparable](q url.Values, name string, parse func(string) (T, bool), unknown T, all []T) ([]T, error) {
	var out []T
	for _, s := range list(q, name) {
		v, ok := parse(s)
		if !ok || v == unknown {
			return nil, invalid(name, "%q: want one of %v", s, all)
		}
		out = append(out, v)
	}
	return out, nil
}

func intParam(q url.Values, name string, def, lo, hi int) (int, error) {
	s := q.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, invalid(name, "%q: want an integer from %d to %d", s, lo, hi)
	}
	return n, nil
}

func floatParam(q url.Values, name string, def, lo, hi float64) (float64, error) {
	s := q.Get(name)
	if s == "" {
		return def, nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || x <= lo || x >= hi {
		return 0, invalid(name, "%q: want a number between %g and %g", s, lo, hi)
	}
	return x, nil
}

// when reads "30d", "12h", "2w" (back from now) or a date or RFC 3339 time.
func when(q url.Values, name string, now time.Time) (time.Time, error) {
	s := q.Get(name)
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := span(s); err == nil {
		return now.Add(-d), nil
	}
	for _, l := range []string{time.RFC3339, "2006-01-02T15:04", time.DateOnly} {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, invalid(name, "%q: want a duration such as 30d, 12h, 2w or a date such as 2026-01-31", s)
}

// span reads a positive duration written 28d, 4w or as a Go duration.
func span(s string) (time.Duration, error) {
	var d time.Duration
	if n, err := strconv.Atoi(s[:max(len(s)-1, 0)]); err == nil && len(s) > 1 && (s[len(s)-1] == 'd' || s[len(s)-1] == 'w') {
		d = time.Duration(n) * 24 * time.Hour
		if s[len(s)-1] == 'w' {
			d *= 7
		}
	} else if v, err := time.ParseDuration(s); err == nil {
		d = v
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q: want a positive duration such as 28d, 4w or 72h", s)
	}
	return d, nil
}

func spanParam(q url.Values, name string, def time.Duration) (time.Duration, error) {
	s := q.Get(name)
	if s == "" {
		return def, nil
	}
	d, err := span(s)
	if err != nil {
		return 0, invalid(name, "%v", err)
	}
	return d, nil
}
