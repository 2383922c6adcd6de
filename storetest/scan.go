package storetest

import (
	"errors"
	"slices"
	"testing"

	"github.com/debrief-dev/debrief"
)

// RunScanner checks a store's debrief.IncidentScanner on a simulated
// history: each scanned incident equals what Store.Incident returns (but
// the raw record) with alerts and history, or what Store.Incidents lists
// without them, in the order of Store.Incidents under the same filter; an
// error from the callback stops the scan; the callback may use the store.
func RunScanner(t *testing.T, open func(t *testing.T) debrief.Store) {
	runCapability(t, "debrief.IncidentScanner", open, []capTest[debrief.IncidentScanner]{
		{"SameAsIncident", testScanSameAsIncident},
		{"FiltersAndOrder", testScanFilters},
		{"CallbackError", testScanStops},
		{"Lean", testScanLean},
	})
}

func scanAll(t *testing.T, sc debrief.IncidentScanner, f debrief.IncidentFilter, opt debrief.ScanOptions) []debrief.Incident {
	t.Helper()
	var out []debrief.Incident
	if err := sc.ScanIncidents(t.Context(), f, opt, func(in *debrief.Incident) error {
		out = append(out, *in)
		return nil
	}); err != nil {
		t.Fatalf("scan %+v %+v: %v", f, opt, err)
	}
	return out
}

func testScanSameAsIncident(t *testing.T, open func() debrief.IncidentScanner) {
	sc := open()
	s := sc.(debrief.Store)
	simulated(t, s, 7, 20)
	withOwnLabels(t, s)
	ids := 0
	// The callback reads the store: the scan must let it.
	if err := sc.ScanIncidents(t.Context(), debrief.IncidentFilter{}, debrief.ScanOptions{Alerts: true, History: true},
		func(in *debrief.Incident) error {
			ids++
			want, err := s.Incident(t.Context(), in.ID)
			if err != nil {
				return err
			}
			want.Raw = nil
			same(t, "scanned "+in.ID, normalise(t, in), normalise(t, want))
			return nil
		}); err != nil {
		t.Fatalf("scan: %v", err)
	}
	if ids < 100 {
		t.Fatalf("scanned %d incidents of a 20-day history, want at least 100", ids)
	}
	list, err := s.Incidents(t.Context(), debrief.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	bare := scanAll(t, sc, debrief.IncidentFilter{}, debrief.ScanOptions{})
	same(t, "scan without alerts or history", bare, list)
}

func testScanFilters(t *testing.T, open func() debrief.IncidentScanner) {
	sc := open()
	s := sc.(debrief.Store)
	first := simulated(t, s, 11, 20)
	for _, f := range []debrief.IncidentFilter{
		{},
		{Since: first.AddDate(0, 0, 10)},
		{Until: first.AddDate(0, 0, 5), Severity: []debrief.Severity{debrief.SeverityHigh, debrief.SeverityMedium}},
		{Tactic: "initial-access"},
		{Technique: "T1566"},
		{Verdict: []debrief.Verdict{debrief.VerdictTruePositive}, Limit: 7, Offset: 3},
		{Offset: 5},
	} {
		list, err := s.Incidents(t.Context(), f)
		if err != nil {
			t.Fatalf("incidents %+v: %v", f, err)
		}
		got := scanAll(t, sc, f, debrief.ScanOptions{History: true})
		if len(got) != len(list) {
			t.Errorf("filter %+v: scanned %d incidents, listed %d", f, len(got), len(list))
			continue
		}
		for i := range got {
			if got[i].ID != list[i].ID {
				t.Errorf("filter %+v: incident %d is %s, Incidents has %s", f, i, got[i].ID, list[i].ID)
				break
			}
		}
	}
}

func testScanStops(t *testing.T, open func() debrief.IncidentScanner) {
	sc := open()
	simulated(t, sc.(debrief.Store), 3, 5)
	n := 0
	err := sc.ScanIncidents(t.Context(), debrief.IncidentFilter{}, debrief.ScanOptions{Alerts: true}, func(*debrief.Incident) error {
		n++
		if n == 3 {
			return errStop
		}
		return nil
	})
	if !errors.Is(err, errStop) || n != 3 {
		t.Errorf("scan stopped by its callback: err %v after %d calls, want %v after 3", err, n, errStop)
	}
	if got := scanAll(t, sc, debrief.IncidentFilter{Limit: 2}, debrief.ScanOptions{}); len(got) != 2 ||
		!slices.IsSortedFunc(got, func(a, b debrief.Incident) int { return b.Times.Created.Compare(a.Times.Created) }) {
		t.Errorf("scan with limit 2: %d incidents, want 2 newest first", len(got))
	}
}
