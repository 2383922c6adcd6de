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

// ranks returns the mid-ranks (1-based) of xs and the tie correction term
// Σ(t³ − t) over groups of ties.
func ranks(xs []float64) ([]float64, float64) {
	idx := make([]int, len(xs))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		switch {
		case xs[a] < xs[b]:
			return -1
		case xs[a] > xs[b]:
			return 1
		}
		return 0
	})
	r := make([]float64, len(xs))
	var ties float64
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && xs[idx[j+1]] == xs[idx[i]] {
			j++
		}
		mid := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = mid
		}
		t := float64(j - i + 1)
		ties += t*t*t - t
		i = j + 1
	}
	return r, ties
}

// rankSumP is the two-sided p value of the Wilcoxon rank-sum test of a
// group of n1 with rank sum r1 against the other n2 of a pooled sample
// (normal approximation with tie and continuity corrections).
func rankSumP(r1 float64, n1, n2 int, ties float64) float64 {
	a, b := float64(n1), float64(n2)
	n := a + b
	u := r1 - a*(a+1)/2
	mu := a * b / 2
	v := a * b / 12 * ((n + 1) - ties/(n*(n-1)))
	if v <= 0 {
		return 1
	}
	z := (math.Abs(u-mu) - 0.5) / math.Sqrt(v)
	return math.Erfc(max(z, 0) / math.Sqrt2)
}

// fisherP is the two-sided p value of Fisher's exact test of the 2×2 table
// [[a, b], [c, d]] (a of a+b in the group, c of c+d in the rest).
func fisherP(a, b, c, d int) float64 {
	r1, c1, n := a+b, a+c, a+b+c+d
	lo, hi := max(0, c1-(n-r1)), min(r1, c1)
	logp := func(x int) float64 {
		return lchoose(r1, x) + lchoose(n-r1, c1-x) - lchoose(n, c1)
	}
	obs := logp(a)
	p := 0.0
	for x := lo; x <= hi; x++ {
		if lp := logp(x); lp <= obs+1e-7 {
			p += math.Exp(lp)
		}
	}
	return min(p, 1)
}

func lchoose(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
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
