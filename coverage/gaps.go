package coverage

import (
	"cmp"
	"slices"

	"github.com/debrief-dev/debrief"
)

// Gap is a technique of a threat profile the team does not fully cover.
type Gap struct {
	ID        debrief.TechniqueID `json:"id"`
	Name      string              `json:"name"`
	Weight    float64             `json:"weight"`          // in the profile, 0–1
	Coverage  float64             `json:"coverage"`        // today, 0–1
	Priority  float64             `json:"priority"`        // weight × (1 − coverage)
	Suggested []string            `json:"suggested_rules"` // reference rules that would close it
}

// GapReport ranks a profile's gaps and says what the suggested rules would
// change.
type GapReport struct {
	Profile string  `json:"profile"`
	Before  float64 `json:"before"` // weighted coverage of the profile, 0–1
	After   float64 `json:"after"`  // the same with every suggested rule added
	Added   int     `json:"added"`  // distinct suggested rules
	Gaps    []Gap   `json:"gaps"`
}

// GapOptions tune Gaps.
type GapOptions struct {
	Reference []debrief.Rule // a reference corpus to suggest rules from; may be nil
	PerGap    int            // suggested rules per gap; 0 means 5
}

// ProfileCoverage is the weighted mean coverage of the profile's
// techniques that the result knows (0–1).
func (r *Result) ProfileCoverage(p Profile) float64 {
	var sum, total float64
	for id, w := range p.Weights {
		if t, ok := r.Technique(id); ok {
			sum += w * t.Coverage
			total += w
		}
	}
	if total == 0 {
		return 0
	}
	return roundTo(sum/total, 1000)
}

// Gaps ranks the profile's techniques by weight × missing coverage and
// suggests reference rules for each whose log sources the team has. team
// and opts must be those the result was computed from.
func (r *Result) Gaps(p Profile, team []debrief.Rule, opts Options, g GapOptions) GapReport {
	per := cmp.Or(g.PerGap, 5)
	rep := GapReport{Profile: p.Name, Before: r.ProfileCoverage(p), Gaps: []Gap{}}
	candidates := usable(g.Reference, opts)
	added := map[string]bool{}
	var extra []debrief.Rule
	for id, w := range p.Weights {
		t, ok := r.Technique(id)
		if !ok || w == 0 || t.Coverage >= 1 {
			continue
		}
		gap := Gap{ID: id, Name: t.Name, Weight: w, Coverage: t.Coverage, Priority: roundTo(w*(1-t.Coverage), 1000), Suggested: []string{}}
		for _, c := range candidates {
			if len(gap.Suggested) == per {
				break
			}
			if closes(c.rule, id) {
				gap.Suggested = append(gap.Suggested, c.rule.ID)
				if !added[c.rule.ID] {
					added[c.rule.ID] = true
					extra = append(extra, *c.rule)
				}
			}
		}
		rep.Gaps = append(rep.Gaps, gap)
	}
	slices.SortFunc(rep.Gaps, func(a, b Gap) int { return cmp.Or(cmp.Compare(b.Priority, a.Priority), cmp.Compare(a.ID, b.ID)) })
	rep.Added = len(extra)
	rep.After = rep.Before
	if len(extra) > 0 {
		rep.After = Compute(append(slices.Clip(team), extra...), opts).ProfileCoverage(p)
	}
	return rep
}

type candidate struct {
	rule *debrief.Rule
	w    float64
}

// usable lists the reference rules that count and whose log sources the
// team has, heaviest first.
func usable(ref []debrief.Rule, opts Options) []candidate {
	var out []candidate
	for i := range ref {
		w := Weight(&ref[i], false)
		if w > 0 && opts.LogSources.Has(opts.Catalog, &ref[i]) {
			out = append(out, candidate{&ref[i], w})
		}
	}
	slices.SortStableFunc(out, func(a, b candidate) int { return cmp.Or(cmp.Compare(b.w, a.w), cmp.Compare(a.rule.ID, b.rule.ID)) })
	return out
}

// closes reports whether rule r detects id, or a sub-technique of id.
func closes(r *debrief.Rule, id debrief.TechniqueID) bool {
	for _, t := range r.Techniques {
		if t == id || !id.IsSub() && t.IsSub() && t.Parent() == id {
			return true
		}
	}
	return false
}
