package coverage_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/debrief-dev/debrief/coverage"
	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/rules"
	"github.com/debrief-dev/debrief/rules/sigma"
)

// BenchmarkSigmaCoverage loads every active SigmaHQ rule and scores every
// technique, with the gaps of all of Enterprise ATT&CK: the work behind a
// coverage layer (budget ≤ 1 s).
func BenchmarkSigmaCoverage(b *testing.B) {
	root := testutil.SharedData(b, "rules/sigma")
	var paths []string
	for _, f := range []string{"rules", "rules-emerging-threats", "rules-threat-hunting", "rules-placeholder", "rules-compliance"} {
		paths = append(paths, filepath.Join(root, f))
	}
	cat := catalog(b)
	opts := coverage.Options{Catalog: cat}
	b.ReportAllocs()
	for b.Loop() {
		set, err := rules.Collect(sigma.Load(context.Background(), paths, rules.Options{Catalog: cat}))
		if err != nil {
			b.Fatal(err)
		}
		res := coverage.Compute(set.Rules, opts)
		res.Gaps(coverage.All(cat, ""), set.Rules, opts, coverage.GapOptions{})
	}
}
