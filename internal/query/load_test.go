package query_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/query"
	"github.com/debrief-dev/debrief/internal/storefixture"
	"github.com/debrief-dev/debrief/simulate"
	"github.com/debrief-dev/debrief/skill"
	"github.com/debrief-dev/debrief/sqlite"
	"github.com/debrief-dev/debrief/trend"
)

// plain hides the store's fast paths, leaving debrief.Store.
type plain struct{ debrief.Store }

// TestFastPathsSameAsPlain checks that each loader gives through the
// store's own aggregates and scanner what it gives through Store alone.
func TestFastPathsSameAsPlain(t *testing.T) {
	st, truth := storefixture.Open(t, simulate.Options{Seed: 5, Days: 40, IncidentsPerDay: 8})
	var fast debrief.Store = st
	if _, ok := fast.(debrief.AggregateStore); !ok {
		t.Fatal("the SQLite store counts no aggregates")
	}
	if _, ok := fast.(debrief.IncidentScanner); !ok {
		t.Fatal("the SQLite store has no scanner")
	}
	slow := plain{st}
	f := debrief.IncidentFilter{Since: truth.Start.AddDate(0, 0, 10)}
	same := func(what string, got, want any) {
		t.Helper()
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if string(g) != string(w) {
			t.Errorf("%s: the fast path gives\n%.400s\nthe plain one\n%.400s", what, g, w)
		}
		if len(w) < 100 {
			t.Errorf("%s: nothing to compare (%s)", what, w)
		}
	}
	for _, by := range []trend.Dimension{trend.ByTechnique, trend.ByTactic, trend.BySource} {
		got, err := query.DailyCounts(t.Context(), fast, f, by)
		if err != nil {
			t.Fatal(err)
		}
		want, err := query.DailyCounts(t.Context(), slow, f, by)
		if err != nil {
			t.Fatal(err)
		}
		same("daily counts by "+string(by), got, want)
	}
	// Handling facts: kept by the store, else worked out from each
	// incident's history (skill.ReadFacts picks the path as query does).
	gotF, err := skill.ReadFacts(t.Context(), fast, f)
	if err != nil {
		t.Fatal(err)
	}
	wantF, err := skill.ReadFacts(t.Context(), slow, f)
	if err != nil {
		t.Fatal(err)
	}
	if len(wantF) < 100 {
		t.Fatalf("%d incidents since day 10", len(wantF))
	}
	byID := func(hs []debrief.HandlingFacts) map[string]debrief.HandlingFacts {
		m := map[string]debrief.HandlingFacts{}
		for _, h := range hs {
			m[h.ID] = h
		}
		return m
	}
	same("handling facts", byID(gotF), byID(wantF))

	alerts := func(st debrief.Store) map[string]int {
		m := map[string]int{}
		if err := query.WithAlerts(t.Context(), st, f, func(in *debrief.Incident) error {
			m[in.ID] = len(in.Alerts)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return m
	}
	same("incidents with alerts", alerts(fast), alerts(slow))
	if err := query.WithAlerts(t.Context(), slow, f, func(*debrief.Incident) error { return errStop }); err != errStop {
		t.Errorf("an error from fn: %v, want it back", err)
	}
}

var errStop = stopError{}

type stopError struct{}

func (stopError) Error() string { return "stop" }

// TestEnd checks that the analyses count back from the store's latest
// incident when it is more than a day old, and from now otherwise.
func TestEnd(t *testing.T) {
	st, truth := storefixture.Open(t, simulate.Options{Seed: 5, Days: 14, IncidentsPerDay: 3})
	list, err := st.Incidents(t.Context(), debrief.IncidentFilter{Limit: 1})
	if err != nil || len(list) != 1 {
		t.Fatal(len(list), err)
	}
	last := list[0].Times.Created
	if last.Before(truth.Start) {
		t.Fatalf("latest incident %s before the simulation's start %s", last, truth.Start)
	}
	for _, tc := range []struct {
		now    time.Time
		want   time.Time
		latest bool
	}{
		{last.AddDate(0, 6, 0), last, true},
		{last.Add(25 * time.Hour), last, true},
		{last.Add(23 * time.Hour), last.Add(23 * time.Hour), false},
	} {
		end, latest, err := query.End(t.Context(), st, tc.now)
		if err != nil || !end.Equal(tc.want) || latest != tc.latest {
			t.Errorf("End(%s) = %s, %v, %v; want %s, %v", tc.now, end, latest, err, tc.want, tc.latest)
		}
	}
	empty, err := sqlite.Open(t.Context(), ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer empty.Close()
	now := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	if end, latest, err := query.End(t.Context(), empty, now); err != nil || !end.Equal(now) || latest {
		t.Errorf("End of an empty store = %s, %v, %v; want now", end, latest, err)
	}
}

func TestNoIncidentsSaysHowToWiden(t *testing.T) {
	since, until := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		f    debrief.IncidentFilter
		want string
	}{
		{debrief.IncidentFilter{Since: since}, "since 2025-01-01: start the window earlier"},
		{debrief.IncidentFilter{Until: until}, "before 2025-06-01: move the window's end later"},
		{debrief.IncidentFilter{Since: since, Until: until}, "from 2025-01-01 to 2025-06-01: widen the window"},
		{debrief.IncidentFilter{}, "no incidents in the store"},
	} {
		err := query.NoIncidents(tc.f)
		if !strings.Contains(err.Error(), tc.want) || debrief.ErrorCode(err) != debrief.ENOTFOUND {
			t.Errorf("%+v: %v, want %q", tc.f, err, tc.want)
		}
		if !tc.f.Since.IsZero() && !strings.Contains(err.Error(), "--since") {
			t.Errorf("%+v: %v does not say how", tc.f, err)
		}
	}
}
