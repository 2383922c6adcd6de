package trend

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
)

// Options configure Analyse. Zero fields take the defaults.
type Options struct {
	By       Dimension       // ByTechnique
	Period   Period          // bucket of the series: Week
	Now      time.Time       // end of the recent window (exclusive); zero: the day after the latest incident
	Window   time.Duration   // recent window: 28 days
	Baseline time.Duration   // trailing baseline before the window: 84 days (cut to the first incident)
	MinCount int             // a key is tested when window + baseline hold at least this many, the baseline one at least: 10
	FDR      float64         // false discovery rate across tested keys: 0.05
	Catalog  *attack.Catalog // optional: names of techniques and tactics
}

func (o *Options) defaults() {
	if o.By == "" {
		o.By = ByTechnique
	}
	if o.Period == "" {
		o.Period = Week
	}
	if o.Window <= 0 {
		o.Window = 28 * 24 * time.Hour
	}
	if o.Baseline <= 0 {
		o.Baseline = 84 * 24 * time.Hour
	}
	if o.MinCount <= 0 {
		o.MinCount = 10
	}
	if o.FDR <= 0 {
		o.FDR = 0.05
	}
}

// Span is a half-open time range [From, To).
type Span struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// Days is the length of s in days.
func (s Span) Days() float64 { return s.To.Sub(s.From).Hours() / 24 }

// Change is one key whose rate changed, or that is new.
type Change struct {
	ID           string    `json:"id"`
	Name         string    `json:"name,omitempty"`
	Recent       int       `json:"recent"`               // incidents in the window
	Baseline     int       `json:"baseline"`             // incidents in the baseline
	RecentRate   float64   `json:"recent_rate"`          // per week
	BaselineRate float64   `json:"baseline_rate"`        // per week
	RateRatio    float64   `json:"rate_ratio"`           // recent ÷ baseline rate, with half a count added to each
	Dispersion   float64   `json:"dispersion,omitempty"` // the quasi-Poisson factor its test was widened by
	P            float64   `json:"p,omitempty"`          // two-sided; absent for new keys (not tested)
	Q            float64   `json:"q,omitempty"`          // Benjamini–Hochberg adjusted
	FirstSeen    time.Time `json:"first_seen,omitzero"`
}

// Result is what Analyse found.
type Result struct {
	By         Dimension `json:"by"`
	Window     Span      `json:"window"`
	Baseline   Span      `json:"baseline"`
	MinCount   int       `json:"min_count"`
	FDR        float64   `json:"fdr"`
	Dispersion float64   `json:"dispersion"` // the pooled quasi-Poisson factor (≥ 1); a key's own may be larger
	Tested     int       `json:"tested"`     // keys with at least MinCount incidents, at least one in the baseline
	Series     *Table    `json:"series"`     // baseline and window together
	Emerging   []Change  `json:"emerging"`   // by q, then rate ratio
	Fading     []Change  `json:"fading"`
	New        []Change  `json:"new"` // in the window and in no incident before it, by count
}

// Analyse counts ins by opts.By and reports emerging, fading and new keys.
func Analyse(ins []debrief.Incident, opts Options) (*Result, error) {
	opts.defaults()
	return AnalyseDaily(Daily(ins, opts.By), opts)
}

// AnalyseDaily is Analyse over the daily counts of a history by opts.By,
// from Daily or from a store's debrief.AggregateStore.DailyCounts (which
// count in the database). The window and the baseline are whole UTC days:
// opts.Now is taken up to the next midnight, and Window and Baseline up to
// whole days.
func AnalyseDaily(rows []debrief.DayCount, opts Options) (*Result, error) {
	opts.defaults()
	d := newDaily(rows)
	if d.first.IsZero() {
		return nil, fmt.Errorf("trend: no incident has a created time")
	}
	now := opts.Now
	if now.IsZero() {
		now = Day.Next(d.lastDay)
	} else if s := Day.Start(now); !s.Equal(now) {
		now = Day.Next(s)
	}
	win := Span{now.AddDate(0, 0, -wholeDays(opts.Window)), now}
	base := Span{win.From.AddDate(0, 0, -wholeDays(opts.Baseline)), win.From}
	if f := Day.Start(d.first); base.From.Before(f) {
		base.From = f
	}
	if !base.To.After(base.From) {
		return nil, fmt.Errorf("trend: no baseline: the incidents start %s, the window %s", d.first.Format(time.DateOnly), win.From.Format(time.DateOnly))
	}
	tb := d.count(opts.By, opts.Period, base.From, win.To)
	res := &Result{By: opts.By, Window: win, Baseline: base, MinCount: opts.MinCount, FDR: opts.FDR, Series: tb}
	cnt := d.spans(base, win)
	own, pooled := dispersion(d, base)
	res.Dispersion = pooled
	res.test(cnt, own, opts)
	res.findChangePoints(own, opts)
	res.New = d.newKeys(win, cnt)
	res.name(opts.Catalog)
	return res, nil
}

// wholeDays is d in days, rounded up.
func wholeDays(d time.Duration) int {
	const day = 24 * time.Hour
	return int((d + day - 1) / day)
}

type pair struct{ base, recent int }

