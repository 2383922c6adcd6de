package skill

import (
	"math"
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

// cmhCell counts one stratum: incidents of the group (n1) and all (n),
// cases among all (m1) and of the group (a).
type cmhCell struct{ n1, n, m1, a float64 }

// cmhTest is the Cochran–Mantel–Haenszel test of a rate: of[i] says
// whether incident i counts, hit[i] whether it is a case. It returns the
// two-sided p value, the group's cases and the cases expected of the group
// were it like the rest of its strata (both over strata with incidents of
// the group and of the rest). cells is scratch, one per stratum.
func cmhTest(of, hit []bool, strata []int32, in []bool, cells []cmhCell) (p float64, cases, expected float64) {
	clear(cells)
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
