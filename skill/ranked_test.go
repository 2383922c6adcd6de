package skill

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRankedOwnSameAsWalk checks that the test and the relative values
// found from a group's own incidents (no split) equal those of the walk
// over every value of the strata the group touches, on values with many
// ties (as copies of a history have) and unknowns.
func TestRankedOwnSameAsWalk(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 50 {
		n := 50 + rng.IntN(2000)
		vals, strata := make([]float64, n), make([]int32, n)
		for i := range vals {
			switch rng.IntN(10) {
			case 0:
				vals[i] = nan
			case 1, 2:
				vals[i] = float64(rng.IntN(4)) // ties
			default:
				vals[i] = math.Round(rng.NormFloat64()*100) / 10
			}
			strata[i] = int32(rng.IntN(1 + trial))
		}
		fast := newRanked(vals, strata)
		slow := newRanked(vals, strata)
		slow.pos = nil
		in := make([]bool, n)
		var cur []int32
		for i := range in {
			if rng.IntN(1+trial%5) == 0 {
				in[i] = true
				cur = append(cur, int32(i))
			}
		}
		pf, nf, okf := fast.test(nil, in, cur, 1)
		ps, ns, oks := slow.test(nil, in, cur, 1)
		if pf != ps || nf != ns || okf != oks {
			t.Errorf("trial %d: test gives p %v n %d ok %v from the group, p %v n %d ok %v from the walk", trial, pf, nf, okf, ps, ns, oks)
		}
		rf, rs := fast.relative(nil, in, cur), slow.relative(nil, in, cur)
		if !slices.Equal(rf, rs) {
			t.Errorf("trial %d: relative values differ: %d from the group, %d from the walk", trial, len(rf), len(rs))
		}
	}
}
