package simulate

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
)

// plainSOC is a scenario without the SOC's rhythms and planted effects:
// one round-the-clock shift, no overload, no escalation, no reopening, no
// gaps and no trends, so that handling times follow the configured
// distributions alone.
const plainSOC = `
mix: {intrusions: 0, scripted: 0, noise: 1}
weekend_factor: 1
soc:
  shifts: [{name: all, start: "00:00", hours: 24, days: [mon, tue, wed, thu, fri, sat, sun]}]
  analysts:
    - {name: A One, tier: 1, shift: all}
    - {name: B Two, tier: 1, shift: all}
    - {name: C Three, tier: 1, shift: all}
  acknowledge: {median: 20m, sigma: 0.9}
  resolve: {median: 4h, sigma: 1.0}
  capacity: 1000000
  escalate: 0
  reopen: 0
  reopen_after_wrong: 0
  unresolved: 0
  wrong_verdict: 0.1
  weekend_factor: 1
gaps: []
strengths: []
trends: []
`

// finals runs a generator and returns each incident's last version and
// its ground truth, by sequence number.
func finals(t *testing.T, opts Options) (map[int64]*debrief.Incident, map[int64]*TruthIncident, *gen) {
	t.Helper()
	gn, err := NewGenerator(opts)
	if err != nil {
		t.Fatal(err)
	}
	last := map[int64]*debrief.Incident{}
	truth := map[int64]*TruthIncident{}
	for ev, err := range gn.Events(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Incident != nil {
			last[ev.Seq] = ev.Incident
		}
		if ev.Truth != nil && ev.Seq > 0 {
			truth[ev.Seq] = ev.Truth
		}
	}
	return last, truth, gn.g
}

func TestIncidentsPerDay(t *testing.T) {
	tests := []struct {
		name   string
		days   int
		perDay float64
	}{
		{"default", 120, 0},
		{"busy", 30, 300},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			last, _, g := finals(t, Options{Seed: 3, Days: tc.days, IncidentsPerDay: tc.perDay})
			want := 0.0
			for d := range g.days {
				want += g.expectedIncidents(d)
			}
			got := float64(len(last))
			if math.Abs(got-want)/want > 0.04 {
				t.Errorf("incidents = %.0f, want %.0f ± 4%%", got, want)
			}
		})
	}
}

func TestHandlingMatchesConfiguration(t *testing.T) {
	sc, err := ParseScenario([]byte(plainSOC), "plain.yaml")
	if err != nil {
		t.Fatal(err)
	}
	last, truth, _ := finals(t, Options{Seed: 11, Scenario: sc, Days: 90})
	var ttr, tta []float64
	wrong, closed := 0, 0
	verdicts := map[debrief.Verdict]int{}
	for seq, in := range last {
		tr := truth[seq]
		if tr.Handling.FirstClosed.IsZero() {
			continue
		}
		closed++
		ttr = append(ttr, tr.Handling.FirstClosed.Sub(in.Times.Created).Hours())
		if d, ok := in.Times.TimeToAcknowledge(); ok {
			tta = append(tta, d.Minutes())
		}
		if firstVerdict(in) != tr.Verdict {
			wrong++
		}
		verdicts[tr.Verdict]++
	}
	if closed < 2000 {
		t.Fatalf("only %d closed incidents", closed)
	}
	checkNear(t, "median hours to resolve", median(ttr), 4, 0.1)
	checkNear(t, "mean hours to resolve", mean(ttr), time.Duration(sc.SOC.Resolve.Mean()).Hours(), 0.12)
	checkNear(t, "median minutes to acknowledge", median(tta), 20, 0.1)
	checkNear(t, "share of wrong verdicts", float64(wrong)/float64(closed), 0.1, 0.2)
	// The verdict mix follows the noise kinds' weights.
	bp := 0.0
	for _, n := range sc.Noise {
		if n.Verdict == string(debrief.VerdictBenignPositive) {
			bp += n.Weight
		}
	}
	total := 0.0
	for _, n := range sc.Noise {
		total += n.Weight
	}
	checkNear(t, "share of benign positives", float64(verdicts[debrief.VerdictBenignPositive])/float64(closed), bp/total, 0.06)
}

// firstVerdict is the verdict an incident was first closed with, from its
// history.
func firstVerdict(in *debrief.Incident) debrief.Verdict {
	for _, c := range in.History {
		if c.Field == "verdict" && c.To != "" {
			return debrief.Verdict(c.To)
		}
	}
	return in.Verdict
}

func checkNear(t *testing.T, what string, got, want, rel float64) {
	t.Helper()
	if math.Abs(got-want) > rel*want {
		t.Errorf("%s = %.3f, want %.3f ± %.0f%%", what, got, want, rel*100)
	}
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func mean(xs []float64) float64 {
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return sum / float64(len(xs))
}
