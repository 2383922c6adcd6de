package trend

import (
	"math"
	"slices"
	"time"
)

// ChangePoint is a bucket of a series from which its rate stays at a new
// level.
type ChangePoint struct {
	Index  int       `json:"index"`  // the first bucket at the new level, in Table.Starts
	At     time.Time `json:"at"`     // that bucket's start
	Before float64   `json:"before"` // incidents per week in the segment before it
	After  float64   `json:"after"`  // per week in the segment after it
	Score  float64   `json:"score"`  // twice the log-likelihood gain of the split, over the dispersion
}

// minSegment is the fewest buckets a segment between change points holds.
const minSegment = 2

// changePoints finds the change points of counts (per bucket, with
// exposure days each) by binary segmentation: the split of a segment that
// most raises the Poisson log-likelihood (rates per day, so partial
// buckets at the edges weigh by their days) is kept when twice the gain,
// divided by the dispersion phi, exceeds penalty; then each side is
// searched again. Split points are returned in order.
func changePoints(counts []int, exposure []float64, phi, penalty float64) []ChangePoint {
	n := len(counts)
	cs, es := make([]float64, n+1), make([]float64, n+1) // prefix sums
	for i := range n {
		cs[i+1], es[i+1] = cs[i]+float64(counts[i]), es[i]+exposure[i]
	}
	ll := func(a, b int) float64 { // Poisson log-likelihood of [a, b) at its own rate, less constants
		s, e := cs[b]-cs[a], es[b]-es[a]
		if s == 0 || e == 0 {
			return 0
		}
		return s * math.Log(s/e)
	}
	var out []ChangePoint
	var split func(a, b int)
	split = func(a, b int) {
		if b-a < 2*minSegment {
			return
		}
		best, at := 0.0, -1
		whole := ll(a, b)
		for k := a + minSegment; k <= b-minSegment; k++ {
			if g := ll(a, k) + ll(k, b) - whole; g > best {
				best, at = g, k
			}
		}
		score := 2 * best / phi
		if at < 0 || score <= penalty {
			return
		}
		rate := func(a, b int) float64 { return (cs[b] - cs[a]) / max(es[b]-es[a], 1e-9) * 7 }
		out = append(out, ChangePoint{Index: at, Before: rate(a, at), After: rate(at, b), Score: score})
		split(a, at)
		split(at, b)
	}
	split(0, n)
	slices.SortFunc(out, func(x, y ChangePoint) int { return x.Index - y.Index })
	return out
}

// changePenalty is the score a split must exceed, for series of n buckets
// when m series are searched: a BIC-like penalty per change (location and
// level: 2 log n) plus 2 log m, so that across many flat series few show
// any change (see TestChangePointsFlat).
func changePenalty(n, m int) float64 {
	return 2*math.Log(float64(max(n, 2))) + 2*math.Log(float64(max(m, 1))) + 3
}

// exposure returns the days of each bucket of tb inside [from, to).
func exposure(tb *Table, from, to time.Time) []float64 {
	out := make([]float64, len(tb.Starts))
	for i, s := range tb.Starts {
		e := tb.Period.Next(s)
		out[i] = max(0, minTime(e, to).Sub(maxTime(s, from)).Hours()/24)
	}
	return out
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// findChangePoints sets the change points of each series with at least
// MinCount incidents, each tested at its dispersion (as its rate test).
func (r *Result) findChangePoints(own map[string]float64, opts Options) {
	tb := r.Series
	exp := exposure(tb, r.Baseline.From, r.Window.To)
	m := 0
	for _, s := range tb.Series {
		if s.Total >= opts.MinCount {
			m++
		}
	}
	pen := changePenalty(len(tb.Starts), m)
	for i := range tb.Series {
		s := &tb.Series[i]
		if s.Total < opts.MinCount {
			continue
		}
		s.ChangePoints = changePoints(s.Counts, exp, max(r.Dispersion, own[s.Key]), pen)
		for j := range s.ChangePoints {
			s.ChangePoints[j].At = tb.Starts[s.ChangePoints[j].Index]
		}
	}
}
