package review

import (
	"fmt"
	"strings"

	"github.com/debrief-dev/debrief"
)

// Section is a part of the review that an analysis outside this package
// (coverage, attribution, trend, skill, playbooks) contributes. Renderers
// draw every section the same way, in the order given, without knowing
// which analysis made it: a title, a summary, facts, tables and technique
// scores.
type Section struct {
	ID      string  `json:"id"`               // stable, lower-case, e.g. "coverage"
	Title   string  `json:"title"`            // e.g. "Detection coverage for this adversary"
	Summary string  `json:"summary"`          // one paragraph
	Facts   []Fact  `json:"facts,omitempty"`  // label: value lines
	Tables  []Table `json:"tables,omitempty"` // tabular results
	Scores  *Scores `json:"scores,omitempty"` // technique scores, drawn as a heatmap
}

// Fact is one labelled value.
type Fact struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Table is a titled table of text cells. Every row has len(Columns) cells.
type Table struct {
	Title   string     `json:"title,omitempty"`
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
}

// Scores are numbers an analysis gives techniques, such as a detection
// coverage score or an attribution weight, with the range they fall in.
type Scores struct {
	Label string           `json:"label"` // what the score measures
	Min   float64          `json:"min"`
	Max   float64          `json:"max"` // greater than Min
	Items []TechniqueScore `json:"items"`
}

// Title words the scores for a heading: the label with its range, "detection
// score (0–5)", unless the label gives the range already.
func (sc *Scores) Title() string {
	r := fmt.Sprintf("(%g–%g)", sc.Min, sc.Max)
	if strings.Contains(sc.Label, r) {
		return sc.Label
	}
	return strings.TrimSpace(sc.Label + " " + r)
}

// TechniqueScore is one technique's score, optionally under one tactic.
type TechniqueScore struct {
	Technique debrief.TechniqueID `json:"technique"`
	Tactic    string              `json:"tactic,omitempty"` // shortname
	Score     float64             `json:"score"`
	Comment   string              `json:"comment,omitempty"`
}

// Fraction places s in the range as 0…1, clamped.
func (sc *Scores) Fraction(s float64) float64 {
	if sc.Max <= sc.Min {
		return 0
	}
	f := (s - sc.Min) / (sc.Max - sc.Min)
	return min(max(f, 0), 1)
}
