package coverage_test

import (
	"path/filepath"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/coverage"
)

// TestFromFiles scores rule files end to end (decoder, Normalise,
// Compute): one row per case the issue names.
func TestFromFiles(t *testing.T) {
	dir := filepath.Join("..", "rules", "sigma", "testdata")
	tests := []struct {
		name       string
		files      []string
		deprecated bool
		scores     map[debrief.TechniqueID]float64
		unknown    []string
		invalid    int
	}{
		{name: "sub-technique rolls up to its parent, partially",
			files:  []string{"plain.yml"}, // test, high: weight 0.8
			scores: map[debrief.TechniqueID]float64{"T1548.002": 1.6, "T1548": 0.9}},
		{name: "revoked id scores its successor",
			files:  []string{"revoked.yml"}, // T1086, stable medium
			scores: map[debrief.TechniqueID]float64{"T1059.001": 1.6, "T1059": 0.9}},
		{name: "v19 ids score their v18 technique; unknown ids are counted, not scored",
			files:   []string{"v19.yml"}, // experimental low, 0.36: T1685 → T1562.001, T1685.001 → T1562.002, T1562 tagged itself
			scores:  map[debrief.TechniqueID]float64{"T1562.001": 0.8, "T1562.002": 0.8, "T1562": 0.8},
			unknown: []string{"T1690"}},
		{name: "deprecated rule does not count",
			files:  []string{"deprecated.yml"},
			scores: map[debrief.TechniqueID]float64{"T1003.001": 0, "T1003": 0}},
		{name: "deprecated rule counts when asked",
			files: []string{"deprecated.yml"}, deprecated: true, // 0.3 × critical 1
			scores: map[debrief.TechniqueID]float64{"T1003.001": 0.7, "T1003": 0.4}},
		{name: "invalid files are reported and the rest still count",
			files: []string{"syntax.bad.yml", "plain.yml", "empty.bad.yml"}, invalid: 2,
			scores: map[debrief.TechniqueID]float64{"T1548.002": 1.6}},
	}
	cat := catalog(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set, _ := loadRules(t, cat, dir, tc.files)
			if len(set.Invalid) != tc.invalid {
				t.Errorf("%d invalid files, want %d: %v", len(set.Invalid), tc.invalid, set.Invalid)
			}
			res := coverage.Compute(set.Rules, coverage.Options{Catalog: cat, IncludeDeprecated: tc.deprecated})
			for id, want := range tc.scores {
				got, ok := res.Technique(id)
				if !ok || got.Score != want {
					t.Errorf("%s: score %v, want %v", id, got.Score, want)
				}
			}
			if len(res.Unknown) != len(tc.unknown) {
				t.Errorf("unknown %v, want %v", res.Unknown, tc.unknown)
			}
			for _, id := range tc.unknown {
				if res.Unknown[id] == 0 {
					t.Errorf("unknown %v lacks %s", res.Unknown, id)
				}
			}
		})
	}
}
