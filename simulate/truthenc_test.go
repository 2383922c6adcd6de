package simulate

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/debrief-dev/debrief"
)

// TestAppendTruthMatchesMarshal renders every incident and undetected
// intrusion of simulations by hand and by json.Marshal: the bytes must be
// the same.
func TestAppendTruthMatchesMarshal(t *testing.T) {
	for _, formats := range [][]string{Formats(), {FormatElastic}, nil} {
		gn, err := NewGenerator(Options{Seed: 5, Days: 20, IncidentsPerDay: 60, Formats: formats})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for ev, err := range gn.Events(context.Background()) {
			if err != nil {
				t.Fatal(err)
			}
			if ev.Truth == nil {
				continue
			}
			n++
			checkTruthEncoding(t, ev.Truth)
		}
		if n < 500 {
			t.Fatalf("formats %v: %d truths, want hundreds", formats, n)
		}
	}
}

// TestAppendTruthEdgeCases covers what simulations rarely make: escapes,
// zero times, empty and missing parts.
func TestAppendTruthEdgeCases(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 120000000, time.UTC)
	for _, ti := range []*TruthIncident{
		{},
		{Kind: "noise", Source: "a \"quoted\" \\ name\n\t\b\f\r\x01\x1f <&> é ✓ \u2028", IDs: &FormatIDs{}, Techniques: []string{},
			Steps: []TruthStep{{At: at, Technique: "T1059", Software: "S0001"}}, Alerts: []TruthAlert{},
			Handling: &TruthHandling{Created: at, Skills: []string{}}},
		{N: 7, Detected: true, IDs: &FormatIDs{Wazuh: "wazuh:1"}, Actor: &TruthActorRef{Group: "G0007", Campaign: "C0001", Name: "APT28"},
			Cluster: "SC-0001", Verdict: debrief.VerdictTruePositive, FirstActivity: at, LastActivity: at.Add(time.Nanosecond),
			Alerts: []TruthAlert{{N: 1, Created: at}, {N: 2, Techniques: []debrief.TechniqueID{"T1566", "T1566.001"}, IDs: FormatIDs{OCSF: "x"}}},
			Handling: &TruthHandling{Analyst: "a@b", EscalatedTo: "c@d", FirstTriage: at, Contained: at, FirstClosed: at, Resolved: at,
				FirstVerdict: "benign_positive", FinalVerdict: "true_positive", WrongVerdict: true, Reopened: true, Escalated: true,
				Skills: []string{"x", "y"}, Load: 3}},
	} {
		checkTruthEncoding(t, ti)
	}
	if _, err := appendTruth(nil, &TruthIncident{Source: "bad \xff byte"}); err == nil {
		t.Error("invalid UTF-8: no error")
	}
}

// TestAppendRFC3339Nano compares the short way with time.AppendFormat.
func TestAppendRFC3339Nano(t *testing.T) {
	for _, v := range []time.Time{
		{},
		time.Date(2026, 1, 5, 0, 46, 24, 331000000, time.UTC),
		time.Date(2026, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(2026, 2, 28, 1, 2, 3, 100, time.UTC),
		time.Date(2026, 2, 28, 1, 2, 3, 120000000, time.FixedZone("UTC", 0)),
		time.Date(2026, 6, 1, 12, 0, 0, 5, time.FixedZone("CEST", 2*3600)),
		time.Date(12026, 6, 1, 12, 0, 0, 0, time.UTC),
	} {
		want := v.AppendFormat(nil, time.RFC3339Nano)
		if got := appendRFC3339Nano(nil, v); !bytes.Equal(got, want) {
			t.Errorf("appendRFC3339Nano(%v) = %s, want %s", v, got, want)
		}
	}
}

func checkTruthEncoding(t *testing.T, ti *TruthIncident) {
	t.Helper()
	want, err := json.Marshal(ti, truthOptions)
	if err != nil {
		t.Fatal(err)
	}
	got, err := appendTruth(nil, ti)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("incident %d (%s):\n got %s\nwant %s", ti.N, ti.Source, got, want)
	}
}
