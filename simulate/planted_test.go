package simulate_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/simulate"
)

// history is a default-scenario simulation as the exports show it: each
// incident's last version, its ground truth, and the ground truth's header.
type history struct {
	last  map[int64]*debrief.Incident
	truth map[int64]*simulate.TruthIncident
	head  *simulate.GroundTruth
	seqs  []int64
}

var defaultHistory = sync.OnceValues(func() (*history, error) {
	gn, err := simulate.NewGenerator(simulate.Options{Seed: 7})
	if err != nil {
		return nil, err
	}
	h := &history{last: map[int64]*debrief.Incident{}, truth: map[int64]*simulate.TruthIncident{}}
	for ev, err := range gn.Events(context.Background()) {
		if err != nil {
			return nil, err
		}
		if ev.Incident != nil {
			if _, ok := h.last[ev.Seq]; !ok {
				h.seqs = append(h.seqs, ev.Seq)
			}
			h.last[ev.Seq] = ev.Incident
		}
		if ev.Truth != nil && ev.Seq > 0 {
			h.truth[ev.Seq] = ev.Truth
		}
	}
	h.head = gn.Truth()
	return h, nil
})

func loadHistory(t *testing.T) *history {
	t.Helper()
	if testing.Short() {
		t.Skip("simulates the default scenario's 180 days")
	}
	h, err := defaultHistory()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// matches reports whether an incident's alerts carry the skill's tactic
// or technique (a parent covers its sub-techniques) — what anyone can see
// in the export.
func matches(in *debrief.Incident, k simulate.TruthSkill) bool {
	for _, a := range in.Alerts {
		for _, tech := range a.Techniques {
			if k.Technique != "" && (tech.ID == k.Technique || tech.ID.Parent() == k.Technique) {
				return true
			}
			if k.Tactic != "" && slices.Contains(tech.Tactics, k.Tactic) {
				return true
			}
		}
	}
	return false
}

// handledBy reports whether the skill's analysts (all, when it names
// none) owned the incident: its assignee when it was closed.
func handledBy(in *debrief.Incident, k simulate.TruthSkill) bool {
	return len(k.Analysts) == 0 || slices.Contains(k.Analysts, in.Assignee)
}

// TestPlantedGapsShowInTheData checks each planted gap and strength with
// a simple comparison of the exported data: matching true positives
// against the other true positives (the times) or the others (the
// chances).
func TestPlantedGapsShowInTheData(t *testing.T) {
	h := loadHistory(t)
	skills := append(slices.Clone(h.head.Gaps), h.head.Strengths...)
	if len(skills) < 4 {
		t.Fatalf("default scenario plants %d gaps and strengths, want at least 4", len(skills))
	}
	for _, k := range skills {
		t.Run(k.Name, func(t *testing.T) {
			var in, out group
			for _, seq := range h.seqs {
				inc, tr := h.last[seq], h.truth[seq]
				g := &out
				if matches(inc, k) && handledBy(inc, k) {
					g = &in
				}
				g.add(inc, tr)
			}
			if len(in.ttr) < 20 {
				t.Fatalf("only %d matching true positives", len(in.ttr))
			}
			t.Logf("%d matching true positives, %d others", len(in.ttr), len(out.ttr))
			if k.Resolve > 0 {
				checkRatio(t, "median hours to resolve", median(in.ttr), median(out.ttr), k.Resolve)
			}
			if k.Acknowledge > 0 {
				checkRatio(t, "median minutes to acknowledge", median(in.tta), median(out.tta), k.Acknowledge)
			}
			if k.WrongVerdict > 0 {
				got, base := in.missedShare(), out.missedShare()
				if got < 0.6*k.WrongVerdict || got < 3*base {
					t.Errorf("true positives first closed as benign: %.2f of matching, %.2f of others; planted %.2f", got, base, k.WrongVerdict)
				}
			}
			if k.Escalate > 0 {
				got, base := in.escalatedShare(), out.escalatedShare()
				if got < 2*base {
					t.Errorf("escalated: %.2f of matching, %.2f of others; planted %.2f", got, base, k.Escalate)
				}
			}
		})
	}
}

// group gathers the exported facts of a set of incidents.
type group struct {
	ttr, tta          []float64 // true positives: hours to resolve, minutes to acknowledge
	all               int
	missed, escalated int
}

func (g *group) add(in *debrief.Incident, tr *simulate.TruthIncident) {
	g.all++
	if assignees(in) > 1 {
		g.escalated++
	}
	if tr.Verdict != debrief.VerdictTruePositive {
		return
	}
	if d, ok := in.Times.TimeToAcknowledge(); ok && workingHours(in.Times.Created) {
		g.tta = append(g.tta, d.Minutes())
	}
	if first, at := firstClosure(in); !at.IsZero() {
		g.ttr = append(g.ttr, at.Sub(in.Times.Created).Hours())
		if first != debrief.VerdictTruePositive {
			g.missed++
		}
	}
}

// missedShare is the share of closed true positives first closed as
// benign or false positives.
func (g *group) missedShare() float64 { return ratio(g.missed, len(g.ttr)) }

// escalatedShare is the share of incidents assigned to more than one
// analyst.
func (g *group) escalatedShare() float64 { return ratio(g.escalated, g.all) }

func ratio(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// workingHours reports whether t falls in the default scenario's weekday
// shifts (06:00–22:30 UTC), when acknowledging does not wait for a shift.
func workingHours(t time.Time) bool {
	wd, h := t.Weekday(), t.Hour()
	return wd != time.Saturday && wd != time.Sunday && h >= 6 && h < 22
}

// firstClosure is the verdict and time of an incident's first closing,
// from its history.
func firstClosure(in *debrief.Incident) (debrief.Verdict, time.Time) {
	for _, c := range in.History {
		if c.Field == "verdict" && c.To != "" {
			return debrief.Verdict(c.To), c.At
		}
	}
	return "", time.Time{}
}

// assignees counts the people an incident was assigned to.
func assignees(in *debrief.Incident) int {
	var seen []string
	for _, c := range in.History {
		if c.Field == "assignee" && !slices.Contains(seen, c.To) {
			seen = append(seen, c.To)
		}
	}
	return len(seen)
}

// checkRatio checks that a planted factor shows: the ratio of the two
// medians lies on the factor's side of 1, at least halfway there on a
// log scale.
func checkRatio(t *testing.T, what string, got, base, factor float64) {
	t.Helper()
	ratio := got / base
	want := 1 + (factor-1)/2
	if factor < 1 {
		want = 1 / (1 + (1/factor-1)/2)
	}
	if factor > 1 && ratio < want || factor < 1 && ratio > want {
		t.Errorf("%s: %.2f matching vs %.2f others (×%.2f), planted ×%g", what, got, base, ratio, factor)
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

// TestPlantedTrendsShowInTheData counts incidents with each trend's
// technique by day.
func TestPlantedTrendsShowInTheData(t *testing.T) {
	h := loadHistory(t)
	start := h.head.Start
	perDay := func(tech debrief.TechniqueID, source string) []int {
		n := make([]int, h.head.Days)
		for _, seq := range h.seqs {
			in, tr := h.last[seq], h.truth[seq]
			if source != "" && tr.Source != source {
				continue
			}
			if tech != "" && !carries(in, tech) {
				continue
			}
			n[int(in.Times.Created.Sub(start)/(24*time.Hour))]++
		}
		return n
	}
	for _, tr := range h.head.Trends {
		t.Run(tr.Name, func(t *testing.T) {
			switch tr.Kind {
			case simulate.TrendEmerge:
				n := perDay(tr.Technique, "")
				if before := sum(n[:tr.StartDay]); before != 0 {
					t.Errorf("%s seen on %d incidents before day %d, when it emerges", tr.Technique, before, tr.StartDay)
				}
				early, late := sum(n[tr.StartDay:tr.StartDay+30]), sum(n[len(n)-30:])
				if late < 3*early || late < 30 {
					t.Errorf("%s: %d incidents in the 30 days after it emerges, %d in the last 30: want a rise", tr.Technique, early, late)
				}
			case simulate.TrendFade:
				n := perDay(tr.Technique, "")
				early, late := sum(n[:30]), sum(n[len(n)-30:])
				if early < 4*late || early < 30 {
					t.Errorf("%s: %d incidents in the first 30 days, %d in the last 30: want a fall", tr.Technique, early, late)
				}
			case simulate.TrendSeasonal:
				n := perDay("", tr.Source)
				high, low := 0, 0
				for d, v := range n {
					switch phase := float64(d%int(tr.Period)) / tr.Period; {
					case phase < 0.5:
						high += v
					default:
						low += v
					}
				}
				if float64(high) < 1.5*float64(low) {
					t.Errorf("%s: %d incidents in the rising half of each period, %d in the falling half", tr.Source, high, low)
				}
			}
		})
	}
}

func carries(in *debrief.Incident, tech debrief.TechniqueID) bool {
	for _, a := range in.Alerts {
		for _, t := range a.Techniques {
			if t.ID == tech {
				return true
			}
		}
	}
	return false
}

func sum(xs []int) int {
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}
