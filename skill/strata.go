package skill

import (
	"maps"
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
func stratify(hs []debrief.HandlingFacts, fs []facts, by Dimension) ([]int32, int32) {
	owners := map[string]int32{}
	if by != ByAnalyst {
		for i := range fs {
			owners[fs[i].owner] = 0
		}
		// Numbered in name order, so that the strata (and the order the
		// tests sum over them) do not depend on the incidents' order.
		names := slices.Sorted(maps.Keys(owners))
		for k, o := range names {
			owners[o] = int32(k)
		}
	}
	n := max(int32(len(owners)), 1)
	strata := make([]int32, len(hs))
	for i := range hs {
		strata[i] = stratumOf(&hs[i])*n + owners[fs[i].owner]
	}
	return strata, strataBase * n
}

// stratumOf returns the incident's stratum without the verdict class
// (0 ≤ s < strataBase); the verdict class adds strataBase·b2i(tp).
func stratumOf(in *debrief.HandlingFacts) int32 {
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
	c := in.Created.UTC()
	wk := b2i(c.Weekday() == time.Saturday || c.Weekday() == time.Sunday)
	slot := wk*24 + c.Hour()
	return int32((sev*sizeClasses+size)*timeClasses + slot)
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
