package server

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/internal/query"
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
// limit, and offset or after (a cursor). A tactic may be given in any
// spelling cat knows (TA0001, Initial Access, initial-access).
func incidentFilter(q url.Values, now time.Time, cat *attack.Catalog) (debrief.IncidentFilter, error) {
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
	if t := q.Get("tactic"); t != "" {
		ta, ok := cat.Tactic(t)
		if !ok {
			return f, invalid("tactic", "%q: want an ATT&CK tactic's id, name or shortname, such as TA0001, Initial Access or initial-access", t)
		}
		f.Tactic = ta.Shortname
	}
	if f.Limit, err = intParam(q, "limit", defaultLimit, 1, maxLimit); err != nil {
		return f, err
	}
	if f.Offset, err = intParam(q, "offset", 0, 0, 1<<31-1); err != nil {
		return f, err
	}
	if a := q.Get("after"); a != "" {
		if f.Offset > 0 {
			return f, invalid("after", "cannot be combined with offset: page with one or the other")
		}
		if f.After, err = decodeCursor("after", a); err != nil {
			return f, err
		}
	}
	return f, nil
}

func enums[T comparable](q url.Values, name string, parse func(string) (T, bool), unknown T, all []T) ([]T, error) {
	var out []T
	for _, s := range list(q, name) {
		v, ok := parse(s)
		if !ok || v == unknown {
			names := make([]string, len(all))
			for i, v := range all {
				names[i] = fmt.Sprint(v)
			}
			return nil, invalid(name, "%q: want one of %s", s, strings.Join(names, ", "))
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

// when reads the time parameter name (see query.When).
func when(q url.Values, name string, now time.Time) (time.Time, error) {
	t, err := query.When(q.Get(name), now)
	if err != nil {
		return time.Time{}, invalid(name, "%v", err)
	}
	return t, nil
}

func spanParam(q url.Values, name string, def time.Duration) (time.Duration, error) {
	s := q.Get(name)
	if s == "" {
		return def, nil
	}
	d, err := query.Span(s)
	if err != nil {
		return 0, invalid(name, "%v", err)
	}
	return d, nil
}
