package ingest_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/correlate"
	"github.com/debrief-dev/debrief/ingest"
)

// wazuhAlert is one Wazuh alerts.json line on host at.
func wazuhAlert(id, host string, at time.Time) string {
	return fmt.Sprintf(`{"timestamp":%q,"rule":{"level":10,"description":"Multiple Windows logon failures.","id":"60204","mitre":{"id":["T1110"]}},"agent":{"id":"012","name":%q},"id":%q,"location":"EventChannel"}`+"\n",
		at.Format("2006-01-02T15:04:05.000-0700"), host, id)
}

// TestCorrelateAcrossIngests: alerts on one host that arrive in two ingests
// an hour apart make one incident, the first ingest's, grown; one three
// days later, past the default window, makes a second.
func TestCorrelateAcrossIngests(t *testing.T) {
	st := open(t)
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ingestFile := func(name, body string) ingest.Tally {
		t.Helper()
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return ingestAndCorrelate(t, st, path)
	}
	correlated := func() []debrief.Incident {
		t.Helper()
		ins, err := st.Incidents(t.Context(), debrief.IncidentFilter{Source: []debrief.Source{debrief.SourceCorrelate}})
		if err != nil {
			t.Fatal(err)
		}
		return ins
	}

	first := ingestFile("first.json", wazuhAlert("1.1", "web-07", t0))
	if first != (ingest.Tally{Incidents: 1, Alerts: 1}) {
		t.Errorf("first ingest correlated %+v, want one new incident of 1 alert", first)
	}
	before := correlated()

	second := ingestFile("second.json", wazuhAlert("2.1", "web-07", t0.Add(time.Hour)))
	if second != (ingest.Tally{Incidents: 1, Alerts: 2, Updated: 1}) {
		t.Errorf("an hour later correlated %+v, want the first incident grown to 2 alerts", second)
	}
	after := correlated()
	if len(after) != 1 || len(before) != 1 || after[0].ID != before[0].ID || len(after[0].AlertIDs) != 2 {
		t.Fatalf("an hour later: incidents %v, want %s alone with both alerts", after, before[0].ID)
	}
	in, err := st.Incident(t.Context(), after[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.History) != 0 {
		t.Errorf("grown incident has history %+v, want none: its status did not change", in.History)
	}
	if !in.Times.Updated.Equal(t0.Add(time.Hour)) || !in.Times.Created.Equal(t0) {
		t.Errorf("grown incident created %v, updated %v; want %v and %v", in.Times.Created, in.Times.Updated, t0, t0.Add(time.Hour))
	}

	third := ingestFile("third.json", wazuhAlert("3.1", "web-07", t0.Add(72*time.Hour)))
	if third != (ingest.Tally{Incidents: 1, Alerts: 1}) {
		t.Errorf("three days later correlated %+v, want one new incident of 1 alert", third)
	}
	if ins := correlated(); len(ins) != 2 {
		t.Errorf("three days later: %d correlated incidents, want 2", len(ins))
	}

	if again := ingestFile("again.json", wazuhAlert("3.1", "web-07", t0.Add(72*time.Hour))); again != (ingest.Tally{}) {
		t.Errorf("the same alert again correlated %+v, want nothing", again)
	}
}

// TestSourceIncidentClaimsCorrelatedAlert: a Sentinel SecurityAlert row
// ingested alone is correlated into a debrief incident; its
// SecurityIncident row, ingested later, claims it: the alert is then only
// in the Sentinel incident, the correlated one is gone, and correlation
// does not group the alert again.
func TestSourceIncidentClaimsCorrelatedAlert(t *testing.T) {
	st := open(t)
	raw, err := os.ReadFile(filepath.Join("sentinel", "testdata", "mixed_export.good.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rows []map[string]any
	if err := json.Unmarshal(raw, &rows); err != nil {
		t.Fatal(err)
	}
	rowOf := func(typ string) string {
		t.Helper()
		for _, r := range rows {
			if r["Type"] == typ {
				b, err := json.Marshal([]any{r})
				if err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(t.TempDir(), typ+".json")
				if err := os.WriteFile(path, b, 0o600); err != nil {
					t.Fatal(err)
				}
				return path
			}
		}
		t.Fatalf("no %s row", typ)
		return ""
	}
	incidents := func() []debrief.Incident {
		t.Helper()
		ins, err := st.Incidents(t.Context(), debrief.IncidentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return ins
	}

	if got := ingestAndCorrelate(t, st, rowOf("SecurityAlert")); got != (ingest.Tally{Incidents: 1, Alerts: 1}) {
		t.Fatalf("the alert alone correlated %+v, want one incident of it", got)
	}
	ins := incidents()
	if len(ins) != 1 || ins[0].Source != debrief.SourceCorrelate {
		t.Fatalf("incidents after the alert alone: %v, want one correlated", ins)
	}
	correlatedID := ins[0].ID
	if got := ingestAndCorrelate(t, st, rowOf("SecurityIncident")); got != (ingest.Tally{}) {
		t.Errorf("correlation after the incident: %+v, want nothing", got)
	}
	ins = incidents()
	if len(ins) != 1 || ins[0].Source != debrief.SourceSentinel || len(ins[0].AlertIDs) != 1 {
		t.Fatalf("incidents after the incident: %+v, want the Sentinel incident alone, with its alert", ins)
	}
	if _, err := st.Incident(t.Context(), correlatedID); debrief.ErrorCode(err) != debrief.ENOTFOUND {
		t.Errorf("correlated incident %s: error %v, want not found", correlatedID, err)
	}
	a, err := st.Alert(t.Context(), ins[0].AlertIDs[0])
	if err != nil {
		t.Fatal(err)
	}
	if a.IncidentID != ins[0].ID {
		t.Errorf("alert's incident %q, want %q", a.IncidentID, ins[0].ID)
	}
}

// ingestAndCorrelate ingests path into st, then correlates, as debrief
// ingest does, and returns what correlation made.
func ingestAndCorrelate(t *testing.T, st debrief.Store, path string) ingest.Tally {
	t.Helper()
	if _, err := ingest.Run(t.Context(), options(t, st, path)); err != nil {
		t.Fatal(err)
	}
	tally, err := ingest.Correlate(t.Context(), st, correlate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return tally
}
