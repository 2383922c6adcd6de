package attribution

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestShareRest(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []float64
		top  int
		q    float64
		want []float64
	}{
		{"proportional", []float64{0.5, 0.3, 0.2}, 0, 0.8, []float64{0.8, 0.12, 0.08}},
		{"second capped at the best", []float64{0.9, 0.08, 0.012, 0.008}, 0, 0.3, []float64{0.3, 0.3, 0.24, 0.16}},
		{"too few to stay below the best", []float64{0.9, 0.09, 0.01}, 0, 0.3, []float64{0.3, 0.35, 0.35}},
		{"capped share goes on", []float64{0.9, 0.06, 0.03, 0.01}, 0, 0.3, []float64{0.3, 0.3, 0.3, 0.1}},
		{"others had nothing", []float64{1, 0, 0}, 0, 0.5, []float64{0.5, 0.25, 0.25}},
		{"top not first", []float64{0.1, 0.7, 0.2}, 1, 0.4, []float64{0.2, 0.4, 0.4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := append([]float64(nil), tc.in...)
			shareRest(out, tc.top, tc.q)
			sum := 0.0
			for i, v := range out {
				sum += v
				if math.Abs(v-tc.want[i]) > 1e-9 {
					t.Errorf("out %v, want %v", out, tc.want)
					break
				}
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Errorf("sum %g, want 1", sum)
			}
		})
	}
}

// TestFitTop fits the top-label model on outcomes drawn from known
// weights and finds them again; features a mask leaves out stay 0.
func TestFitTop(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	want := [topFeatures]float64{ftBias: -1, ftLogit: 0.8, ftLogSize: 0.5, ftCover: 2, ftTechs: -0.7}
	var x [][topFeatures]float64
	var y []bool
	var w []float64
	for range 20000 {
		var xi [topFeatures]float64
		for j := range xi {
			xi[j] = rng.NormFloat64()
		}
		xi[ftBias] = 1
		y = append(y, rng.Float64() < topConfidence(&want, &xi))
		x, w = append(x, xi), append(w, 1)
	}
	got := fitTop(x, y, w, topMask)
	for j := range got {
		if math.Abs(got[j]-want[j]) > 0.1 {
			t.Errorf("weight %d: %.3f, want %.3f", j, got[j], want[j])
		}
	}
	got = fitTop(x, y, w, plattMask)
	for j := range got {
		if !plattMask[j] && got[j] != 0 {
			t.Errorf("weight %d: %.3f outside the mask", j, got[j])
		}
	}
	if got[ftLogit] <= 0 {
		t.Errorf("Platt slope %.3f, want > 0", got[ftLogit])
	}
}
