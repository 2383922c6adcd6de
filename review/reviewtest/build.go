package reviewtest

import (
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/d3fend"
	"github.com/debrief-dev/debrief/review"
)

// Options are the options of the fixed reviews: the embedded ATT&CK and
// D3FEND catalogs, the baseline of History and the clock Now.
func Options(t testing.TB) review.Options {
	t.Helper()
	c, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	d, err := d3fend.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return review.Options{Catalog: c, D3FEND: d, Now: Now, Baseline: review.NewBaseline(History(), Now())}
}

// Build builds the review of the incidents with Options, failing t on
// error.
func Build(t testing.TB, in ...*debrief.Incident) *review.Review {
	t.Helper()
	r, err := review.Build(in, Options(t))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Sections are two sections an analysis could contribute: one with facts,
// a table and technique scores, and one nearly empty.
func Sections() []review.Section {
	return []review.Section{{
		ID: "coverage", Title: "Detection coverage for this adversary",
		Summary: "Rules that map to the techniques seen, and the gaps.",
		Facts:   []review.Fact{{Label: "Rules loaded", Value: "3,780"}, {Label: "Techniques without a rule", Value: "2"}},
		Tables: []review.Table{{Title: "Gaps", Columns: []string{"Technique", "Rules", "Suggested rule"},
			Rows: [][]string{{"T1547.001", "0", "Registry Run Keys Modification"}, {"T1021.001", "1", "—"}}}},
		Scores: &review.Scores{Label: "detection score", Min: 0, Max: 5, Items: []review.TechniqueScore{
			{Technique: "T1566.001", Tactic: "initial-access", Score: 4, Comment: "3 rules"},
			{Technique: "T1547.001", Tactic: "persistence", Score: 0, Comment: "no rule"},
		}},
	}, {ID: "attribution", Title: "Attribution", Summary: "No confident match."}}
}

// Slice lists incidents, for review.Build.
func Slice(in ...*debrief.Incident) []*debrief.Incident { return in }
