package skill

import (
	"math"
	"slices"
)

// comparer holds what every group's tests share: each incident's times
// relative to the team's median for the same final verdict, and their
// ranks over the team.
type comparer struct {
	fs   []facts
	rel  [2][]float64 // log(time ÷ team median of its verdict class); NaN when unknown
	rank [2][]float64
	ties [2]float64
	n    [2]int
}

func newComparer(fs []facts) *comparer {
	c := &comparer{fs: fs}
	for m, get := range []func(*facts) float64{func(f *facts) float64 { return f.tta }, func(f *facts) float64 { return f.ttr }} {
		var byClass [2][]float64
		for i := range fs {
			if v := get(&fs[i]); !math.IsNaN(v) {
				byClass[b2i(fs[i].tp)] = append(byClass[b2i(fs[i].tp)], logH(v))
			}
		}
		var med [2]float64
		for k := range byClass {
			slices.Sort(byClass[k])
			med[k] = quantile(byClass[k], 0.5)
		}
		rel := make([]float64, len(fs))
		var known []float64
		var pos []int
		for i := range fs {
			rel[i] = nan
			if v := get(&fs[i]); !math.IsNaN(v) {
				rel[i] = logH(v) - med[b2i(fs[i].tp)]
				known = append(known, rel[i])
				pos = append(pos, i)
			}
		}
		r, ties := ranks(known)
		rank := make([]float64, len(fs))
		for j, i := range pos {
			rank[i] = r[j]
		}
		c.rel[m], c.rank[m], c.ties[m], c.n[m] = rel, rank, ties, len(known)
	}
	return c
}

// logH is the log of hours, with times under a second counted as a second.
func logH(h float64) float64 { return math.Log(max(h, 1.0/3600)) }

func (c *comparer) compare(g Group, idx []int32, team Metrics, opts Options) []Gap {
	var out []Gap
	for m, tm := range []struct {
		name        string
		team, group Times
	}{{MetricTTA, team.Acknowledge, g.Acknowledge}, {MetricTTR, team.Resolve, g.Resolve}} {
		if gp, ok := c.timeGap(m, idx, opts.MinSample); ok {
			gp.ID, gp.Name, gp.Metric, gp.Team, gp.Group = g.ID, g.Name, tm.name, tm.team.Median, tm.group.Median
			gp.Interval = [2]float64{gp.Interval[0] * tm.team.Median, gp.Interval[1] * tm.team.Median}
			out = append(out, gp)
		}
	}
	for _, rm := range []struct {
		name        string
		team, group Rate
	}{{MetricMisclassified, team.Misclassified, g.Misclassified}, {MetricUndetermined, team.Undetermined, g.Undetermined},
		{MetricReopened, team.Reopened, g.Reopened}, {MetricHandedOver, team.Escalated, g.Escalated}} {
		if rm.group.Of < opts.MinSample || rm.team.Of <= rm.group.Of || rm.group.Count+rm.team.Count == 0 {
			continue
		}
		a, b := rm.group.Count, rm.group.Of-rm.group.Count
		cc, d := rm.team.Count-a, (rm.team.Of-rm.team.Count)-b
		lo, hi := wilson(rm.group.Count, rm.group.Of)
		out = append(out, Gap{ID: g.ID, Name: g.Name, Metric: rm.name, Team: rm.team.Value, Group: rm.group.Value,
			Ratio: (rm.group.Value + 1e-9) / (rm.team.Value + 1e-9), Interval: [2]float64{lo, hi}, N: rm.group.Of, P: fisherP(a, b, cc, d)})
	}
	return out
}

// timeGap tests metric m of the group against the rest of the team. Its
// Ratio and Interval are relative to the team's median.
func (c *comparer) timeGap(m int, idx []int32, minN int) (Gap, bool) {
	var rel []float64
	var rsum float64
	for _, i := range idx {
		if v := c.rel[m][i]; !math.IsNaN(v) {
			rel = append(rel, v)
			rsum += c.rank[m][i]
		}
	}
	n1 := len(rel)
	if n1 < minN || c.n[m]-n1 < minN {
		return Gap{}, false
	}
	slices.Sort(rel)
	lo, hi := medianCI(rel)
	return Gap{N: n1, Ratio: math.Exp(quantile(rel, 0.5)), Interval: [2]float64{math.Exp(lo), math.Exp(hi)},
		P: rankSumP(rsum, n1, c.n[m]-n1, c.ties[m])}, true
}
