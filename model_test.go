package debrief_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
)

func TestParseEnums(t *testing.T) {
	sev := []struct {
		in   string
		want debrief.Severity
		ok   bool
	}{
		{"High", debrief.SeverityHigh, true},
		{" medium ", debrief.SeverityMedium, true},
		{"Moderate", debrief.SeverityMedium, true},
		{"INFORMATIONAL", debrief.SeverityInformational, true},
		{"unknownFutureValue", debrief.SeverityUnknown, true},
		{"", debrief.SeverityUnknown, true},
		{"severe", debrief.SeverityUnknown, false},
		{strings.Repeat("High", 20), debrief.SeverityUnknown, false}, // longer than the fold buffer
	}
	for _, tc := range sev {
		if got, ok := debrief.ParseSeverity(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("ParseSeverity(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	st := []struct {
		in   string
		want debrief.Status
		ok   bool
	}{
		{"Active", debrief.StatusActive, true},
		{"inProgress", debrief.StatusInProgress, true},
		{"In Progress", debrief.StatusInProgress, true},
		{"in_progress", debrief.StatusInProgress, true},
		{"Closed", debrief.StatusResolved, true},
		{"Redirected", debrief.StatusRedirected, true},
		{"paused", debrief.StatusUnknown, false},
	}
	for _, tc := range st {
		if got, ok := debrief.ParseStatus(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("ParseStatus(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	v := []struct {
		in   string
		want debrief.Verdict
		ok   bool
	}{
		{"TruePositive", debrief.VerdictTruePositive, true},
		{"true_positive", debrief.VerdictTruePositive, true},
		{"InformationalExpectedActivity", debrief.VerdictBenignPositive, true},
		{"False-Positive", debrief.VerdictFalsePositive, true},
		{"NotAvailable", debrief.VerdictUndetermined, true},
		{"maybe", debrief.VerdictUndetermined, false},
	}
	for _, tc := range v {
		if got, ok := debrief.ParseVerdict(tc.in); got != tc.want || ok != tc.ok {
			t.Errorf("ParseVerdict(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestParseEnumsAllocs: decoders parse a severity, status and verdict per
// record, so the short values vendors write must not allocate.
func TestParseEnumsAllocs(t *testing.T) {
	n := testing.AllocsPerRun(100, func() {
		debrief.ParseSeverity("Informational")
		debrief.ParseStatus("InProgress")
		debrief.ParseVerdict("InformationalExpectedActivity")
	})
	if n != 0 {
		t.Errorf("%v allocations per parse of three values, want 0", n)
	}
}

func TestParseTechniqueID(t *testing.T) {
	tests := []struct {
		in   string
		want debrief.TechniqueID
	}{
		{"T1059", "T1059"},
		{" t1059.001 ", "T1059.001"},
		{"T1685", "T1685"}, // a newer release's id is well formed
		{"T1059.1", ""},
		{"T1059.0010", ""},
		{"CST0001", ""},
		{"TA0001", ""},
		{"T105a", ""},
		{"", ""},
	}
	for _, tc := range tests {
		got, err := debrief.ParseTechniqueID(tc.in)
		if got != tc.want || (err != nil) != (tc.want == "") {
			t.Errorf("ParseTechniqueID(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	if p := debrief.TechniqueID("T1059.001").Parent(); p != "T1059" {
		t.Errorf("Parent of T1059.001 = %q", p)
	}
	if p := debrief.TechniqueID("T1059").Parent(); p != "T1059" {
		t.Errorf("Parent of T1059 = %q", p)
	}
}

func TestParseTacticIDAndKey(t *testing.T) {
	if id, err := debrief.ParseTacticID(" ta0005"); id != "TA0005" || err != nil {
		t.Errorf("ParseTacticID(ta0005) = %q, %v", id, err)
	}
	if _, err := debrief.ParseTacticID("TA005"); err == nil {
		t.Error("ParseTacticID(TA005): want an error")
	}
	for _, s := range []string{"Defense Evasion", "DefenseEvasion", "defense-evasion", "defense_evasion"} {
		if k := debrief.TacticKey(s); k != "defenseevasion" {
			t.Errorf("TacticKey(%q) = %q, want defenseevasion", s, k)
		}
	}
	if k := debrief.TacticKey("Command & Control"); k != "commandandcontrol" {
		t.Errorf("TacticKey(Command & Control) = %q", k)
	}
}

func TestSplitID(t *testing.T) {
	tests := []struct {
		in       string
		src      debrief.Source
		id       string
		ok       bool
		rejoined bool
	}{
		{"defender:924565", "defender", "924565", true, true},
		{"elastic:a:b", "elastic", "a:b", true, true},
		{"924565", "924565", "", false, false},
		{":x", "", "x", false, false},
	}
	for _, tc := range tests {
		src, id, ok := debrief.SplitID(tc.in)
		if src != tc.src || id != tc.id || ok != tc.ok {
			t.Errorf("SplitID(%q) = %q, %q, %v", tc.in, src, id, ok)
		}
		if tc.rejoined && debrief.QualifiedID(src, id) != tc.in {
			t.Errorf("QualifiedID(SplitID(%q)) = %q", tc.in, debrief.QualifiedID(src, id))
		}
	}
}

func TestTimesMetrics(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 3, 1, h, 0, 0, 0, time.UTC) }
	tm := debrief.Times{FirstActivity: at(1), FirstAlert: at(3), Created: at(4), FirstTriage: at(5), Contained: at(8), Resolved: at(12)}
	tests := []struct {
		name string
		f    func() (time.Duration, bool)
		want time.Duration
		ok   bool
	}{
		{"detect", tm.TimeToDetect, 2 * time.Hour, true},
		{"acknowledge", tm.TimeToAcknowledge, time.Hour, true},
		{"contain", tm.TimeToContain, 4 * time.Hour, true},
		{"resolve", tm.TimeToResolve, 8 * time.Hour, true},
		{"dwell", tm.DwellTime, 7 * time.Hour, true},
		{"dwell without containment", debrief.Times{FirstActivity: at(1), Resolved: at(12)}.DwellTime, 11 * time.Hour, true},
		{"unknown start", debrief.Times{Resolved: at(12)}.TimeToResolve, 0, false},
		{"end before start", debrief.Times{Created: at(5), Resolved: at(4)}.TimeToResolve, 0, false},
	}
	for _, tc := range tests {
		if got, ok := tc.f(); got != tc.want || ok != tc.ok {
			t.Errorf("%s: %v, %v; want %v, %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}

func TestRecordError(t *testing.T) {
	tests := []struct {
		err  debrief.RecordError
		want string
	}{
		{debrief.RecordError{File: "a.ndjson", Line: 7, Record: 7, Field: "kibana.alert.uuid", Reason: "want a string"},
			"a.ndjson:7: record 7: kibana.alert.uuid: want a string"},
		{debrief.RecordError{File: "b.json", Record: 3, Reason: "truncated"}, "b.json: record 3: truncated"},
		{debrief.RecordError{Field: "mitreTechniques[1]", Reason: `"T1059.1" is not T#### or T####.###`, Kept: true},
			`<input>: mitreTechniques[1]: "T1059.1" is not T#### or T####.### (field dropped, record kept)`},
	}
	for _, tc := range tests {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
		var err error = &tc.err
		if debrief.ErrorCode(err) != debrief.EINVALID {
			t.Errorf("ErrorCode(%v) = %q, want %q", err, debrief.ErrorCode(err), debrief.EINVALID)
		}
	}
}

func validAlert() debrief.Alert {
	return debrief.Alert{
		ID: "graph:da1", Source: "graph", SourceID: "da1", Title: "Suspicious PowerShell",
		Severity: debrief.SeverityHigh, Status: debrief.StatusNew,
		Created:    time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		Techniques: []debrief.Technique{{ID: "T1059.001"}},
		Entities:   []debrief.Entity{{Kind: debrief.EntityDevice, ID: "dev-1"}},
	}
}

func TestAlertValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*debrief.Alert)
		want   string // part of the error; "" for valid
	}{
		{"valid", func(*debrief.Alert) {}, ""},
		{"no source id", func(a *debrief.Alert) { a.SourceID = "" }, "source id are required"},
		{"id not qualified", func(a *debrief.Alert) { a.ID = "da1" }, `id must be "graph:da1"`},
		{"no created time", func(a *debrief.Alert) { a.Created = time.Time{} }, "created time is required"},
		{"absurd time", func(a *debrief.Alert) { a.Updated = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC) }, "outside 1990–2200"},
		{"bad severity", func(a *debrief.Alert) { a.Severity = "urgent" }, `severity "urgent"`},
		{"bad UTF-8", func(a *debrief.Alert) { a.Title = "bad \xff" }, "not valid UTF-8"},
		{"bad technique", func(a *debrief.Alert) { a.Techniques[0].ID = "T1059.1" }, "T1059.1"},
		{"entity without id", func(a *debrief.Alert) { a.Entities[0].ID = "" }, "want a known kind and an id"},
		{"entity of unknown kind", func(a *debrief.Alert) { a.Entities[0].Kind = "toaster" }, `kind "toaster"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := validAlert()
			tc.change(&a)
			err := a.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Validate: %v, want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Validate: %v, want an error containing %q", err, tc.want)
			case err != nil && debrief.ErrorCode(err) != debrief.EINVALID:
				t.Fatalf("ErrorCode(%v) = %q, want %q", err, debrief.ErrorCode(err), debrief.EINVALID)
			}
		})
	}
}

func TestIncidentValidate(t *testing.T) {
	in := debrief.Incident{ID: "graph:42", Source: "graph", SourceID: "42", Title: "Multi-stage", Alerts: []debrief.Alert{validAlert()}}
	if err := in.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	in.Alerts[0].SourceID = ""
	var e *debrief.Error
	if err := in.Validate(); !errors.As(err, &e) || !strings.Contains(err.Error(), "incident graph:42") {
		t.Errorf("Validate with a bad alert: %v, want the incident named and an *Error inside", err)
	}
	in = debrief.Incident{ID: "42", Source: "graph", SourceID: "42"}
	if err := in.Validate(); err == nil {
		t.Error("Validate of an unqualified id: want an error")
	}
	in = debrief.Incident{ID: "graph:42", Source: "graph", SourceID: "42", Verdict: "guilty"}
	if err := in.Validate(); err == nil || !strings.Contains(err.Error(), `verdict "guilty"`) {
		t.Errorf("Validate with an unknown verdict: %v", err)
	}
}

func TestRecordsContainment(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{"Contained: isolated ws-042 from the network.", true},
		{"  contained.", true},
		{"CONTAINMENT - revoked the sessions of a user", true},
		{"Contained", true},
		{"Containedness is not a word", false},
		{"Not contained yet: waiting for the owner", false},
		{"Looking into it", false},
		{"", false},
	} {
		if got := (debrief.Comment{Text: tc.text}).RecordsContainment(); got != tc.want {
			t.Errorf("RecordsContainment(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
