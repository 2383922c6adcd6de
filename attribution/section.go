package attribution

import (
	"fmt"
	"strings"

	"github.com/debrief-dev/debrief/review"
)

// Section is the attribution part of a review: the verdict, and the
// candidates with their confidence and explanation.
func Section(r Result) review.Section {
	s := review.Section{ID: "attribution", Title: "Who it resembles"}
	switch {
	case len(r.Candidates) == 0 && r.Reason != "":
		s.Summary = strings.ToUpper(r.Reason[:1]) + r.Reason[1:] + "."
		return s
	case len(r.Candidates) == 0:
		s.Summary = "No ATT&CK group or campaign to compare with."
		return s
	case r.Confident:
		c := r.Candidates[0]
		s.Summary = fmt.Sprintf("The intrusion most resembles %s %s (confidence %.0f%%): %d shared techniques%s.",
			c.ID, c.Name, 100*c.Confidence, len(c.SharedTechniques), softwareClause(c.MatchedSoftware))
	default:
		s.Summary = strings.ToUpper(r.Reason[:1]) + r.Reason[1:] + "; the closest candidates follow, for leads only."
	}
	s.Facts = []review.Fact{
		{Label: "Techniques compared", Value: fmt.Sprint(len(r.Techniques))},
		{Label: "Software and actor names matched", Value: names(append(r.Software, r.Actors...))},
	}
	t := review.Table{Title: "Candidates", Columns: []string{"Rank", "ID", "Kind", "Name", "Confidence", "Shared techniques (rarest first)", "Matched software", "Not seen"}}
	for i, c := range r.Candidates {
		t.Rows = append(t.Rows, []string{fmt.Sprint(i + 1), c.ID, string(c.Kind), c.Name, fmt.Sprintf("%.0f%%", 100*c.Confidence),
			techIDs(c.SharedTechniques), names(c.MatchedSoftware), techIDs(c.MissingTechniques)})
	}
	s.Tables = []review.Table{t}
	return s
}

func softwareClause(rs []Ref) string {
	if len(rs) == 0 {
		return ""
	}
	return " and " + names(rs)
}

func names(rs []Ref) string {
	if len(rs) == 0 {
		return "none"
	}
	var parts []string
	for _, r := range rs {
		parts = append(parts, r.Name+" ("+r.ID+")")
	}
	return strings.Join(parts, ", ")
}

func techIDs(ts []TechniqueRef) string {
	var parts []string
	for _, t := range ts {
		parts = append(parts, string(t.ID))
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, " ")
}
