package skill

import (
	"math"
	"slices"
)

// cmhCell counts one stratum: incidents of the group (n1) and all (n),
// cases among all (m1) and of the group (a).
type cmhCell struct{ n1, n, m1, a float64 }

// rateCells holds what the Cochran–Mantel–Haenszel tests of the rates
// share, so that a test walks the group's incidents and the strata they
// touch, not every incident.
type rateCells struct {
	totals  [4][]cmhCell // per rate, per stratum of its strata: n and m1 over all incidents; nil until first used
	group   []cmhCell    // scratch, per stratum (split ones after 2·width): n1 and a of the group; n marks it touched
	split   []cmhCell    // scratch, per stratum: n and m1 over the splitting group
	touched []int32      // scratch
	inter   []cmhCell    // scratch, per stratum: n and m1 over the group's incidents in the splitting group
	// per rate, each splitting group's strata with its n and m1 there:
	// explaining away splits by the same large groups many times.
	splits [4]map[groupKey][]splitCell
}

// splitCell is a splitting group's count of one stratum.
type splitCell struct {
	s     int32
	n, m1 float64
}

// splitCells returns the strata of the splitting group split (incidents
// counted by rate r) with its n and m1 in each, computed once per list.
func (c *comparer) splitCells(r int, split []int32) []splitCell {
	if len(split) == 0 {
		return nil
	}
	rc := &c.rc
	k := groupKey{&split[0], len(split)}
	if cs, ok := rc.splits[r][k]; ok {
		return cs
	}
	strata := c.strata[b2i(c.rates[r].verdict)]
	of, hit := c.of[r], c.hit[r]
	var cs []splitCell
	for _, i := range split {
		if !of[i] {
			continue
		}
		t := &rc.split[strata[i]]
		if t.n == 0 {
			cs = append(cs, splitCell{s: strata[i]})
		}
		t.n++
		t.m1 += float64(b2i(hit[i]))
	}
	for j := range cs {
		t := &rc.split[cs[j].s]
		cs[j].n, cs[j].m1 = t.n, t.m1
		*t = cmhCell{}
	}
	if rc.splits[r] == nil {
		rc.splits[r] = map[groupKey][]splitCell{}
	}
	rc.splits[r][k] = cs
	return cs
}

// rateTest is the Cochran–Mantel–Haenszel test of rate r of the group
// under test (c.cur) against the rest of its strata (by
// verdict class when the rate says so), the strata split by membership of
// split when it is not nil. It returns the two-sided p
// value, the group's cases and the cases expected of it were it like the
// rest of its strata (both over strata with incidents of the group and of
// the rest).
func (c *comparer) rateTest(r int, split []int32) (p, cases, expected float64) {
	strata := c.strata[b2i(c.rates[r].verdict)]
	of, hit := c.of[r], c.hit[r]
	w2 := 2 * c.width
	rc := &c.rc
	if rc.totals[r] == nil {
		rc.totals[r] = make([]cmhCell, w2)
		for i := range of {
			if of[i] {
				t := &rc.totals[r][strata[i]]
				t.n++
				t.m1 += float64(b2i(hit[i]))
			}
		}
	}
	if rc.group == nil {
		rc.group, rc.split = make([]cmhCell, 2*w2), make([]cmhCell, w2)
	}
	rc.touched = rc.touched[:0]
	if split == nil {
		for _, i := range c.cur {
			if !of[i] {
				continue
			}
			s := strata[i]
			g := &rc.group[s]
			if g.n == 0 {
				g.n = 1
				rc.touched = append(rc.touched, s)
			}
			g.n1++
			g.a += float64(b2i(hit[i]))
		}
	} else {
		c.splitGroup(r, split)
	}
	cells := c.splitCells(r, split)
	for _, sc := range cells {
		rc.split[sc.s] = cmhCell{n: sc.n, m1: sc.m1}
	}
	slices.Sort(rc.touched)
	var vari, mean float64
	for _, s := range rc.touched {
		g := &rc.group[s]
		cell := cmhCell{n1: g.n1, a: g.a}
		switch base := s % w2; {
		case split == nil:
			cell.n, cell.m1 = rc.totals[r][s].n, rc.totals[r][s].m1
		case s >= w2:
			cell.n, cell.m1 = rc.split[base].n, rc.split[base].m1
		default:
			cell.n, cell.m1 = rc.totals[r][base].n-rc.split[base].n, rc.totals[r][base].m1-rc.split[base].m1
		}
		*g = cmhCell{}
		if cell.n < 2 || cell.n1 == cell.n {
			continue
		}
		cases += cell.a
		mean += cell.n1 * cell.m1 / cell.n
		expected += cell.n1 * (cell.m1 - cell.a) / (cell.n - cell.n1)
		vari += cell.n1 * (cell.n - cell.n1) * cell.m1 * (cell.n - cell.m1) / (cell.n * cell.n * (cell.n - 1))
	}
	for _, sc := range cells {
		rc.split[sc.s] = cmhCell{}
	}
	if vari <= 0 {
		return 1, cases, expected
	}
	z := (math.Abs(cases-mean) - 0.5) / math.Sqrt(vari)
	return math.Erfc(max(z, 0) / math.Sqrt2), cases, expected
}

// splitGroup fills rc.group and rc.touched for rateTest of rate r with a
// split: the group's counts in each stratum (kept, see splitCells) less
// those of its incidents in split, counted by walking the smaller of the
// group and split and looking each up in the other.
func (c *comparer) splitGroup(r int, split []int32) {
	strata := c.strata[b2i(c.rates[r].verdict)]
	of, hit := c.of[r], c.hit[r]
	w2 := 2 * c.width
	rc := &c.rc
	if rc.inter == nil {
		rc.inter = make([]cmhCell, w2)
	}
	small, big := c.cur, split
	if len(split) < len(c.cur) {
		small, big = split, c.cur
	}
	if len(small) > 0 {
		other := c.splitBy(big)
		for _, i := range small {
			if of[i] && other.has(i) {
				t := &rc.inter[strata[i]]
				t.n++
				t.m1 += float64(b2i(hit[i]))
			}
		}
	}
	for _, gc := range c.splitCells(r, c.cur) {
		in := &rc.inter[gc.s]
		if in.n > 0 {
			rc.group[gc.s+w2] = cmhCell{n: 1, n1: in.n, a: in.m1}
			rc.touched = append(rc.touched, gc.s+w2)
		}
		if gc.n > in.n {
			rc.group[gc.s] = cmhCell{n: 1, n1: gc.n - in.n, a: gc.m1 - in.m1}
			rc.touched = append(rc.touched, gc.s)
		}
		*in = cmhCell{}
	}
}
