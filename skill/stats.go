package skill

import (
	"math"
	"slices"
)

var nan = math.NaN()

// quantile returns the q quantile of sorted xs by linear interpolation.
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 0 {
		return nan
	}
	h := q * float64(len(sorted)-1)
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(sorted) {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (h-lo)*(sorted[i+1]-sorted[i])
}

// medianCI returns a distribution-free confidence interval (about 95%) for
// the median of sorted xs from order statistics.
func medianCI(sorted []float64) (lo, hi float64) {
	n := len(sorted)
	if n == 0 {
		return nan, nan
	}
	d := 1.96 * math.Sqrt(float64(n)) / 2
	j := max(int(math.Floor(float64(n)/2-d)), 0)
	k := min(int(math.Ceil(float64(n)/2+d)), n-1)
	return sorted[j], sorted[k]
}

// wilson returns the 95% Wilson score interval of k successes in n.
func wilson(k, n int) (lo, hi float64) {
	if n == 0 {
		return nan, nan
	}
	const z = 1.96
	p, nf := float64(k)/float64(n), float64(n)
	den := 1 + z*z/nf
	mid := (p + z*z/(2*nf)) / den
	half := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf)) / den
	return max(0, mid-half), min(1, mid+half)
}

// bhAdjust returns Benjamini–Hochberg adjusted p values in the same order.
func bhAdjust(ps []float64) []float64 {
	order := make([]int, len(ps))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		switch {
		case ps[a] < ps[b]:
			return -1
		case ps[a] > ps[b]:
			return 1
		}
		return 0
	})
	q := make([]float64, len(ps))
	prev := 1.0
	for r := len(order) - 1; r >= 0; r-- {
		i := order[r]
		prev = min(prev, ps[i]*float64(len(ps))/float64(r+1))
		q[i] = prev
	}
	return q
}
