package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/testutil"
)

// threeRecords writes an NDJSON file of two good advanced hunting alerts and
// a third record cut short, whose second record drops a field if dropped.
func threeRecords(t *testing.T, dropped bool) string {
	t.Helper()
	good := `{"AlertId":"da%d","Timestamp":"2026-01-02T03:04:05Z","Title":"t","Category":"Execution","Severity":"High","ServiceSource":"Microsoft Defender for Endpoint","DetectionSource":"EDR","AttackTechniques":"[\"PowerShell (T1059.001)\"]"}`
	second := strings.Replace(good, "%d", "2", 1)
	if dropped {
		second = strings.Replace(second, "2026-01-02T03:04:05Z", "not a time", 1)
	}
	path := filepath.Join(t.TempDir(), "three.ndjson")
	data := strings.Replace(good, "%d", "1", 1) + "\n" + second + "\n" + "{\"AlertId\":\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestIngestStrict(t *testing.T) {
	tests := []struct {
		name    string
		dropped bool
		json    bool
		out     string // substring of stdout
		err     string // substring of stderr
	}{
		{"text", false, false, "read 3 records from 1 input", "three.ndjson was not stored because of --strict"},
		{"json", false, true, `"location": "3: record 3"`, "3: record 3: line is not a complete JSON object"},
		{"dropped field", true, false, "three.ndjson:2: record 2: Timestamp: want an RFC 3339 timestamp", "2: record 2: Timestamp"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"ingest", "--strict", threeRecords(t, tc.dropped)}
			if tc.json {
				args = append(args, "--json")
			}
			out, errOut, code := cli(t, t.TempDir(), "", args...)
			if code != exitRejected || !strings.Contains(out, tc.out) || !strings.Contains(errOut, tc.err) {
				t.Errorf("exit %d, want %d; stdout lacks %q or stderr %q\nstdout: %s\nstderr: %s", code, exitRejected, tc.out, tc.err, out, errOut)
			}
			if strings.Contains(out+errOut, "kept") {
				t.Errorf("a strict stop keeps nothing:\n%s%s", out, errOut)
			}
			if tc.json {
				var sum struct {
					Files, Read   int
					RejectedTotal int `json:"rejected_total"`
				}
				if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.Files != 1 || sum.Read != 3 || sum.RejectedTotal != 1 {
					t.Errorf("summary %+v %v\n%s", sum, err, out)
				}
			}
		})
	}
}

// TestIngestSummary owns testdata/TestIngestSummary.golden: what ingest
// prints, text and JSON, for the fixtures under testdata/ingest.
func TestIngestSummary(t *testing.T) {
	runs := [][]string{
		{"ingest", "testdata/ingest/one.good.ndjson", "--json"},
		{"ingest", "testdata/ingest/many.bad.ndjson"},
		{"ingest", "testdata/ingest/notes.txt", "testdata/ingest/one.good.ndjson", "--json"},
		{"ingest", "testdata/ingest/notes.txt", "testdata/ingest/one.good.ndjson"},
		{"ingest", "testdata/ingest/notes.txt"},
		{"ingest", "--format", "xdr", "testdata/ingest/one.good.ndjson"},
	}
	var b bytes.Buffer
	for _, args := range runs {
		out, errOut, code := cli(t, t.TempDir(), "", args...)
		fmt.Fprintf(&b, "$ debrief %s\n%s%sexit %d\n\n", strings.Join(args, " "), out, errOut, code)
	}
	testutil.Golden(t, "TestIngestSummary", b.Bytes())
}

// The text summary says how many rejects --json lists.
func TestIngestSummaryManyRejects(t *testing.T) {
	var b strings.Builder
	for i := range 1005 {
		fmt.Fprintf(&b, "{\"AlertId\":\"da%d\"}\n", i)
	}
	path := filepath.Join(t.TempDir(), "bad.ndjson")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := cli(t, t.TempDir(), "", "ingest", path, "--format", "defender-hunting")
	if want := "… and 995 more (--json lists the first 1000 of the 1005)"; code != exitRejected || !strings.Contains(out, want) {
		t.Errorf("exit %d, stdout lacks %q\nstdout: %s\nstderr: %s", code, want, out, errOut)
	}
}

