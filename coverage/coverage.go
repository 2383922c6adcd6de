package coverage

import (
	"math"
	"slices"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
)

// Options tune Compute.
type Options struct {
	Catalog           *attack.Catalog // required
	Domain            string          // "" means enterprise-attack
	IncludeDeprecated bool            // count deprecated and unsupported rules (at 0.3)
	// LogSources the team collects; nil leaves visibility unassessed.
	LogSources *LogSources
}

// Technique is the coverage of one technique or sub-technique.
type Technique struct {
	ID         debrief.TechniqueID `json:"id"`
	Name       string              `json:"name"`
	Score      float64             `json:"score"`      // detection score 0–5
	Visibility *float64            `json:"visibility"` // 0–1; nil when not assessed
	Coverage   float64             `json:"coverage"`   // 0–1: score and visibility combined
	Rules      []string            `json:"rules"`      // ids of the rules tagged with it
	SubRules   []string            `json:"sub_rules,omitempty"`
}

// Result is the coverage of every technique of a domain.
type Result struct {
	Techniques []Technique // active techniques and sub-techniques, by id
	Unknown    map[string]int
	Rules      int // rules that counted
	index      map[debrief.TechniqueID]int
}

// Technique returns the coverage of id.
func (r *Result) Technique(id debrief.TechniqueID) (*Technique, bool) {
	i, ok := r.index[id]
	if !ok {
		return nil, false
	}
	return &r.Techniques[i], true
}

// Compute scores every technique of the domain by the rules.
func Compute(rs []debrief.Rule, opts Options) *Result {
	domain := opts.Domain
	if domain == "" {
		domain = "enterprise-attack"
	}
	res := &Result{Unknown: map[string]int{}, index: map[debrief.TechniqueID]int{}}
	for _, t := range opts.Catalog.Techniques(domain) {
		if t.Active() {
			res.index[t.ID] = len(res.Techniques)
			res.Techniques = append(res.Techniques, Technique{ID: t.ID, Name: t.Name, Rules: []string{}})
		}
	}
	direct := make([]float64, len(res.Techniques))
	partial := make([]float64, len(res.Techniques))
	for i := range rs {
		w := Weight(&rs[i], opts.IncludeDeprecated)
		if w == 0 {
			continue
		}
		res.Rules++
		res.add(&rs[i], w, direct, partial)
	}
	for i := range res.Techniques {
		t := &res.Techniques[i]
		t.Score = score(direct[i], partial[i])
		t.Visibility = opts.LogSources.visibility(opts.Catalog, t.ID)
		t.Coverage = combine(t.Score, t.Visibility)
	}
	return res
}

func (res *Result) add(r *debrief.Rule, w float64, direct, partial []float64) {
	for _, id := range r.Unknown {
		res.Unknown[id]++
	}
	for _, id := range r.Techniques {
		if i, ok := res.index[id]; ok {
			direct[i] += w
			res.Techniques[i].Rules = append(res.Techniques[i].Rules, r.ID)
		}
		if !id.IsSub() {
			continue
		}
		if i, ok := res.index[id.Parent()]; ok && !slices.Contains(r.Techniques, id.Parent()) {
			partial[i] += w / 2
			if !slices.Contains(res.Techniques[i].SubRules, r.ID) {
				res.Techniques[i].SubRules = append(res.Techniques[i].SubRules, r.ID)
			}
		}
	}
}

// Weight is how much a rule counts towards a technique's score (see the
// package documentation); 0 for rules that do not count.
func Weight(r *debrief.Rule, includeDeprecated bool) float64 {
	if !r.Enabled {
		return 0
	}
	if r.Corpus == "navigator" {
		if r.Score != nil {
			return max(*r.Score, 0)
		}
		return 1
	}
	var w float64
	switch r.Status {
	case debrief.RuleStable:
		w = 1
	case debrief.RuleTest:
		w = 0.8
	case debrief.RuleExperimental:
		w = 0.6
	case debrief.RuleDeprecated, debrief.RuleUnsupported:
		if !includeDeprecated {
			return 0
		}
		w = 0.3
	default:
		w = 0.7
	}
	switch r.Level {
	case debrief.SeverityCritical, debrief.SeverityHigh:
	case debrief.SeverityLow:
		w *= 0.6
	case debrief.SeverityInformational:
		w *= 0.3
	default:
		w *= 0.8
	}
	if r.Building {
		w /= 2
	}
	return w
}

func score(direct, partial float64) float64 {
	s := 5 * (1 - math.Exp(-(direct+partial)/2))
	if direct == 0 {
		s = min(s, 2.5)
	}
	return math.Round(s*10) / 10
}

func combine(score float64, vis *float64) float64 {
	c := score / 5
	if vis != nil {
		c *= *vis
	}
	return math.Round(c*1000) / 1000
}
