package storetest

import (
	"cmp"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
)

// RunAggregates checks a store's debrief.AggregateStore on a simulated
// history: for every count key and several filters, DailyCounts gives
// exactly what a plain count over Store.Incidents gives, also after more
// writes (new incidents, later versions, alerts linked later) to a store
// that has counted before (stores may keep counts up to date).
func RunAggregates(t *testing.T, open func(t *testing.T) debrief.Store) {
	runCapability(t, "debrief.AggregateStore", open, []capTest[debrief.AggregateStore]{
		{"SameAsIncidents", testAggregatesSameAsIncidents},
		{"KeptUpToDate", testAggregatesIncremental},
		{"CallbackError", testAggregatesStop},
		{"UnknownKey", func(t *testing.T, open func() debrief.AggregateStore) {
			err := open().DailyCounts(t.Context(), debrief.IncidentFilter{}, "colour", func(debrief.DayCount) error { return nil })
			wantCode(t, "daily counts by colour", err, debrief.EINVALID)
		}},
	})
}

// CountKeys lists every debrief.CountKey.
var CountKeys = []debrief.CountKey{debrief.CountTechnique, debrief.CountSubTechnique, debrief.CountTactic,
	debrief.CountSource, debrief.CountSeverity, debrief.CountVerdict}

// DailyCounts returns what AggregateStore.DailyCounts gives, computed from
// the incidents as Store.Incidents lists them: the plain recomputation the
// stores are checked against.
func DailyCounts(ins []debrief.Incident, by debrief.CountKey) []debrief.DayCount {
	type cell struct {
		key string
		day time.Time
	}
	cells := map[cell]*debrief.DayCount{}
	add := func(key string, c time.Time) {
		day := time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, time.UTC)
		dc := cells[cell{key, day}]
		if dc == nil {
			dc = &debrief.DayCount{Key: key, Day: day, First: c}
			cells[cell{key, day}] = dc
		}
		dc.Count++
		if c.Before(dc.First) {
			dc.First = c
		}
	}
	for i := range ins {
		in := &ins[i]
		c := in.Times.Created.UTC()
		if c.IsZero() {
			continue
		}
		add("", c)
		for _, k := range countKeys(in, by) {
			add(k, c)
		}
	}
	out := make([]debrief.DayCount, 0, len(cells))
	for _, dc := range cells {
		out = append(out, *dc)
	}
	slices.SortFunc(out, func(a, b debrief.DayCount) int {
		return cmp.Or(strings.Compare(a.Key, b.Key), a.Day.Compare(b.Day))
	})
	return out
}

// countKeys returns the keys of by that in carries, each once.
func countKeys(in *debrief.Incident, by debrief.CountKey) []string {
	var keys []string
	switch by {
	case debrief.CountTechnique:
		for _, t := range in.Techniques {
			keys = append(keys, string(t.Parent()))
		}
	case debrief.CountSubTechnique:
		for _, t := range in.Techniques {
			if t.IsSub() || !slices.ContainsFunc(in.Techniques, func(u debrief.TechniqueID) bool { return u.IsSub() && u.Parent() == t }) {
				keys = append(keys, string(t))
			}
		}
	case debrief.CountTactic:
		keys = append(keys, in.Tactics...)
	case debrief.CountSource:
		keys = append(keys, string(in.Source))
	case debrief.CountSeverity:
		keys = append(keys, cmp.Or(string(in.Severity), "unknown"))
	case debrief.CountVerdict:
		keys = append(keys, cmp.Or(string(in.Verdict), "undetermined"))
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

func dailyCounts(t *testing.T, st debrief.AggregateStore, f debrief.IncidentFilter, by debrief.CountKey) []debrief.DayCount {
	t.Helper()
	out := []debrief.DayCount{}
	if err := st.DailyCounts(t.Context(), f, by, func(c debrief.DayCount) error {
		out = append(out, c)
		return nil
	}); err != nil {
		t.Fatalf("daily counts by %s, %+v: %v", by, f, err)
	}
	return out
}

func testAggregatesSameAsIncidents(t *testing.T, open func() debrief.AggregateStore) {
	st := open()
	s := st.(debrief.Store)
	first := simulated(t, s, 5, 30)
	write(t, s, incRec(phishing()), incRec(identity()), alertRec(spray(identity().ID)), alertRec(token(identity().ID)))
	withOwnLabels(t, s)
	for _, f := range []debrief.IncidentFilter{
		{},
		{Tactic: "persistence"},
		{Since: first.AddDate(0, 0, 10).Add(13 * time.Hour), Until: first.AddDate(0, 0, 25)},
		{Severity: []debrief.Severity{debrief.SeverityHigh}, Limit: 3},
		{Tactic: "execution"},
		{Technique: "T1059"},
	} {
		ins, err := s.Incidents(t.Context(), debrief.IncidentFilter{Since: f.Since, Until: f.Until, Severity: f.Severity,
			Tactic: f.Tactic, Technique: f.Technique})
		if err != nil {
			t.Fatalf("incidents %+v: %v", f, err)
		}
		for _, by := range CountKeys {
			got, want := dailyCounts(t, st, f, by), DailyCounts(ins, by)
			if len(want) < 2 {
				t.Fatalf("by %s, %+v: the plain count has %d cells: the history is too small to test", by, f, len(want))
			}
			same(t, "daily counts by "+string(by), got, want)
		}
	}
}

func testAggregatesIncremental(t *testing.T, open func() debrief.AggregateStore) {
	st := open()
	s := st.(debrief.Store)
	check := func(what string) {
		t.Helper()
		ins, err := s.Incidents(t.Context(), debrief.IncidentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, by := range CountKeys {
			same(t, what+": daily counts by "+string(by), dailyCounts(t, st, debrief.IncidentFilter{}, by), DailyCounts(ins, by))
		}
	}
	simulated(t, s, 9, 12)
	check("a 12-day history")
	// The same seed over more days: later versions of the same incidents
	// (other verdicts, more alerts) and new ones.
	simulated(t, s, 9, 20)
	check("its 20-day continuation")
	in := identity()
	write(t, s, incRec(in), alertRec(spray(in.ID)), alertRec(loneAlert(1, in.Times.Created)))
	check("with the identity incident")
	if err := s.Assign(t.Context(), in.ID, []string{loneAlert(1, in.Times.Created).ID}); err != nil {
		t.Fatal(err)
	}
	check("after an alert of LSASS memory was assigned to it")
	write(t, s, alertRec(token(in.ID)))
	check("after an alert linked to it by its own incident id")
	withOwnLabels(t, s)
	check("with incidents that name techniques of their own")
	changeOwnLabels(t, s)
	check("after a newer version named others")
}

func testAggregatesStop(t *testing.T, open func() debrief.AggregateStore) {
	st := open()
	simulated(t, st.(debrief.Store), 3, 5)
	n := 0
	err := st.DailyCounts(t.Context(), debrief.IncidentFilter{}, debrief.CountTactic, func(debrief.DayCount) error {
		n++
		if n == 2 {
			return errStop
		}
		return nil
	})
	if !errors.Is(err, errStop) || n != 2 {
		t.Errorf("daily counts stopped by the callback: err %v after %d calls, want %v after 2", err, n, errStop)
	}
}
