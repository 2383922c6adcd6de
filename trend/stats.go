package trend

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/mathext"
)

// binomialTails returns P(X ≥ k) and P(X ≤ k) for X ~ Binomial(n, p). k and n
// may be fractional (counts divided by a dispersion); the tails are then
// those of the beta-function continuation of the binomial.
func binomialTails(k, n, p float64) (upper, lower float64) {
	upper, lower = 1, 1
	if k > 0 {
		upper = mathext.RegIncBeta(k, n-k+1, p)
	}
	if k < n {
		lower = 1 - mathext.RegIncBeta(k+1, n-k, p)
	}
	return clamp01(upper), clamp01(lower)
}

func clamp01(x float64) float64 { return min(max(x, 0), 1) }

// bhAdjust returns the Benjamini–Hochberg adjusted p values (q values) of ps,
// in the same order.
func bhAdjust(ps []float64) []float64 {
	m := len(ps)
	order := make([]int, m)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmpFloat(ps[a], ps[b]) })
	q := make([]float64, m)
	prev := 1.0
	for r := m - 1; r >= 0; r-- {
		i := order[r]
		v := min(prev, ps[i]*float64(m)/float64(r+1))
		q[i] = v
		prev = v
	}
	return q
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// median of xs (sorted in place); NaN when empty.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}
