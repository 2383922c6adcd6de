package skill

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
)

// Dimension is what incidents are grouped by.
type Dimension string

// Dimensions.
const (
	ByTechnique Dimension = "technique" // parent techniques: a sub-technique counts for its parent
	ByTactic    Dimension = "tactic"
	ByAnalyst   Dimension = "analyst" // the first owner; only on request

	bySubTechnique Dimension = "sub-technique" // only to explain effects away
)

// ParseDimension reads technique, tactic or analyst.
func ParseDimension(s string) (Dimension, error) {
	switch d := Dimension(strings.ToLower(strings.TrimSpace(s))); d {
	case ByTechnique, ByTactic, ByAnalyst:
		return d, nil
	}
	return "", fmt.Errorf("dimension %q: want technique, tactic or analyst", s)
}

// Metric names.
const (
	MetricTTA           = "time_to_acknowledge"
	MetricTTR           = "time_to_resolve"
	MetricMisclassified = "misclassified" // true positives first closed benign or false positive
	MetricUndetermined  = "undetermined"  // closed without a verdict
	MetricReopened      = "reopened"      // of closed
	MetricHandedOver    = "escalated"     // handed to another analyst
)

// Options configure Analyse. Zero fields take the defaults.
type Options struct {
	By        Dimension       // ByTechnique
	MinSample int             // a group is tested on a metric with at least this many values: 20
	FDR       float64         // false discovery rate across groups and metrics: 0.05
	MinRatio  float64         // a gap is at least this many times the team's value (or 1/MinRatio for a strength): 1.25
	Catalog   *attack.Catalog // names, ATT&CK pages, detection strategies and data components
	Examples  int             // past incidents listed per gap: 5
	// Dominance: a group whose effect, among incidents alike in another
	// group, is less than this share of the other's (log ratios) is
	// explained away by it: 0.5. Negative: never.
	Dominance float64
}

func (o *Options) defaults() {
	o.By = cmp.Or(o.By, ByTechnique)
	o.MinSample = cmp.Or(o.MinSample, 20)
	o.FDR = cmp.Or(o.FDR, 0.05)
	o.MinRatio = cmp.Or(o.MinRatio, 1.25)
	o.Examples = cmp.Or(o.Examples, 5)
	o.Dominance = cmp.Or(o.Dominance, 0.5)
}

// Times summarises durations in hours.
type Times struct {
	N      int     `json:"n"`
	Median float64 `json:"median_hours"`
	P90    float64 `json:"p90_hours"`
}

// Rate is Count of Of.
type Rate struct {
	Count int     `json:"count"`
	Of    int     `json:"of"`
	Value float64 `json:"value"`
}

// Metrics describe the handling of a set of incidents.
type Metrics struct {
	Incidents     int   `json:"incidents"`
	Acknowledge   Times `json:"time_to_acknowledge"`
	Resolve       Times `json:"time_to_resolve"`
	Misclassified Rate  `json:"misclassified"` // of final true positives
	Undetermined  Rate  `json:"undetermined"`  // of closed
	Reopened      Rate  `json:"reopened"`      // of closed
	Escalated     Rate  `json:"escalated"`     // of all
}

// Group is one technique, tactic or analyst, or (by analyst) one
// analyst's incidents of one tactic or technique.
type Group struct {
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"`
	Analyst string `json:"analyst,omitempty"`   // of an analyst's tactic or technique
	Attack  string `json:"attack_id,omitempty"` // the tactic or technique of an analyst's group
	Metrics
}

// Ref names an ATT&CK object.
type Ref struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// Practice is what to practise to close a gap.
type Practice struct {
	URL                 string   `json:"url,omitempty"` // the ATT&CK page
	DetectionStrategies []Ref    `json:"detection_strategies,omitempty"`
	DataComponents      []Ref    `json:"data_components,omitempty"`
	Incidents           []string `json:"incidents,omitempty"` // the team's own past incidents of it, newest first
}

