package sqlite_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/simulate"
	"github.com/debrief-dev/debrief/storetest"
)

func TestHandling(t *testing.T) { storetest.RunHandling(t, openMemory) }

// TestHandlingPacks checks the facts read from skill_packs (a filter by
// created time alone) against those read row by row from skill_facts (the
// same filter with every severity, which takes the SQL path), windows
// cutting days in two, after the first packing of many days and after a
// continuation repacks a few.
func TestHandlingPacks(t *testing.T) {
	s := openMemory(t)
	hs := s.(debrief.HandlingStore)
	start := simulate.DefaultScenario().Start.Time
	read := func(f debrief.IncidentFilter) []debrief.HandlingFacts {
		t.Helper()
		var out []debrief.HandlingFacts
		if err := hs.HandlingFacts(t.Context(), f, func(h *debrief.HandlingFacts) error {
			out = append(out, *h)
			return nil
		}); err != nil {
			t.Fatalf("handling facts: %v", err)
		}
		slices.SortFunc(out, func(a, b debrief.HandlingFacts) int { return strings.Compare(a.ID, b.ID) })
		return out
	}
	check := func(what string) {
		t.Helper()
		for _, tc := range []struct {
			name string
			f    debrief.IncidentFilter
		}{
			{"all", debrief.IncidentFilter{}},
			{"since mid-day", debrief.IncidentFilter{Since: start.Add(10*24*time.Hour + 7*time.Hour + 30*time.Minute)}},
			{"until mid-day", debrief.IncidentFilter{Until: start.Add(20*24*time.Hour + 13*time.Hour)}},
			{"a window", debrief.IncidentFilter{Since: start.Add(5*24*time.Hour + time.Hour), Until: start.Add(6*24*time.Hour + 23*time.Hour)}},
			{"before 1970", debrief.IncidentFilter{Until: time.Unix(-1, 0)}},
		} {
			packed := read(tc.f)
			f := tc.f
			f.Severity = append([]debrief.Severity{debrief.SeverityUnknown}, debrief.Severities...)
			rows := read(f)
			if tc.name != "before 1970" && len(rows) == 0 {
				t.Fatalf("%s, %s: no incidents read row by row; want some to compare", what, tc.name)
			}
			if !reflect.DeepEqual(packed, rows) {
				t.Errorf("%s, %s: %d facts from skill_packs differ from the %d read row by row", what, tc.name, len(packed), len(rows))
			}
		}
	}
	opts := simulate.Options{Seed: 3, Days: 40, IncidentsPerDay: 12}
	if _, err := storetest.WriteSimulated(t.Context(), s, opts); err != nil {
		t.Fatal(err)
	}
	check("40 days packed at once")
	opts.Days = 42
	if _, err := storetest.WriteSimulated(t.Context(), s, opts); err != nil {
		t.Fatal(err)
	}
	check("2 more days")
}
