// Package storefixture builds the store that the tests and benchmarks of
// the analyses read: a SQLite store in memory holding a simulated history.
// Only tests import it.
package storefixture

import (
	"context"
	"fmt"
	"testing"

	"github.com/debrief-dev/debrief/simulate"
	"github.com/debrief-dev/debrief/sqlite"
	"github.com/debrief-dev/debrief/storetest"
)

// Simulated opens a SQLite store in memory and writes into it the history
// a simulate.Generator with opts makes, as storetest.WriteSimulated does:
// every incident as its export shows it at the end of each day it changed
// on, with its alerts. It returns the store and the history's ground truth.
func Simulated(ctx context.Context, opts simulate.Options) (*sqlite.Store, *simulate.GroundTruth, error) {
	gn, err := simulate.NewGenerator(opts)
	if err != nil {
		return nil, nil, fmt.Errorf("simulated store: %w", err)
	}
	st, err := sqlite.Open(ctx, sqlite.Memory)
	if err != nil {
		return nil, nil, fmt.Errorf("simulated store: %w", err)
	}
	if _, err := storetest.WriteGenerated(ctx, st, gn); err != nil {
		st.Close()
		return nil, nil, fmt.Errorf("simulated store: %w", err)
	}
	return st, gn.Truth(), nil
}

// Open is Simulated for one test or benchmark: it fails tb on an error,
// and closes the store when tb ends.
func Open(tb testing.TB, opts simulate.Options) (*sqlite.Store, *simulate.GroundTruth) {
	tb.Helper()
	st, truth, err := Simulated(tb.Context(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	return st, truth
}