// Gap is a metric on which a group differs significantly from the team.
type Gap struct {
	ID       string     `json:"id"`
	Name     string     `json:"name,omitempty"`
	Analyst  string     `json:"analyst,omitempty"`   // as in Group
	Attack   string     `json:"attack_id,omitempty"` // as in Group
	Metric   string     `json:"metric"`
	Team     float64    `json:"team"`     // hours for times, a share for rates
	Group    float64    `json:"group"`    // the same for the group
	Ratio    float64    `json:"ratio"`    // group ÷ team; for times, within the same final verdict
	Interval [2]float64 `json:"interval"` // about 95%, of Group
	N        int        `json:"n"`
	P        float64    `json:"p"`
	Q        float64    `json:"q"`
	Practise *Practice  `json:"practise,omitempty"`
}

// Result is what Analyse found.
type Result struct {
	By        Dimension `json:"by"`
	MinSample int       `json:"min_sample"`
	FDR       float64   `json:"fdr"`
	Team      Metrics   `json:"team"`
	Groups    []Group   `json:"groups"`    // by incidents, descending
	Gaps      []Gap     `json:"gaps"`      // worse than the team, by q
	Strengths []Gap     `json:"strengths"` // better than the team, by q
}

// Analyse groups ins (each with its history and comments) by opts.By and
// compares each group with the team.
func Analyse(ins []debrief.Incident, opts Options) (*Result, error) {
	hs := make([]debrief.HandlingFacts, len(ins))
	for i := range ins {
		hs[i] = Facts(&ins[i])
	}
	return AnalyseFacts(hs, opts)
}

// AnalyseFacts is Analyse over the incidents' handling facts (see
// debrief.HandlingStore).
func AnalyseFacts(hs []debrief.HandlingFacts, opts Options) (*Result, error) {
	opts.defaults()
	if len(hs) == 0 {
		return nil, fmt.Errorf("skill: no incidents")
	}
	fs := make([]facts, len(hs))
	all := make([]int32, len(hs))
	for i := range hs {
		fs[i] = factsOf(&hs[i])
		all[i] = int32(i)
	}
	groups := groupBy(hs, fs, opts.By)
	var combos map[string]combo
	if opts.By == ByAnalyst {
		combos = analystCombos(hs, fs, groups, opts.MinSample)
	}
	res := &Result{By: opts.By, MinSample: opts.MinSample, FDR: opts.FDR, Team: metrics(fs, all)}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		g := Group{ID: k, Name: name(opts.Catalog, opts.By, k), Metrics: metrics(fs, groups[k])}
		if cb, ok := combos[k]; ok {
			g.Analyst, g.Attack, g.Name = cb.analyst, cb.attack, name(opts.Catalog, cb.of, cb.attack)
		}
		res.Groups = append(res.Groups, g)
	}
	slices.SortStableFunc(res.Groups, func(a, b Group) int { return b.Incidents - a.Incidents })
	strata, width := stratify(hs, fs, opts.By)
	c := newComparer(fs, strata, width)
	var cands []cand
	for _, g := range res.Groups {
		cb, isCombo := combos[g.ID]
		dim := opts.By
		if isCombo {
			dim = cb.dim()
		}
		for _, gp := range c.compare(g, groups[g.ID], cb.within, res.Team, opts) {
			gp.Analyst, gp.Attack = g.Analyst, g.Attack
			cands = append(cands, cand{gp, dim, groups[g.ID]})
		}
	}
	sig := significant(cands, opts.FDR)
	if combos != nil {
		sig = c.beyondAnalyst(sig, groups, combos, opts)
	}
	explainers := slices.Clone(sig)
	if other := otherDimension(opts.By); other != "" {
		explainers = append(explainers, c.all(hs, fs, other, res.Team, opts)...)
		explainers = append(explainers, c.all(hs, fs, bySubTechnique, res.Team, opts)...)
	}
	res.flag(c.explainAway(sig, explainers, opts), opts)
	for i := range res.Gaps {
		g := &res.Gaps[i]
		dim, id := opts.By, g.ID
		if cb, ok := combos[g.ID]; ok {
			dim, id = cb.of, cb.attack
		}
		g.Practise = practise(opts, dim, hs, id, groups[g.ID])
	}
	return res, nil
}

// combo is a group of one analyst's incidents of one tactic or technique
// (by analyst), compared with the team's incidents of it.
type combo struct {
	analyst, attack string
	of              Dimension // ByTactic or ByTechnique
	within          []int32   // the team's incidents of it
}

// dim is the dimension of the combo's candidates, distinct from the
// analysts' own.
func (cb combo) dim() Dimension { return ByAnalyst + "×" + cb.of }

