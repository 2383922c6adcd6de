// Package coveragereport is the JSON of a detection coverage report, built
// in one place for the CLI's "coverage --format json" and the server's
// GET /api/v1/coverage.
package coveragereport

import (
	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/coverage"
	"github.com/debrief-dev/debrief/rules"
)

// Report is a team's coverage of ATT&CK and the gaps of one threat profile.
type Report struct {
	Profile    string               `json:"profile"`
	Before     float64              `json:"coverage_before"`
	After      float64              `json:"coverage_after"`
	Added      int                  `json:"suggested_rules_added"`
	Rules      int                  `json:"rules"`
	Invalid    []string             `json:"invalid_files"`
	Unknown    map[string]int       `json:"unknown_ids"`
	IDs        rules.IDUses         `json:"ids"`            // the rules' ids not read as tagged, with their files
	Unmapped   []string             `json:"unmapped_rules"` // files of the rules that carry no technique
	Techniques []coverage.Technique `json:"techniques"`
	Gaps       []coverage.Gap       `json:"gaps"`
}

// New reports the team's rules, scored as res, with the gaps of a threat
// profile; invalid are the rule files that could not be read, as text.
// The lists of files are empty, not null, when there is nothing in them.
func New(team []debrief.Rule, res *coverage.Result, gaps coverage.GapReport, invalid []string) Report {
	r := Report{Profile: gaps.Profile, Before: gaps.Before, After: gaps.After, Added: gaps.Added, Rules: res.Rules,
		Invalid: invalid, Unknown: res.Unknown, IDs: rules.Uses(team), Unmapped: rules.Unmapped(team),
		Techniques: res.Techniques, Gaps: gaps.Gaps}
	for _, l := range []*[]string{&r.Invalid, &r.Unmapped} {
		if *l == nil {
			*l = []string{}
		}
	}
	return r
}
