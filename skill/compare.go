package skill

import (
	"math"
	"slices"
)

// comparer holds what every group's tests share: each incident's stratum
// (see stratumOf), its log times, and the denominators and cases of each rate.
type comparer struct {
	fs     []facts
	width  int32                // strata without the verdict class: 0 ≤ stratum < width
	strata [2][]int32           // [0] without the verdict class, [1] with it
	val    [2][]float64         // log hours of TTA, TTR; NaN when unknown
	of     [4][]bool            // rates: whether the incident counts
	hit    [4][]bool            // rates: whether it is a case
	times  [2]*ranked           // val sorted by stratum (with the verdict class) and value
	mark   []bool               // scratch: the group under test
	cur    []int32              // scratch: the group under test, as a list
	splits map[groupKey]members // each group that splits the strata, as a set (see splitBy)
	rc     rateCells
	rates  [4]rateMetric          // the rate metrics in the order of of and hit
	conds  map[condKey][2]float64 // conditional's p values and ratios
}

type rateMetric struct {
	name    string
	verdict bool // stratified by verdict class too
}

func newComparer(fs []facts, strata []int32, width int32) *comparer {
	n := len(fs)
	c := &comparer{fs: fs, width: width, mark: make([]bool, n)}
	c.rates = [4]rateMetric{{MetricMisclassified, true}, {MetricUndetermined, false}, {MetricReopened, true}, {MetricHandedOver, true}}
	c.strata[0], c.strata[1] = strata, make([]int32, n)
	for i := range fs {
		c.strata[1][i] = strata[i] + width*int32(b2i(fs[i].tp))
	}
	for m, get := range []func(*facts) float64{func(f *facts) float64 { return f.tta }, func(f *facts) float64 { return f.ttr }} {
		c.val[m] = make([]float64, n)
		for i := range fs {
			c.val[m][i] = nan
			if v := get(&fs[i]); !math.IsNaN(v) {
				c.val[m][i] = logH(v)
			}
		}
	}
	done := make(chan struct{})
	go func() { // the two are independent: side by side
		c.times[1] = newRanked(c.val[1], c.strata[1])
		close(done)
	}()
	c.times[0] = newRanked(c.val[0], c.strata[1])
	<-done
	for r := range c.of {
		c.of[r], c.hit[r] = make([]bool, n), make([]bool, n)
	}
	for i := range fs {
		f := &fs[i]
		c.of[0][i], c.hit[0][i] = f.tp, f.misclassified
		c.of[1][i], c.hit[1][i] = f.closed, f.undetermined
		c.of[2][i], c.hit[2][i] = f.closed, f.reopened
		c.of[3][i], c.hit[3][i] = true, f.handedOver
	}
	return c
}

// logH is the log of hours, with times under a second counted as a second.
func logH(h float64) float64 { return math.Log(max(h, 1.0/3600)) }

// splitBy returns the incidents idx as a set, made once per list: tests
// split the strata by the same groups many times.
func (c *comparer) splitBy(idx []int32) members {
	if len(idx) == 0 {
		return membersOf(nil, len(c.fs))
	}
	k := groupKey{&idx[0], len(idx)}
	m, ok := c.splits[k]
	if !ok {
		m = membersOf(idx, len(c.fs))
		if c.splits == nil {
			c.splits = map[groupKey]members{}
		}
		c.splits[k] = m
	}
	return m
}

func (c *comparer) set(idx []int32, v bool) {
	for _, i := range idx {
		c.mark[i] = v
	}
	c.cur = nil
	if v {
		c.cur = idx
	}
}

