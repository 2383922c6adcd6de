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

// orderStats moves into places ks (each 0 ≤ k < len(xs)) of xs the values
// a sort would put there, and returns xs: for quantile and medianCI over
// a few places without sorting all of xs.
func orderStats(xs []float64, ks ...int) []float64 {
	ks = slices.Clone(ks)
	slices.Sort(ks)
	lo := 0
	for _, k := range ks {
		if k < lo || k >= len(xs) {
			continue
		}
		selectK(xs[lo:], k-lo)
		lo = k + 1
	}
	return xs
}

// selectK reorders xs so that xs[k] is the value a sort would put there,
// with none greater before it and none less after it.
func selectK(xs []float64, k int) {
	lo, hi := 0, len(xs)-1
	for hi-lo > 16 {
		mid := lo + (hi-lo)/2
		// Median of three as the pivot, moved to hi.
		if xs[mid] < xs[lo] {
			xs[mid], xs[lo] = xs[lo], xs[mid]
		}
		if xs[hi] < xs[lo] {
			xs[hi], xs[lo] = xs[lo], xs[hi]
		}
		if xs[mid] < xs[hi] {
			xs[mid], xs[hi] = xs[hi], xs[mid]
		}
		pivot := xs[hi]
		// Three-way partition: < pivot, == pivot, > pivot.
		lt, i, gt := lo, lo, hi
		for i <= gt {
			switch {
			case xs[i] < pivot:
				xs[lt], xs[i] = xs[i], xs[lt]
				lt++
				i++
			case xs[i] > pivot:
				xs[gt], xs[i] = xs[i], xs[gt]
				gt--
			default:
				i++
			}
		}
		switch {
		case k < lt:
			hi = lt - 1
		case k > gt:
			lo = gt + 1
		default:
			return
		}
	}
	slices.Sort(xs[lo : hi+1])
}

// quantilePlaces are the places quantile(·, q) reads in n sorted values.
func quantilePlaces(n int, q float64) []int {
	i := int(math.Floor(q * float64(n-1)))
	return []int{i, i + 1}
}

// medianPlaces are the places quantile(·, 0.5) reads in n sorted values.
func medianPlaces(n int) []int { return quantilePlaces(n, 0.5) }

// ciPlaces are the places medianCI reads in n sorted values.
func ciPlaces(n int) []int {
	d := 1.96 * math.Sqrt(float64(n)) / 2
	return []int{max(int(math.Floor(float64(n)/2-d)), 0), min(int(math.Ceil(float64(n)/2+d)), n-1)}
}