// TestIngestPlaceholder: a Graph alerts_v2 export (testdata/placeholder)
// makes a placeholder of the incident its alerts name, listed and shown as
// such; the incident's own export then replaces it, as a new incident
// with no history made up from the placeholder.
func TestIngestPlaceholder(t *testing.T) {
	home := t.TempDir()
	const id = "defender:31337"
	type summary struct {
		New          struct{ Incidents, Alerts int }
		Unchanged    struct{ Incidents, Alerts int }
		Placeholders struct{ Incidents, Alerts int }
	}
	ingest := func(file string) summary {
		t.Helper()
		out, errOut, code := cli(t, home, "", "ingest", "testdata/placeholder/"+file, "--json")
		var s summary
		if err := json.Unmarshal([]byte(out), &s); code != 0 || err != nil {
			t.Fatalf("ingest %s: exit %d, %v\n%s%s", file, code, err, out, errOut)
		}
		return s
	}
	show := func() debrief.Incident {
		t.Helper()
		out, errOut, code := cli(t, home, "", "incident", "show", id, "--json")
		var in debrief.Incident
		if err := json.Unmarshal([]byte(out), &in); code != 0 || err != nil {
			t.Fatalf("incident show: exit %d, %v\n%s%s", code, err, out, errOut)
		}
		return in
	}

	s := ingest("alerts_v2.json")
	if s.New.Alerts != 2 || s.New.Incidents != 0 || s.Placeholders.Incidents != 1 || s.Placeholders.Alerts != 2 {
		t.Errorf("alerts_v2: summary %+v, want 2 new alerts and 1 placeholder of 2 alerts", s)
	}
	out, _, _ := cli(t, home, "", "incidents")
	if !strings.Contains(out, id+" *") || !strings.Contains(out, "Suspicious PowerShell command line (and 1 other alert)") ||
		!strings.Contains(out, "* built from its alerts") {
		t.Errorf("incidents does not list the placeholder, marked:\n%s", out)
	}
	out, _, _ = cli(t, home, "", "incident", "show", id)
	for _, want := range []string{"built by debrief from its alerts: the incident record itself has not been ingested",
		"GET /security/incidents?$expand=alerts", "alerts (2)"} {
		if !strings.Contains(out, want) {
			t.Errorf("incident show lacks %q:\n%s", want, out)
		}
	}
	p := show()
	if !p.Placeholder || p.Severity != debrief.SeverityHigh || p.Status != debrief.StatusInProgress || len(p.History) != 0 {
		t.Errorf("placeholder %+v: want it marked, high, in progress, without history", p)
	}
	if s := ingest("alerts_v2.json"); s.Placeholders.Incidents != 0 || s.Unchanged.Alerts != 2 {
		t.Errorf("alerts_v2 again: summary %+v, want nothing changed", s)
	}
	out, errOut, code := cli(t, home, "", "review", id)
	if code != 0 || !strings.Contains(out, "Suspicious PowerShell command line") {
		t.Errorf("review of the placeholder: exit %d\n%s%s", code, out, errOut)
	}

	s = ingest("incidents_expand_alerts.json")
	if s.New.Incidents != 1 || s.Unchanged.Alerts != 2 || s.Placeholders.Incidents != 0 {
		t.Errorf("the incident: summary %+v, want 1 new incident, its 2 alerts unchanged, no placeholder", s)
	}
	in := show()
	if in.Placeholder || in.Title != "Multi-stage incident involving Execution & Credential access on one endpoint" ||
		in.Status != debrief.StatusActive || in.Verdict != debrief.VerdictTruePositive || len(in.Alerts) != 2 {
		t.Errorf("incident after its own record: %+v", in)
	}
	if len(in.History) != 0 {
		t.Errorf("incident history %+v, want none: the placeholder was no version of it", in.History)
	}
	if out, _, _ := cli(t, home, "", "incidents"); strings.Contains(out, "*") {
		t.Errorf("incidents still marks a placeholder:\n%s", out)
	}
}
