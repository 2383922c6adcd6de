package coverage

import (
	"fmt"
	"slices"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/review"
)

// Seen says how an incident's technique came to light.
type Seen string

// The ways a technique is seen.
const (
	Detected    Seen = "detected" // an alert raised by one of the team's rules carries it
	ProductOnly Seen = "product"  // only alerts of products' built-in analytics carry it
	Unseen      Seen = "unseen"   // on the incident, but on none of its alerts (found by investigation)
)

// Observation is one technique of an incident and how it was seen.
type Observation struct {
	ID        debrief.TechniqueID `json:"id"`
	Seen      Seen                `json:"seen"`
	Fired     []string            `json:"fired,omitempty"`      // team rules whose alerts carry it
	Products  []string            `json:"products,omitempty"`   // products whose own alerts carry it
	CoveredBy []string            `json:"covered_by,omitempty"` // team rules mapped to it, fired or not
	// Late is set when the first alert carrying the technique came after
	// alerts carrying techniques of later kill-chain stages (After).
	Late  bool                  `json:"late,omitempty"`
	After []debrief.TechniqueID `json:"after,omitempty"`
}

// Incident tells, for each technique of the incident (its own list and
// its alerts'), whether one of the team's rules detected it, only a
// product's built-in analytics did, or no alert did, and whether it was
// seen late (see Late). An alert is the team's when its rule id or rule
// name equals a team rule's id (with or without the corpus prefix) or
// title, ignoring case. Kill-chain stages come from the tactics the
// alerts give, in Enterprise matrix order; IncidentIn also asks a
// catalog.
func Incident(in *debrief.Incident, team []debrief.Rule) []Observation {
	return IncidentIn(nil, in, team)
}

// IncidentIn is Incident with tactic spellings folded by cat ("TA0002")
// and cat's tactics for a technique whose alerts name none. A nil cat is
// Incident.
func IncidentIn(cat *attack.Catalog, in *debrief.Incident, team []debrief.Rule) []Observation {
	byKey := map[string]*debrief.Rule{}
	for i := range team {
		r := &team[i]
		byKey[strings.ToLower(r.ID)] = r
		if _, bare, ok := strings.Cut(r.ID, ":"); ok {
			byKey[strings.ToLower(bare)] = r
		}
		if r.Title != "" {
			byKey[strings.ToLower(r.Title)] = r
		}
	}
	var out []Observation
	for _, id := range incidentTechniques(in) {
		o := Observation{ID: id, Seen: Unseen}
		for _, a := range in.Alerts {
			if !slices.ContainsFunc(a.Techniques, func(t debrief.Technique) bool { return t.ID == id }) {
				continue
			}
			if r := ruleOf(byKey, &a); r != nil {
				o.Fired = appendNew(o.Fired, r.ID)
			} else {
				o.Products = appendNew(o.Products, strings.TrimSpace(a.Product+" "+a.DetectionSource))
			}
		}
		switch {
		case len(o.Fired) > 0:
			o.Seen = Detected
		case len(o.Products) > 0:
			o.Seen = ProductOnly
		}
		for i := range team {
			if slices.Contains(team[i].Techniques, id) {
				o.CoveredBy = appendNew(o.CoveredBy, team[i].ID)
			}
		}
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b Observation) int { return strings.Compare(string(a.ID), string(b.ID)) })
	markLate(out, in, cat)
	return out
}

func ruleOf(byKey map[string]*debrief.Rule, a *debrief.Alert) *debrief.Rule {
	for _, k := range []string{a.RuleID, a.RuleName} {
		if r := byKey[strings.ToLower(strings.TrimSpace(k))]; k != "" && r != nil {
			return r
		}
	}
	return nil
}

func appendNew(s []string, v string) []string {
	if v == "" || slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// Section is the review's detection-coverage section for one incident:
// how each technique was seen, its score, and (with a result) the
// techniques of the likely actor's profile the team cannot detect.
func Section(obs []Observation, res *Result, actor *Profile) review.Section {
	s := review.Section{ID: "coverage", Title: "Detection coverage"}
	n := map[Seen]int{}
	t := review.Table{Title: "Techniques of this incident", Columns: []string{"technique", "seen", "our rules that fired", "our rules mapped", "score"}}
	sc := &review.Scores{Label: "detection score (0–5)", Min: 0, Max: 5}
	late := 0
	for _, o := range obs {
		n[o.Seen]++
		seen := string(o.Seen)
		if o.Late {
			late++
			seen += ", late (after " + joinIDs(o.After) + ")"
		}
		score := 0.0
		if res != nil {
			if ct, ok := res.Technique(o.ID); ok {
				score = ct.Score
			}
		}
		t.Rows = append(t.Rows, []string{string(o.ID), seen, strings.Join(o.Fired, ", "), fmt.Sprint(len(o.CoveredBy)), fmt.Sprintf("%.1f", score)})
		sc.Items = append(sc.Items, review.TechniqueScore{Technique: o.ID, Score: score, Comment: seen})
	}
	s.Summary = fmt.Sprintf("Of %d techniques, our rules detected %d, products' own analytics alone %d, and %d were found only by investigation.",
		len(obs), n[Detected], n[ProductOnly], n[Unseen])
	if late > 0 {
		s.Summary += fmt.Sprintf(" %d were seen late, after techniques of later stages.", late)
	}
	s.Tables = append(s.Tables, t)
	if res != nil && actor != nil {
		s.Tables = append(s.Tables, blind(res, *actor))
	}
	if len(sc.Items) > 0 {
		s.Scores = sc
	}
	return s
}

// blind lists the profile's techniques with score 0.
func blind(res *Result, p Profile) review.Table {
	t := review.Table{Title: "Techniques of " + p.Name + " we cannot detect", Columns: []string{"technique", "name", "weight"}}
	var ids []debrief.TechniqueID
	for id := range p.Weights {
		if ct, ok := res.Technique(id); ok && ct.Score == 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		ct, _ := res.Technique(id)
		t.Rows = append(t.Rows, []string{string(id), ct.Name, fmt.Sprintf("%.2f", p.Weights[id])})
	}
	return t
}
