package skill

import (
	"math"
	"slices"
	"time"

	"github.com/debrief-dev/debrief"
)

// Incidents are compared only with incidents like them. A stratum holds
// the incidents of the same final verdict class (true positive or not), of
// about the same size (number of parent techniques: a many-stage intrusion
// raises more alerts, so it is reopened more and takes longer), of high
// severity or not, and created in the same hour of the UTC day on a weekday
// or on a weekend (who is on shift, and how long until someone is). Without it a technique
// that mostly comes in large intrusions, or at night, looks like a gap.
const (
	sizeClasses = 5
	timeClasses = 48
	strataBase  = 2 * sizeClasses * timeClasses // strata without the verdict class
)

// stratify returns each incident's stratum without the verdict class and
// the number of such strata. Except by analyst, the first owner is part of
// the stratum too: analysts differ in speed and work different hours, and
// the techniques they see differ with them.
func stratify(ins []debrief.Incident, fs []facts, by Dimension) ([]int32, int32) {
	owners := map[string]int32{}
	if by != ByAnalyst {
		for i := range fs {
			if _, ok := owners[fs[i].owner]; !ok {
				owners[fs[i].owner] = int32(len(owners))
			}
		}
	}
	n := max(int32(len(owners)), 1)
	strata := make([]int32, len(ins))
	for i := range ins {
		strata[i] = stratumOf(&ins[i])*n + owners[fs[i].owner]
	}
	return strata, strataBase * n
}

// stratumOf returns the incident's stratum without the verdict class
// (0 ≤ s < strataBase); the verdict class adds strataBase·b2i(tp).
func stratumOf(in *debrief.Incident) int32 {
	parents := 0
	var last debrief.TechniqueID
	for _, t := range in.Techniques {
		if p := t.Parent(); p != last {
			parents, last = parents+1, p
		}
	}
	size := 0
	switch {
	case parents >= 9:
		size = 4
	case parents >= 5:
		size = 3
	case parents >= 3:
		size = 2
	case parents == 2:
		size = 1
	}
	sev := b2i(in.Severity == debrief.SeverityHigh || in.Severity == debrief.SeverityCritical)
	c := in.Times.Created.UTC()
	wk := b2i(c.Weekday() == time.Saturday || c.Weekday() == time.Sunday)
	slot := wk*24 + c.Hour()
	return int32((sev*sizeClasses+size)*timeClasses + slot)
}

// rankTest is a stratified Wilcoxon rank-sum test (the sum over strata of
// each stratum's rank sum): values ranked within their stratum, the group
// against the rest. It returns the two-sided p value and the group's size,
// or ok false when either side has fewer than minN values.
func rankTest(vals []float64, strata []int32, in []bool, minN int) (p float64, n1 int, ok bool) {
	idx := make([]int, 0, len(vals))
	n2 := 0
	for i, v := range vals {
		if !math.IsNaN(v) {
			idx = append(idx, i)
			if in[i] {
				n1++
			} else {
				n2++
			}
		}
	}
	if n1 < minN || n2 < minN {
		return 1, n1, false
	}
	slices.SortFunc(idx, func(a, b int) int {
		if strata[a] != strata[b] {
			return int(strata[a] - strata[b])
		}
		return cmpF(vals[a], vals[b])
	})
	var dev, vari float64
	for lo := 0; lo < len(idx); {
		hi := lo
		for hi < len(idx) && strata[idx[hi]] == strata[idx[lo]] {
			hi++
		}
		d, v := stratumRankSum(vals, idx[lo:hi], in)
		dev, vari = dev+d, vari+v
		lo = hi
	}
	if vari <= 0 {
		return 1, n1, true
	}
	z := (math.Abs(dev) - 0.5) / math.Sqrt(vari)
	return math.Erfc(max(z, 0) / math.Sqrt2), n1, true
}

// stratumRankSum returns the group's rank sum less its expectation, and
// its variance (with ties), for one stratum's indices sorted by value.
func stratumRankSum(vals []float64, idx []int, in []bool) (dev, vari float64) {
	n := float64(len(idx))
	var a, w, ties float64
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && vals[idx[j+1]] == vals[idx[i]] {
			j++
		}
		mid := float64(i+j)/2 + 1
		for k := i; k <= j; k++ {
			if in[idx[k]] {
				a++
				w += mid
			}
		}
		t := float64(j - i + 1)
		ties += t*t*t - t
		i = j + 1
	}
	b := n - a
	if a == 0 || b == 0 {
		return 0, 0
	}
	return w - a*(n+1)/2, a * b / 12 * ((n + 1) - ties/(n*(n-1)))
}

// cmhTest is the Cochran–Mantel–Haenszel test of a rate: of[i] says
// whether incident i counts, hit[i] whether it is a case. It returns the
// two-sided p value, the group's cases and the cases expected of the group
// were it like the rest of its strata (both over strata with incidents of
// the group and of the rest).
func cmhTest(of, hit []bool, strata []int32, in []bool, nStrata int) (p float64, cases, expected float64) {
	type cell struct{ n1, n, m1, a float64 }
	cells := make([]cell, nStrata)
	for i := range of {
		if !of[i] {
			continue
		}
		c := &cells[strata[i]]
		c.n++
		if hit[i] {
			c.m1++
		}
		if in[i] {
			c.n1++
			if hit[i] {
				c.a++
			}
		}
	}
	var vari, mean float64
	for _, c := range cells {
		if c.n < 2 || c.n1 == 0 || c.n1 == c.n {
			continue
		}
		cases += c.a
		mean += c.n1 * c.m1 / c.n
		expected += c.n1 * (c.m1 - c.a) / (c.n - c.n1)
		vari += c.n1 * (c.n - c.n1) * c.m1 * (c.n - c.m1) / (c.n * c.n * (c.n - 1))
	}
	if vari <= 0 {
		return 1, cases, expected
	}
	z := (math.Abs(cases-mean) - 0.5) / math.Sqrt(vari)
	return math.Erfc(max(z, 0) / math.Sqrt2), cases, expected
}

func cmpF(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// relativeToRest returns, for each value of the group in a stratum that
// also has other values, the value less the median of the others of its
// stratum, sorted.
func relativeToRest(vals []float64, strata []int32, in []bool, idx []int32) []float64 {
	rest := map[int32][]float64{}
	for _, i := range idx {
		if !math.IsNaN(vals[i]) {
			rest[strata[i]] = nil
		}
	}
	for i, v := range vals {
		if _, ok := rest[strata[i]]; ok && !in[i] && !math.IsNaN(v) {
			rest[strata[i]] = append(rest[strata[i]], v)
		}
	}
	med := make(map[int32]float64, len(rest))
	for s, xs := range rest {
		if len(xs) > 0 {
			slices.Sort(xs)
			med[s] = quantile(xs, 0.5)
		}
	}
	var out []float64
	for _, i := range idx {
		if m, ok := med[strata[i]]; ok && !math.IsNaN(vals[i]) {
			out = append(out, vals[i]-m)
		}
	}
	slices.Sort(out)
	return out
}
