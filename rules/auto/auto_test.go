package auto_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/rules"
	"github.com/debrief-dev/debrief/rules/auto"
)

// TestCorpora loads each shared corpus folder through auto and checks
// that every rule comes from the expected decoder.
func TestCorpora(t *testing.T) {
	tests := []struct {
		dir, corpus string
		invalid     int
	}{
		{"rules/sigma/rules", "sigma", 0},
		{"rules/elastic/rules_building_block", "elastic", 0},
		{"rules/sentinel", "sentinel", 1},
		{"rules/splunk/detections/application", "splunk", 0},
		{"rules/sigma/other", "navigator", 0},
	}
	for _, tc := range tests {
		t.Run(tc.corpus, func(t *testing.T) {
			dir := testutil.SharedData(t, tc.dir)
			set, err := rules.Collect(auto.Load(context.Background(), []string{dir}, rules.Options{}))
			if err != nil {
				t.Fatal(err)
			}
			if len(set.Invalid) != tc.invalid {
				t.Errorf("%d invalid, want %d: %v", len(set.Invalid), tc.invalid, set.Invalid)
			}
			if len(set.Rules) == 0 {
				t.Fatal("no rules")
			}
			for _, r := range set.Rules {
				if r.Corpus != tc.corpus {
					t.Fatalf("%s: corpus %q, want %q", filepath.Base(r.File), r.Corpus, tc.corpus)
				}
			}
		})
	}
}