// dispersion returns the quasi-Poisson factor of each key and the pooled
// one. A key's own factor is the variance-to-mean ratio of its weekly
// counts in the baseline around a straight line (so that a steady rise or
// fall does not count as noise, while a seasonal swing does); the pooled
// factor is the median of those of keys with a weekly mean of at least 2.
// A key's tests use the larger of its own and the pooled factor, at least 1.
func dispersion(d *daily, base Span) (map[string]float64, float64) {
	weeks := int(base.Days() / 7)
	own := map[string]float64{}
	if weeks < 6 {
		return own, 1
	}
	from := base.To.AddDate(0, 0, -7*weeks)
	tb := d.count("", Day, from, base.To)
	var ratios []float64
	w := make([]float64, weeks)
	for _, s := range tb.Series {
		clear(w)
		for i, n := range s.Counts {
			w[min(i/7, weeks-1)] += float64(n)
		}
		m, v := detrendedMeanVar(w)
		if m < 1 {
			continue
		}
		own[s.Key] = v / m
		if m >= 2 {
			ratios = append(ratios, v/m)
		}
	}
	if len(ratios) == 0 {
		return own, 1
	}
	return own, max(1, median(ratios))
}

// detrendedMeanVar returns the mean of ys and the variance of their
// residuals around the least-squares parabola through them (a steady rise,
// fall or a fade to nothing is trend, not noise).
func detrendedMeanVar(ys []float64) (m, v float64) {
	n := len(ys)
	var a [3][4]float64 // normal equations for y = c0 + c1·x + c2·x²
	for i, y := range ys {
		x := float64(i) / float64(n)
		p := [3]float64{1, x, x * x}
		for r := range 3 {
			for c := range 3 {
				a[r][c] += p[r] * p[c]
			}
			a[r][3] += p[r] * y
		}
		m += y
	}
	m /= float64(n)
	c, ok := solve3(a)
	for i, y := range ys {
		x := float64(i) / float64(n)
		fit := m
		if ok {
			fit = c[0] + c[1]*x + c[2]*x*x
		}
		v += (y - fit) * (y - fit)
	}
	return m, v / float64(n-3)
}

// solve3 solves a 3×3 linear system given as an augmented matrix by
// Gaussian elimination with partial pivoting.
func solve3(a [3][4]float64) ([3]float64, bool) {
	for col := range 3 {
		p := col
		for r := col + 1; r < 3; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[p][col]) {
				p = r
			}
		}
		if math.Abs(a[p][col]) < 1e-12 {
			return [3]float64{}, false
		}
		a[col], a[p] = a[p], a[col]
		for r := range 3 {
			if r == col {
				continue
			}
			f := a[r][col] / a[col][col]
			for c := col; c < 4; c++ {
				a[r][c] -= f * a[col][c]
			}
		}
	}
	return [3]float64{a[0][3] / a[0][0], a[1][3] / a[1][1], a[2][3] / a[2][2]}, true
}

func (r *Result) test(cnt map[string]*pair, own map[string]float64, opts Options) {
	wd, bd := r.Window.Days(), r.Baseline.Days()
	p0 := wd / (wd + bd)
	var tested []Change
	var ps []float64
	for k, c := range cnt {
		n := c.base + c.recent
		if n < opts.MinCount || c.base == 0 {
			continue // too few to test, or nothing to compare with: new when never seen before
		}
		phi := max(r.Dispersion, own[k])
		up, lo := binomialTails(float64(c.recent)/phi, float64(n)/phi, p0)
		p := max(min(1, 2*min(up, lo)), math.SmallestNonzeroFloat64)
		tested = append(tested, Change{ID: k, Recent: c.recent, Baseline: c.base,
			RecentRate: float64(c.recent) / wd * 7, BaselineRate: float64(c.base) / bd * 7,
			RateRatio: ((float64(c.recent) + 0.5) / wd) / ((float64(c.base) + 0.5) / bd), Dispersion: phi, P: p})
		ps = append(ps, p)
	}
	r.Tested = len(tested)
	q := bhAdjust(ps)
	r.Emerging, r.Fading = []Change{}, []Change{}
	for i := range tested {
		tested[i].Q = q[i]
		if q[i] > opts.FDR {
			continue
		}
		if tested[i].RateRatio > 1 {
			r.Emerging = append(r.Emerging, tested[i])
		} else {
			r.Fading = append(r.Fading, tested[i])
		}
	}
	sortChanges(r.Emerging)
	sortChanges(r.Fading)
}

func sortChanges(cs []Change) {
	slices.SortFunc(cs, func(a, b Change) int {
		if c := cmpFloat(a.Q, b.Q); c != 0 {
			return c
		}
		if c := cmpFloat(math.Abs(math.Log(b.RateRatio)), math.Abs(math.Log(a.RateRatio))); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
}

func (r *Result) name(cat *attack.Catalog) {
	if cat == nil {
		return
	}
	nm := func(k string) string { return Name(cat, r.By, k) }
	for _, cs := range [][]Change{r.Emerging, r.Fading, r.New} {
		for i := range cs {
			cs[i].Name = nm(cs[i].ID)
		}
	}
	for i := range r.Series.Series {
		r.Series.Series[i].Name = nm(r.Series.Series[i].Key)
	}
}

// Name returns the ATT&CK name of a technique or tactic key, or "".
func Name(cat *attack.Catalog, d Dimension, key string) string {
	switch d {
	case ByTechnique, BySubTechnique:
		if t, ok := cat.Technique(key); ok {
			return t.Name
		}
	case ByTactic:
		if t, ok := cat.Tactic(key); ok {
			return t.Name
		}
	}
	return ""
}
