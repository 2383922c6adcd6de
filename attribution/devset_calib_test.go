package attribution

import (
	"testing"
)

// TestDevCalibrationHeldOut checks on the development set, never on the
// campaigns, that fitting there pays: its groups are split in two by the
// parity of their ids' last digit, a calibration is fitted on each half's
// observations, and on the other half its expected calibration error is
// below the simulation's (techniques only, and with names).
func TestDevCalibrationHeldOut(t *testing.T) {
	if testing.Short() {
		t.Skip("ranks the development set (about 10 s)")
	}
	cat := embedded(t)
	cs, _ := attributed(cat)
	o := calibrationOptions(cs)
	o.Temperature = 1
	m, err := New(cat, o)
	if err != nil {
		t.Fatal(err)
	}
	byQ := m.devQueryPointsAll(calibrationSeed)
	qs, _ := devSet(cat)
	var half [2][]fitPoint
	for i, q := range qs {
		h := int(q.group[len(q.group)-1]) % 2
		half[h] = append(half[h], byQ[i]...)
	}
	sim := m.calibrateSim(calibrationSeed)
	for h := range half {
		dev := fit(half[1-h])
		for k, ev := range []string{"T", "T+S"} {
			eSim, acc, n := heldOutECE(sim, half[h], k)
			eDev, _, _ := heldOutECE(dev, half[h], k)
			t.Logf("half %d, %s: %d observations, top-1 %.3f; ECE %.3f fitted on the other half, %.3f simulated", h, ev, n, acc, eDev, eSim)
			if eDev >= eSim {
				t.Errorf("half %d, %s: ECE %.3f fitted on the other half, not below the simulation's %.3f", h, ev, eDev, eSim)
			}
		}
	}
}

// heldOutECE is the expected calibration error of c on the points with
// names (named 1) or without (0), their top-1 accuracy and their number.
func heldOutECE(c Calibration, pts []fitPoint, named int) (e, acc float64, n int) {
	var conf []float64
	var right []bool
	for _, p := range pts {
		if p.named != named {
			continue
		}
		out := make([]float64, len(p.s))
		c.apply(p.s, out, c.temp(p.size), p.named)
		top := topOf(out)
		conf, right = append(conf, out[top]), append(right, top == p.truth)
		if top == p.truth {
			acc++
		}
	}
	return ece(reliability(conf, right)), acc / float64(len(conf)), len(conf)
}
