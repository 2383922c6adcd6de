package sqlite

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/storetest"
)

// TestAlertAfterItsIncident checks that the daily counts and handling
// facts of an incident that listed alerts before they arrived take in the
// alerts once they do (markNewAlerts; the triggers migration 0012 dropped
// did it before), in a later Write and in the same one.
func TestAlertAfterItsIncident(t *testing.T) {
	for _, sameWrite := range []bool{false, true} {
		name := "later write"
		if sameWrite {
			name = "same write"
		}
		t.Run(name, func(t *testing.T) {
			s := open(t, Memory)
			as := []debrief.Alert{testAlert(1), testAlert(2)}
			in := debrief.Incident{ID: "wazuh:inc-1", Source: debrief.SourceWazuh, SourceID: "inc-1",
				Title: "Brute force", Severity: debrief.SeverityHigh, AlertIDs: []string{as[0].ID, as[1].ID},
				Times: debrief.Times{Created: as[0].Created.Add(-time.Minute)}}
			recs := []debrief.Record{{Incident: &in}}
			if !sameWrite {
				if _, err := s.Write(t.Context(), recs); err != nil {
					t.Fatal(err)
				}
				recs = nil
				// Reading the counts and facts takes the incident's marks.
				check(t, s, "the incident alone", nil)
			}
			for i := range as {
				recs = append(recs, debrief.Record{Alert: &as[i]})
			}
			if _, err := s.Write(t.Context(), recs); err != nil {
				t.Fatal(err)
			}
			check(t, s, "with its alerts", []debrief.TechniqueID{"T1021.004", "T1110.001"})
		})
	}
}

// check compares s's daily counts with those over Store.Incidents, and the
// techniques of its one incident's handling facts with want.
func check(t *testing.T, s *Store, what string, want []debrief.TechniqueID) {
	t.Helper()
	ins, err := s.Incidents(t.Context(), debrief.IncidentFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, by := range storetest.CountKeys {
		var got []debrief.DayCount
		if err := s.DailyCounts(t.Context(), debrief.IncidentFilter{}, by, func(c debrief.DayCount) error {
			got = append(got, c)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if w := storetest.DailyCounts(ins, by); !slices.Equal(got, w) {
			t.Errorf("%s: daily counts by %s = %v, want %v", what, by, got, w)
		}
	}
	var facts []debrief.HandlingFacts
	if err := s.HandlingFacts(t.Context(), debrief.IncidentFilter{}, func(h *debrief.HandlingFacts) error {
		facts = append(facts, *h)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(facts) != 1 || !slices.Equal(facts[0].Techniques, want) {
		t.Errorf("%s: handling facts %+v, want one incident with techniques %v", what, facts, want)
	}
}

// TestWriteConnIdle checks that the connection Writes keep between them
// holds no transaction open: a TRUNCATE checkpoint, which waits for every
// reader, gets through after Writes, a failed one among them.
func TestWriteConnIdle(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "debrief.db"))
	var as []debrief.Alert
	for i := range 100 {
		as = append(as, testAlert(i))
	}
	writeAlerts(t, s, as...)
	writeAlerts(t, s, as...) // unchanged: read, nothing written
	bad := testAlert(1000)
	bad.Source = ""
	if _, err := s.Write(t.Context(), []debrief.Record{{Alert: &as[0]}, {Alert: &bad}}); err == nil {
		t.Fatal("a Write with an invalid alert succeeded")
	}
	a := testAlert(0)
	a.Title, a.Raw = "Brute force, second version", []byte(`{"title":"Brute force, second version"}`)
	a.Updated = a.Created.Add(time.Hour)
	if res := writeAlerts(t, s, a); res.AlertsUpdated != 1 {
		t.Fatalf("%+v, want one alert updated", res)
	}
	// The store's own checkpointer may hold the checkpoint lock a moment.
	var busy, log, done int
	for try := 0; try < 50; try++ {
		if err := s.db.QueryRowContext(t.Context(), "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &log, &done); err != nil {
			t.Fatal(err)
		}
		if busy == 0 && log == done {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("checkpoint: busy %d, %d of %d frames; want every frame copied", busy, done, log)
}

// TestUnstorableTimes checks that a time unix nanoseconds cannot hold
// fails the Write with EINVALID, wherever it is in the record (checkRecord).
func TestUnstorableTimes(t *testing.T) {
	far := time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
	early := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)
	incident := func(f func(*debrief.Incident)) debrief.Record {
		in := debrief.Incident{ID: "wazuh:inc-9", Source: debrief.SourceWazuh, SourceID: "inc-9", Title: "t"}
		f(&in)
		return debrief.Record{Incident: &in}
	}
	alert := func(f func(*debrief.Alert)) debrief.Record {
		a := testAlert(9)
		f(&a)
		return debrief.Record{Alert: &a}
	}
	for name, rec := range map[string]debrief.Record{
		"alert created":    alert(func(a *debrief.Alert) { a.Created = far }),
		"alert resolved":   alert(func(a *debrief.Alert) { a.Resolved = early }),
		"incident time":    incident(func(in *debrief.Incident) { in.Times.Contained = far }),
		"incident comment": incident(func(in *debrief.Incident) { in.Comments = []debrief.Comment{{At: early, Author: "a", Text: "x"}} }),
		"incident history": incident(func(in *debrief.Incident) {
			in.History = []debrief.Change{{At: far, Field: "status", From: "new", To: "active"}}
		}),
	} {
		s := open(t, Memory)
		_, err := s.Write(t.Context(), []debrief.Record{rec})
		// Record.Validate may reject it first, with its own range.
		if debrief.ErrorCode(err) != debrief.EINVALID || !strings.Contains(err.Error(), "time") {
			t.Errorf("%s: Write = %v, want EINVALID for the time", name, err)
		}
	}
}