// analystCombos adds to groups, for each analyst and each tactic and
// technique, the analyst's incidents of it when both they and the rest of
// the team's incidents of it number at least minSample. It keys them
// "analyst/id".
func analystCombos(hs []debrief.HandlingFacts, fs []facts, groups map[string][]int32, minSample int) map[string]combo {
	combos := map[string]combo{}
	for _, of := range []Dimension{ByTactic, ByTechnique} {
		for id, idx := range groupBy(hs, fs, of) {
			per := map[string][]int32{}
			for _, i := range idx {
				if o := fs[i].owner; o != "" {
					per[o] = append(per[o], i)
				}
			}
			for o, oi := range per {
				if len(oi) < minSample || len(idx)-len(oi) < minSample {
					continue
				}
				k := o + "/" + id
				groups[k] = oi
				combos[k] = combo{analyst: o, attack: id, of: of, within: idx}
			}
		}
	}
	return combos
}

// beyondAnalyst drops the significant analyst's groups of a tactic or
// technique whose effect is the analyst's own on all their incidents: a
// combo stays only when, among the analyst's incidents alike (the strata
// split by the analyst), it still differs significantly, by at least
// MinRatio, the same way. (An analyst slower on everything is the
// analyst's gap, flagged or not by its own size, not one per tactic.)
func (c *comparer) beyondAnalyst(sig []cand, groups map[string][]int32, combos map[string]combo, opts Options) []cand {
	var out []cand
	for _, g := range sig {
		if cb, ok := combos[g.ID]; ok {
			p, size := c.effect(g, cand{idx: groups[cb.analyst]})
			if p > opts.FDR || size < math.Log(opts.MinRatio) {
				continue
			}
		}
		out = append(out, g)
	}
	return out
}

// cand is a tested metric of a group, with the group's incidents.
type cand struct {
	Gap
	dim Dimension
	idx []int32
}

// otherDimension is the dimension whose groups may explain away the
// effects of groups of d: tactics for techniques and techniques for
// tactics.
func otherDimension(d Dimension) Dimension {
	switch d {
	case ByTechnique:
		return ByTactic
	case ByTactic:
		return ByTechnique
	}
	return ""
}

// all tests every group of dimension d and returns the significant ones.
func (c *comparer) all(hs []debrief.HandlingFacts, fs []facts, d Dimension, team Metrics, opts Options) []cand {
	var cands []cand
	for k, idx := range groupBy(hs, fs, d) {
		g := Group{ID: k, Metrics: metrics(fs, idx)}
		for _, gp := range c.compare(g, idx, nil, team, opts) {
			cands = append(cands, cand{gp, d, idx})
		}
	}
	return significant(cands, opts.FDR)
}

// significant sets the Benjamini–Hochberg q value of each candidate and
// returns those at most fdr.
func significant(cands []cand, fdr float64) []cand {
	ps := make([]float64, len(cands))
	for i := range cands {
		ps[i] = cands[i].P
	}
	var out []cand
	for i, q := range bhAdjust(ps) {
		cands[i].Q = q
		if q <= fdr {
			out = append(out, cands[i])
		}
	}
	return out
}

// explainAway drops each significant group whose effect another group
// (a technique, sub-technique or tactic moving the same metric the same
// way by at least MinRatio) explains. Among incidents alike in the other group (the strata
// split by it), this one no longer differs significantly (at FDR divided
// by the number of such other groups: it must hold against each) by at
// least MinRatio, or its effect is less than Dominance of the other's among
// incidents alike in this one (log ratios), while the other's effect
// survives. When neither survives, the one with the smaller p value stays
// (so two groups of the same incidents do not both vanish). A technique and
// its sub-technique never explain each other away.
func (c *comparer) explainAway(sig, explainers []cand, opts Options) []Gap {
	var kept []Gap
	for _, g := range sig {
		if !c.explained(g, explainers, opts) {
			kept = append(kept, g.Gap)
		}
	}
	return kept
}

