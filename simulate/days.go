package simulate

import (
	"container/heap"
	"math"
	"time"
)

// dayRates are the expected numbers of incidents of each source on a day.
type dayRates struct {
	intrusions float64
	scripts    []float64
	noise      []float64
}

// rates computes the expected incidents of day d: the daily mean split by
// the mix and the sources' weights, with the weekly rhythm (weekdays are
// raised so that the weekly mean stays the configured one), seasonal
// trends as factors and emerging or fading trends as extra incidents.
func (g *gen) rates(d int) dayRates {
	sc := g.sc
	total := sc.Mix.Intrusions + sc.Mix.Scripted + sc.Mix.Noise
	wk := 7 / (5 + 2*sc.WeekendFactor)
	if wd := g.day(d).Weekday(); wd == time.Saturday || wd == time.Sunday {
		wk *= sc.WeekendFactor
	}
	r := dayRates{intrusions: g.perDay * sc.Mix.Intrusions / total,
		scripts: make([]float64, len(g.scripts)), noise: make([]float64, len(g.noise))}
	shares := 0.0
	for _, s := range g.scripts {
		shares += s.Share
	}
	for i, s := range g.scripts {
		if shares > 0 {
			r.scripts[i] = g.perDay * sc.Mix.Scripted / total * s.Share / shares * wk * g.seasonal(s.Name, d)
		}
		r.scripts[i] += g.trendExtra(s.Name, d)
	}
	weights := 0.0
	for _, n := range g.noise {
		weights += n.Weight
	}
	for i, n := range g.noise {
		if weights > 0 {
			r.noise[i] = g.perDay * sc.Mix.Noise / total * n.Weight / weights * wk * g.seasonal(n.Name, d)
		}
		r.noise[i] += g.trendExtra(n.Name, d)
	}
	return r
}

// seasonal is the product of the seasonal trends on a source at day d.
func (g *gen) seasonal(source string, d int) float64 {
	f := 1.0
	for _, t := range g.sc.Trends {
		if t.Kind == TrendSeasonal && t.Source == source {
			f *= 1 + t.Amplitude*math.Sin(2*math.Pi*float64(d)/t.Period)
		}
	}
	return f
}

// trendExtra is the incidents per day emerging and fading trends add to
// a source: from start_day to end_day the rate moves linearly from
// "from" to "to"; before, an emerging source adds none and a fading one
// "from"; after, both add "to".
func (g *gen) trendExtra(source string, d int) float64 {
	x := 0.0
	for _, t := range g.sc.Trends {
		if t.Kind == TrendSeasonal || t.Source != source {
			continue
		}
		switch {
		case d < t.StartDay && t.Kind == TrendEmerge:
		case d < t.StartDay:
			x += t.From
		case d > t.EndDay:
			x += t.To
		default:
			x += t.From + (t.To-t.From)*float64(d-t.StartDay)/float64(t.EndDay-t.StartDay)
		}
	}
	return x
}

// expectedIncidents is the mean number of incidents day d should raise.
func (g *gen) expectedIncidents(d int) float64 {
	r := g.rates(d)
	sum := r.intrusions
	for _, v := range r.scripts {
		sum += v
	}
	for _, v := range r.noise {
		sum += v
	}
	return sum
}

// planDay plans the activity that starts on day d. Attacks are drawn
// until the day's count of detected ones is reached; the undetected ones
// go to undetected.
func (g *gen) planDay(d int, undetected func(*plan) bool) bool {
	r := g.rates(d)
	if len(g.actors) > 0 {
		if !g.attacks(g.r.poisson(r.intrusions), func() *plan { return g.planIntrusion(d, pick(g.r, g.actors)) }, undetected) {
			return false
		}
	}
	for i, s := range g.scripts {
		if !g.attacks(g.r.poisson(r.scripts[i]), func() *plan { return g.planScript(d, s) }, undetected) {
			return false
		}
	}
	for i, n := range g.noise {
		for range g.r.poisson(r.noise[i]) {
			p := g.planNoise(d, n)
			p.finishAlerts(g.r)
			g.push(p)
		}
	}
	return true
}

// attacks plans attacks until n of them are detected (or too many tries
// fail, when coverage is near zero).
func (g *gen) attacks(n int, next func() *plan, undetected func(*plan) bool) bool {
	for found, tries := 0, 0; found < n && tries < 20*n+20; tries++ {
		p := next()
		if p.finishAlerts(g.r) {
			g.push(p)
			found++
			continue
		}
		if p.kind == KindIntrusion {
			g.counts.IntrusionsUndetected++
		} else {
			g.counts.ScriptedUndetected++
		}
		if !undetected(p) {
			return false
		}
	}
	return true
}

func (g *gen) push(p *plan) {
	g.planned++
	p.order = g.planned
	heap.Push(&g.pending, p)
}
