package handling

import (
	"reflect"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
)

// TestDecode checks that facts decode as they were encoded, the first time
// and again from the decoder's kept tails, and that a cut encoding is an
// error, not facts.
func TestDecode(t *testing.T) {
	facts := []debrief.HandlingFacts{
		{TTA: time.Minute, TTR: 3 * time.Hour, Severity: debrief.SeverityHigh, Verdict: debrief.VerdictTruePositive,
			Closed: true, Misclassified: true, Owner: "ana@example.com",
			Techniques: []debrief.TechniqueID{"T1059", "T1059.001"}, Tactics: []string{"execution"}},
		{TTA: -1, TTR: -1, Verdict: debrief.VerdictUndetermined, Reopened: true, HandedOver: true},
		{TTA: 2 * time.Second, TTR: -1, Severity: debrief.SeverityLow, Owner: "bo@example.com",
			Techniques: []debrief.TechniqueID{"T1566"}, Tactics: []string{"initial-access"}},
	}
	var d Decoder
	for round := range 2 {
		for i, want := range facts {
			var got debrief.HandlingFacts
			if err := d.Decode(Append(nil, &want), &got); err != nil {
				t.Fatalf("round %d, facts %d: %v", round, i, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("round %d, facts %d: decoded %+v, want %+v", round, i, got, want)
			}
		}
	}
	b := Append(nil, &facts[0])
	for _, n := range []int{0, 1, 2, 5, len(b) - 1} {
		var got debrief.HandlingFacts
		if err := d.Decode(b[:n], &got); err == nil {
			t.Errorf("the first %d of %d bytes decoded without an error", n, len(b))
		}
	}
}