func (c *comparer) explained(g cand, explainers []cand, opts Options) bool {
	minSize := math.Log(opts.MinRatio)
	var rivals []cand
	for _, h := range explainers {
		if (h.ID != g.ID || h.dim != g.dim) && h.Metric == g.Metric && math.Abs(math.Log(h.Ratio)) >= minSize &&
			(h.Ratio > 1) == (g.Ratio > 1) && !related(g.ID, h.ID) {
			rivals = append(rivals, h)
		}
	}
	alpha := opts.FDR / float64(max(len(rivals), 1))
	for _, h := range rivals {
		pg, sg := c.effect(g, h)
		ph, sh := c.effect(h, g)
		gOK, hOK := pg <= alpha && sg >= minSize, ph <= opts.FDR && sh >= minSize
		switch {
		case gOK && hOK && sg < opts.Dominance*sh:
			return true
		case !gOK && (hOK || h.P < g.P):
			return true
		}
	}
	return false
}

// related says whether a and b are a technique and one of its
// sub-techniques: a sub-technique does not explain away its parent.
func related(a, b string) bool {
	return strings.HasPrefix(a, b+".") || strings.HasPrefix(b, a+".")
}

func groupBy(hs []debrief.HandlingFacts, fs []facts, d Dimension) map[string][]int32 {
	groups := map[string][]int32{}
	var keys []string
	for i := range hs {
		keys = keys[:0]
		switch d {
		case ByTactic:
			for _, t := range hs[i].Tactics {
				keys = appendUnique(keys, t)
			}
		case ByAnalyst:
			if fs[i].owner != "" {
				keys = append(keys, fs[i].owner)
			}
		case bySubTechnique:
			for _, t := range hs[i].Techniques {
				if t.Parent() != t {
					keys = appendUnique(keys, string(t))
				}
			}
		default:
			for _, t := range hs[i].Techniques {
				keys = appendUnique(keys, string(t.Parent()))
			}
		}
		for _, k := range keys {
			groups[k] = append(groups[k], int32(i))
		}
	}
	return groups
}

func appendUnique(s []string, v string) []string {
	if slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

func metrics(fs []facts, idx []int32) Metrics {
	m := Metrics{Incidents: len(idx)}
	tta, ttr := make([]float64, 0, len(idx)), make([]float64, 0, len(idx))
	for _, i := range idx {
		f := &fs[i]
		if !math.IsNaN(f.tta) {
			tta = append(tta, f.tta)
		}
		if !math.IsNaN(f.ttr) {
			ttr = append(ttr, f.ttr)
		}
		if f.tp {
			m.Misclassified.Of++
			m.Misclassified.Count += b2i(f.misclassified)
		}
		if f.closed {
			m.Undetermined.Of++
			m.Undetermined.Count += b2i(f.undetermined)
			m.Reopened.Of++
			m.Reopened.Count += b2i(f.reopened)
		}
		m.Escalated.Of++
		m.Escalated.Count += b2i(f.handedOver)
	}
	m.Acknowledge, m.Resolve = summarise(tta), summarise(ttr)
	for _, r := range []*Rate{&m.Misclassified, &m.Undetermined, &m.Reopened, &m.Escalated} {
		if r.Of > 0 {
			r.Value = float64(r.Count) / float64(r.Of)
		}
	}
	return m
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func summarise(xs []float64) Times {
	if len(xs) == 0 {
		return Times{}
	}
	orderStats(xs, append(quantilePlaces(len(xs), 0.5), quantilePlaces(len(xs), 0.9)...)...)
	return Times{N: len(xs), Median: quantile(xs, 0.5), P90: quantile(xs, 0.9)}
}

func (r *Result) flag(sig []Gap, opts Options) {
	r.Gaps, r.Strengths = []Gap{}, []Gap{}
	for _, g := range sig {
		switch {
		case g.Ratio >= opts.MinRatio:
			r.Gaps = append(r.Gaps, g)
		case g.Ratio <= 1/opts.MinRatio:
			r.Strengths = append(r.Strengths, g)
		}
	}
	byQ := func(a, b Gap) int {
		return cmp.Or(cmp.Compare(a.Q, b.Q), cmp.Compare(b.Ratio, a.Ratio), strings.Compare(a.ID, b.ID))
	}
	slices.SortFunc(r.Gaps, byQ)
	slices.SortFunc(r.Strengths, byQ)
}

func name(cat *attack.Catalog, d Dimension, key string) string {
	if cat == nil {
		return ""
	}
	switch d {
	case ByTechnique:
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
