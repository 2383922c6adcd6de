package attribution

import (
	"strconv"
	"testing"
)

// calibFolds is the number of folds the development set's groups are
// split into for held-out checks.
const calibFolds = 5

// TestDevCalibrationHeldOut checks on the development set, never on the
// campaigns, what each way of fitting is worth on groups it has not
// seen: the groups are split into calibFolds folds by their ids' number,
// each fold's observations get the confidences of calibrations fitted on
// the other folds, and the pooled expected calibration error (techniques
// only, and with names) of the top-label model must be below the
// simulation's and not above Platt scaling's (the method before it) by
// more than 0.005.
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
	var folds [calibFolds][]fitPoint
	for i, q := range qs {
		n, err := strconv.Atoi(q.group[1:])
		if err != nil {
			t.Fatalf("group id %q: %v", q.group, err)
		}
		folds[n%calibFolds] = append(folds[n%calibFolds], byQ[i]...)
	}
	sim := m.calibrateSim(calibrationSeed)
	type pooled struct {
		conf  [2][]float64
		right [2][]bool
	}
	var top, platt, simP pooled
	for f := range folds {
		var train []fitPoint
		for g := range folds {
			if g != f {
				train = append(train, folds[g]...)
			}
		}
		soft := fitTemperature(train)
		for _, c := range []struct {
			cal Calibration
			to  *pooled
		}{{fitTopLabel(soft, train, topMask), &top}, {fitTopLabel(soft, train, plattMask), &platt}, {sim, &simP}} {
			for k := range 2 {
				conf, right := heldOut(c.cal, folds[f], k)
				c.to.conf[k], c.to.right[k] = append(c.to.conf[k], conf...), append(c.to.right[k], right...)
			}
		}
	}
	for k, ev := range []string{"T", "T+S"} {
		eTop, ePlatt, eSim := ece(reliability(top.conf[k], top.right[k])), ece(reliability(platt.conf[k], platt.right[k])), ece(reliability(simP.conf[k], simP.right[k]))
		t.Logf("%s: %d held-out observations; ECE %.3f top-label model, %.3f Platt scaling, %.3f simulated", ev, len(top.conf[k]), eTop, ePlatt, eSim)
		if eTop >= eSim || eTop > ePlatt+0.005 {
			t.Errorf("%s: held-out ECE %.3f of the top-label model, want below the simulation's %.3f and at most Platt scaling's %.3f + 0.005", ev, eTop, eSim, ePlatt)
		}
	}
}

// heldOut is the top-1 confidence of c on each of the points with names
// (named 1) or without (0), and whether the top-1 group is right.
func heldOut(c Calibration, pts []fitPoint, named int) (conf []float64, right []bool) {
	for _, p := range pts {
		if p.named != named {
			continue
		}
		out := make([]float64, len(p.s))
		c.apply(p.s, out, c.temp(p.size), p.named, p.top)
		top := topOf(out)
		conf, right = append(conf, out[top]), append(right, top == p.truth)
	}
	return conf, right
}
