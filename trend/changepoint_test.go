package trend

import (
	"math"
	"math/rand/v2"
	"testing"
)

// poisson draws a Poisson count of mean mu (Knuth's method; small means).
func poisson(r *rand.Rand, mu float64) int {
	l, k, p := math.Exp(-mu), 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

func weeks(n int) []float64 {
	e := make([]float64, n)
	for i := range e {
		e[i] = 7
	}
	return e
}

// TestChangePointsFlat checks that among m flat Poisson series of 26
// weeks searched together, at most 5% of runs show any change point.
func TestChangePointsFlat(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const runs, m, n = 400, 40, 26
	exp := weeks(n)
	flagged := 0
	for range runs {
		any := false
		for s := range m {
			mu := []float64{1, 3, 8, 20}[s%4]
			c := make([]int, n)
			for i := range c {
				c[i] = poisson(r, mu)
			}
			if len(changePoints(c, exp, 1, changePenalty(n, m))) > 0 {
				any = true
			}
		}
		if any {
			flagged++
		}
	}
	t.Logf("%d of %d runs of %d flat series show a change point", flagged, runs, m)
	if flagged > runs*5/100 {
		t.Errorf("%d of %d runs of flat series show a change point, want at most 5%%", flagged, runs)
	}
}

// TestChangePointsStep checks that a rate that triples from week 15 is
// split there (within a week) in at least 90% of runs, with the right
// rates, and that a partial first bucket (fewer days) is no change.
func TestChangePointsStep(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const runs, n, at = 200, 26, 15
	exp := weeks(n)
	exp[0] = 2 // the history starts late in the first week
	near := 0
	for range runs {
		c := make([]int, n)
		for i := range c {
			mu := 3.0
			if i >= at {
				mu = 9
			}
			c[i] = poisson(r, mu*exp[i]/7)
		}
		cps := changePoints(c, exp, 1, changePenalty(n, 40))
		if len(cps) == 1 && math.Abs(float64(cps[0].Index-at)) <= 1 && cps[0].After > cps[0].Before {
			near++
		}
	}
	t.Logf("%d of %d runs split within a week of week %d", near, runs, at)
	if near < runs*9/10 {
		t.Errorf("%d of %d runs found the step at week %d alone, want at least 90%%", near, runs, at)
	}
}

// TestChangePointsHand checks a hand-made series: flat, then a jump.
func TestChangePointsHand(t *testing.T) {
	c := []int{4, 5, 3, 4, 6, 4, 5, 4, 30, 28, 33, 31, 29, 30}
	cps := changePoints(c, weeks(len(c)), 1, changePenalty(len(c), 1))
	if len(cps) != 1 || cps[0].Index != 8 {
		t.Fatalf("change points %+v, want one at 8", cps)
	}
	if b, a := cps[0].Before, cps[0].After; math.Abs(b-35.0/8) > 1e-9 || math.Abs(a-181.0/6) > 1e-9 {
		t.Errorf("rates %.3f → %.3f per week, want %.3f → %.3f", b, a, 35.0/8, 181.0/6)
	}
}
