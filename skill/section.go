package skill

import (
	"fmt"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/review"
)

// Section returns the review section that says which of the incident's
// techniques and tactics the team is significantly slow or error-prone on,
// from results of Analyse by technique and by tactic (either may be nil).
// It has no table when none are.
func Section(in *debrief.Incident, results ...*Result) review.Section {
	s := review.Section{ID: "skill-gaps", Title: "Where the team is slow on this incident's techniques"}
	tb := review.Table{Columns: []string{"Technique or tactic", "Metric", "Team", "Here", "Practise"}}
	mine := map[string]bool{}
	for _, t := range in.Techniques {
		mine[string(t.Parent())] = true
	}
	for _, t := range in.Tactics {
		mine[t] = true
	}
	for _, r := range results {
		if r == nil {
			continue
		}
		for _, g := range r.Gaps {
			if !mine[g.ID] {
				continue
			}
			url := ""
			if g.Practise != nil {
				url = g.Practise.URL
			}
			tb.Rows = append(tb.Rows, []string{strings.TrimSpace(g.ID + " " + g.Name), g.Metric, format(g.Metric, g.Team), format(g.Metric, g.Group), url})
		}
	}
	if len(tb.Rows) == 0 {
		s.Summary = "The team handles this incident's techniques and tactics no worse than its other incidents (no significant gap)."
		return s
	}
	s.Summary = fmt.Sprintf("%d significant gap(s) in how the team handles this incident's techniques and tactics; practise them before the next one.", len(tb.Rows))
	s.Tables = []review.Table{tb}
	return s
}

func format(metric string, v float64) string {
	if metric == MetricTTA || metric == MetricTTR {
		return fmt.Sprintf("%.1f h", v)
	}
	return fmt.Sprintf("%.1f%%", 100*v)
}
