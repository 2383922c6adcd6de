package sqlite

import (
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
)

// TestRenormalisedKeepsNoCopy: an alert and an incident written again with
// their raw records unchanged but decoded anew add no version, no raw copy
// and no history; a different raw record adds a version and keeps the
// replaced raw record as before.
func TestRenormalisedKeepsNoCopy(t *testing.T) {
	s := open(t, Memory)
	a := testAlert(1)
	in := debrief.Incident{ID: "wazuh:inc-1", Source: debrief.SourceWazuh, SourceID: "inc-1", Title: "Brute force",
		Severity: debrief.SeverityHigh, Times: debrief.Times{Created: a.Created}, Raw: []byte(`{"id":"inc-1"}`)}
	write := func(what string, want debrief.WriteResult, recs ...debrief.Record) {
		t.Helper()
		got, err := s.Write(t.Context(), recs)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if got != want {
			t.Errorf("%s: %+v, want %+v", what, got, want)
		}
	}
	// The versions differ in no tracked field: no history either way.
	count := func(what string, versions, raws int) {
		t.Helper()
		for table, want := range map[string]int{"versions": versions, "raw_records": raws, "history": 0} {
			var n int
			if err := s.db.QueryRowContext(t.Context(), `SELECT count(*) FROM `+table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != want {
				t.Errorf("%s: %d rows in %s, want %d", what, n, table, want)
			}
		}
	}
	write("first", debrief.WriteResult{IncidentsNew: 1, AlertsNew: 1}, debrief.Record{Incident: &in}, debrief.Record{Alert: &a})
	a2, in2 := a, in
	a2.Tactics = []string{"credential-access"}
	in2.Times.Contained = in.Times.Created.Add(30 * time.Minute)
	write("decoded anew", debrief.WriteResult{IncidentsRenormalised: 1, AlertsRenormalised: 1},
		debrief.Record{Incident: &in2}, debrief.Record{Alert: &a2})
	count("decoded anew", 0, 0)
	write("again", debrief.WriteResult{IncidentsUnchanged: 1, AlertsUnchanged: 1}, debrief.Record{Incident: &in2}, debrief.Record{Alert: &a2})
	a3, in3 := a2, in2
	a3.Title, a3.Raw = "Brute force (revised)", []byte(`{"title":"revised"}`)
	in3.Title, in3.Raw = "Brute force (revised)", []byte(`{"id":"inc-1","title":"revised"}`)
	write("newer", debrief.WriteResult{IncidentsUpdated: 1, AlertsUpdated: 1}, debrief.Record{Incident: &in3}, debrief.Record{Alert: &a3})
	count("newer", 4, 2) // two versions and one raw copy of each
}
