package storetest

import (
	"testing"

	"github.com/debrief-dev/debrief"
)

// leanOf keeps of a whole scanned incident what a lean scan reads (see
// debrief.ScanOptions.Lean).
func leanOf(in debrief.Incident, alerts bool) debrief.Incident {
	out := debrief.Incident{ID: in.ID, Verdict: in.Verdict, Techniques: in.Techniques}
	out.Times.Created = in.Times.Created
	if !alerts {
		return out
	}
	for _, a := range in.Alerts {
		la := debrief.Alert{ID: a.ID, Created: a.Created, ThreatNames: a.ThreatNames, Entities: a.Entities}
		for _, t := range a.Techniques {
			la.Techniques = append(la.Techniques, debrief.Technique{ID: t.ID})
		}
		out.Alerts = append(out.Alerts, la)
	}
	return out
}

// testScanLean wants a lean scan, with alerts and without, under several
// filters, to give what a whole scan gives of the lean fields, in the
// same order.
func testScanLean(t *testing.T, open func() debrief.IncidentScanner) {
	sc := open()
	first := simulated(t, sc.(debrief.Store), 13, 20)
	withOwnLabels(t, sc.(debrief.Store))
	for k, f := range []debrief.IncidentFilter{
		{},
		{Technique: "T1078"},
		{Since: first.AddDate(0, 0, 10), Until: first.AddDate(0, 0, 15)},
		{Technique: "T1566", Limit: 9, Offset: 2},
	} {
		whole := scanAll(t, sc, f, debrief.ScanOptions{Alerts: true})
		for _, alerts := range []bool{true, false} {
			lean := scanAll(t, sc, f, debrief.ScanOptions{Alerts: alerts, Lean: true, History: true})
			want := make([]debrief.Incident, len(whole))
			for i, in := range whole {
				want[i] = leanOf(in, alerts)
			}
			same(t, "lean scan", lean, want)
		}
		if k == 0 && len(whole) < 100 {
			t.Fatalf("scanned %d incidents of a 20-day history, want at least 100", len(whole))
		}
	}
}