// compare tests each metric of group g (incidents idx) against the rest of
// the team within strata; with within (the incidents of another group),
// the strata are split by membership of it too, so that g is compared
// with incidents alike in it (an analyst's incidents of a tactic with the
// team's of that tactic).
func (c *comparer) compare(g Group, idx, within []int32, team Metrics, opts Options) []Gap {
	c.set(idx, true)
	defer c.set(idx, false)
	var split members
	var splitIdx []int32
	if within != nil {
		splitIdx = within
		split = c.splitBy(within)
	}
	var out []Gap
	for m, tm := range []struct {
		name        string
		team, group Times
	}{{MetricTTA, team.Acknowledge, g.Acknowledge}, {MetricTTR, team.Resolve, g.Resolve}} {
		p, n1, ok := c.times[m].test(split, splitIdx, c.mark, c.cur, opts.MinSample)
		if !ok {
			continue
		}
		rel := c.times[m].relative(split, splitIdx, c.mark, c.cur)
		if len(rel) == 0 && within != nil {
			continue // no incident of g has one alike in within to compare with
		}
		orderStats(rel, append(medianPlaces(len(rel)), ciPlaces(len(rel))...)...)
		lo, hi := medianCI(rel)
		out = append(out, Gap{ID: g.ID, Name: g.Name, Metric: tm.name, Team: tm.team.Median, Group: tm.group.Median,
			Ratio: math.Exp(quantile(rel, 0.5)), Interval: [2]float64{math.Exp(lo) * tm.team.Median, math.Exp(hi) * tm.team.Median}, N: n1, P: p})
	}
	for r, rm := range []struct{ team, group Rate }{{team.Misclassified, g.Misclassified}, {team.Undetermined, g.Undetermined},
		{team.Reopened, g.Reopened}, {team.Escalated, g.Escalated}} {
		if rm.group.Of < opts.MinSample || rm.team.Of-rm.group.Of < opts.MinSample || rm.team.Count == 0 {
			continue
		}
		p, cases, expected := c.rateTest(r, within)
		lo, hi := wilson(rm.group.Count, rm.group.Of)
		out = append(out, Gap{ID: g.ID, Name: g.Name, Metric: c.rates[r].name, Team: rm.team.Value, Group: rm.group.Value,
			Ratio: (cases + 0.5) / (expected + 0.5), Interval: [2]float64{lo, hi}, N: rm.group.Of, P: p})
	}
	return out
}

// conditional returns the p value and the ratio of metric of group g
// (incidents gi) within the strata further split by membership of group h
// (hi): whether g still differs among incidents alike in h, and how much.
func (c *comparer) conditional(metric string, gi, hi []int32) (p, ratio float64) {
	if len(gi) == 0 || len(hi) == 0 {
		return c.conditionalNow(metric, gi, hi)
	}
	// Explaining away asks about each pair both ways, once for each of
	// the two when both are significant.
	k := condKey{metric, groupKey{&gi[0], len(gi)}, groupKey{&hi[0], len(hi)}}
	if r, ok := c.conds[k]; ok {
		return r[0], r[1]
	}
	p, ratio = c.conditionalNow(metric, gi, hi)
	if c.conds == nil {
		c.conds = map[condKey][2]float64{}
	}
	c.conds[k] = [2]float64{p, ratio}
	return p, ratio
}

// condKey names a conditional test: the metric, the group and the group
// whose membership splits the strata.
type condKey struct {
	metric string
	g, h   groupKey
}

func (c *comparer) conditionalNow(metric string, gi, hi []int32) (p, ratio float64) {
	if metric == MetricTTA || metric == MetricTTR {
		c.set(gi, true)
		defer c.set(gi, false)
		m := b2i(metric == MetricTTR)
		split := c.splitBy(hi)
		p, _, _ := c.times[m].test(split, hi, c.mark, c.cur, 1)
		rel := c.times[m].relative(split, hi, c.mark, c.cur)
		if len(rel) == 0 {
			return 1, 1
		}
		return p, math.Exp(quantile(orderStats(rel, medianPlaces(len(rel))...), 0.5))
	}
	r := slices.IndexFunc(c.rates[:], func(rm rateMetric) bool { return rm.name == metric })
	c.cur = gi // a rate test reads the list alone, not the marks
	defer func() { c.cur = nil }()
	p, cases, expected := c.rateTest(r, hi)
	return p, (cases + 0.5) / (expected + 0.5)
}

// effect returns the p value of group g among incidents alike in group h,
// and the size of its effect there: the log of its ratio, positive in g's
// own direction.
func (c *comparer) effect(g, h cand) (p, size float64) {
	p, ratio := c.conditional(g.Metric, g.idx, h.idx)
	size = math.Log(ratio)
	if g.Ratio < 1 {
		size = -size
	}
	return p, size
}
