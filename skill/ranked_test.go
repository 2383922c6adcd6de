package skill

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestRankedOwnSameAsWalk checks that the test and the relative values
// found from the group's own incidents (and the splitting group's) equal those of the walk
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
			if rng.IntN(2+trial%5) == 0 {
				in[i] = true
				cur = append(cur, int32(i))
			}
		}
		split := make([]bool, n)
		var splitIdx []int32
		for i := range split {
			if rng.IntN(3) == 0 {
				split[i] = true
				splitIdx = append(splitIdx, int32(i))
			}
		}
		for _, sp := range []struct {
			name  string
			marks members
			idx   []int32
		}{{"no split", nil, nil}, {"split", membersOf(splitIdx, n), splitIdx}} {
			pf, nf, okf := fast.test(sp.marks, sp.idx, in, cur, 1)
			ps, ns, oks := slow.test(sp.marks, sp.idx, in, cur, 1)
			if pf != ps || nf != ns || okf != oks {
				t.Errorf("trial %d, %s: test gives p %v n %d ok %v from the groups, p %v n %d ok %v from the walk", trial, sp.name, pf, nf, okf, ps, ns, oks)
			}
			rf, rs := fast.relative(sp.marks, sp.idx, in, cur), slow.relative(sp.marks, sp.idx, in, cur)
			slices.Sort(rf) // in no particular order
			slices.Sort(rs)
			if !slices.Equal(rf, rs) || len(rf) == 0 && trial > 5 {
				t.Errorf("trial %d, %s: relative values differ or none: %d from the groups, %d from the walk", trial, sp.name, len(rf), len(rs))
			}
		}
	}
}

// TestOrderStats checks that the places orderStats fills hold what a sort
// puts there.
func TestOrderStats(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 200 {
		n := 1 + rng.IntN(500)
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(rng.IntN(1 + trial))
		}
		sorted := slices.Sorted(slices.Values(xs))
		ks := append(medianPlaces(n), ciPlaces(n)...)
		ks = append(ks, quantilePlaces(n, 0.9)...)
		ks = append(ks, rng.IntN(n))
		got := orderStats(slices.Clone(xs), ks...)
		for _, k := range ks {
			if k >= 0 && k < n && got[k] != sorted[k] {
				t.Fatalf("trial %d: place %d of %d holds %v, want %v", trial, k, n, got[k], sorted[k])
			}
		}
		for _, q := range []float64{0.5, 0.9} {
			if quantile(got, q) != quantile(sorted, q) {
				t.Fatalf("trial %d: %v quantile %v, want %v", trial, q, quantile(got, q), quantile(sorted, q))
			}
		}
	}
}
