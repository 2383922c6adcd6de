package attribution

import "math"

// The top-label model: the confidence in the best candidate is
// σ(w · x) for features x of the ranking, with one weight vector for
// evidence of techniques only and one for evidence with names. The
// softmax share of the best candidate alone (Platt scaling) cannot tell
// an intrusion that fits one group well from one that a large group
// wins because its profile holds a bit of everything; these features
// can.
//
// The features were chosen on the development set alone, by the
// log-loss of calibrations fitted on four fifths of its groups and
// applied to the other fifth (TestDevCalibrationHeldOut's folds): the
// best candidate's score above the 2nd, 3rd or 10th candidate's added
// nothing to the softmax share (0.4453 and 0.4004 without them, 0.4501
// and 0.4083 with the margin; techniques only and with names), and
// leaving out any one of those kept raised it, to 0.4474–0.4589 with
// techniques only, and with names too but for the score per item
// (0.4003). Platt scaling alone: 0.4672 and 0.4257.
const (
	ftBias     = iota // 1
	ftLogit           // logit of the best candidate's softmax share
	ftLogSize         // log of the evidence's items
	ftCover           // share of the observed techniques its profile holds at full weight
	ftCoverAny        // share its profile holds at any weight
	ftPerItem         // its score per item of evidence
	ftTechs           // log(1 + its techniques of full weight): a large profile wins often, and is wrong as often
	topFeatures
)

// plattMask keeps the bias and the softmax share's logit only: Platt
// scaling of the top label.
var plattMask = [topFeatures]bool{ftBias: true, ftLogit: true}

// topMask is every feature.
var topMask = [topFeatures]bool{true, true, true, true, true, true, true}

// topStats describes the best candidate of a ranking, as the top-label
// model sees it; all but the softmax share, which depends on the
// temperature.
type topStats struct {
	size                  int     // items of evidence
	perItem               float64 // score / size
	cover, coverAny, tech float64 // see ftCover, ftCoverAny, ftTechs
}

// topStatsOf describes the best of the candidates whose scores are s,
// the first of them m.cands[base].
func (m *Model) topStatsOf(q query, s []float64, base int) topStats {
	ts := topStats{size: q.size()}
	if len(s) == 0 {
		return ts
	}
	top := topOf(s)
	ts.perItem = s[top] / float64(max(ts.size, 1))
	prof := m.cands[base+top].prof
	for _, t := range q.techs {
		if f, ok := m.feat[string(t)]; ok {
			if w := prof[f]; w >= 1 {
				ts.cover++
				ts.coverAny++
			} else if w > 0 {
				ts.coverAny++
			}
		}
	}
	if n := float64(len(q.techs)); n > 0 {
		ts.cover /= n
		ts.coverAny /= n
	}
	n := 0
	for f, w := range prof {
		if w >= 1 && m.keys[f][0] == 'T' {
			n++
		}
	}
	ts.tech = math.Log1p(float64(n))
	return ts
}

// features are the top-label model's inputs for a best candidate of
// softmax share p.
func (ts topStats) features(p float64) [topFeatures]float64 {
	var x [topFeatures]float64
	x[ftBias] = 1
	x[ftLogit] = logit(p)
	x[ftLogSize] = math.Log(float64(max(ts.size, 1)))
	x[ftCover], x[ftCoverAny] = ts.cover, ts.coverAny
	x[ftPerItem], x[ftTechs] = ts.perItem, ts.tech
	return x
}

// topConfidence is the top-label model's confidence for the given
// features: σ(w · x).
func topConfidence(w, x *[topFeatures]float64) float64 {
	z := 0.0
	for i := range w {
		z += w[i] * x[i]
	}
	return sigmoid(z)
}

// topL2 is the ridge penalty of the top-label fit, per unit of weight.
// On the development set's held-out folds (see the features) 1e-4 gives
// a log-loss of 0.4426 and 0.4088 (techniques only, with names), 1e-3
// 0.4453 and 0.4004, 1e-2 0.4513 and 0.4096.
const topL2 = 1e-3

// fitTop fits the weights of the features mask keeps by Newton's method
// on the weighted log-loss of y given x, with a ridge penalty on all but
// the bias.
func fitTop(x [][topFeatures]float64, y []bool, w []float64, mask [topFeatures]bool) [topFeatures]float64 {
	var idx []int
	for i, on := range mask {
		if on {
			idx = append(idx, i)
		}
	}
	k := len(idx)
	var b [topFeatures]float64
	if len(x) == 0 {
		return b
	}
	tot := 0.0
	for _, v := range w {
		tot += v
	}
	g := make([]float64, k)
	h := make([][]float64, k)
	for i := range h {
		h[i] = make([]float64, k+1)
	}
	for range 100 {
		clear(g)
		for i := range h {
			clear(h[i])
		}
		for n, xi := range x {
			p := topConfidence(&b, &xi)
			r := p
			if y[n] {
				r = p - 1
			}
			r *= w[n]
			c := w[n] * max(p*(1-p), 1e-12)
			for a, ia := range idx {
				g[a] += r * xi[ia]
				for bb, ib := range idx[:a+1] {
					h[a][bb] += c * xi[ia] * xi[ib]
				}
			}
		}
		for a, ia := range idx {
			g[a] /= tot
			for bb := range idx[:a+1] {
				h[a][bb] /= tot
				h[bb][a] = h[a][bb]
			}
			if ia != ftBias {
				g[a] += topL2 * b[ia]
				h[a][a] += topL2
			}
			h[a][k] = g[a]
		}
		d, ok := solveAugmented(h)
		if !ok {
			break
		}
		step := 0.0
		for a, ia := range idx {
			b[ia] -= d[a]
			step += math.Abs(d[a])
		}
		if step < 1e-9 {
			break
		}
	}
	return b
}

// solveAugmented solves the linear system of the augmented k × (k+1) matrix a by
// Gaussian elimination with partial pivoting; a is overwritten.
func solveAugmented(a [][]float64) ([]float64, bool) {
	k := len(a)
	for c := range k {
		p := c
		for r := c + 1; r < k; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		if math.Abs(a[p][c]) < 1e-15 {
			return nil, false
		}
		a[c], a[p] = a[p], a[c]
		for r := range k {
			if r == c {
				continue
			}
			f := a[r][c] / a[c][c]
			for j := c; j <= k; j++ {
				a[r][j] -= f * a[c][j]
			}
		}
	}
	x := make([]float64, k)
	for i := range x {
		x[i] = a[i][k] / a[i][i]
	}
	return x, true
}

// shareRest sets out[top] to q and shares 1 - q among the others in
// proportion to their shares in out, but none above q: when the model is
// much less sure of the best candidate than the softmax, the second
// would otherwise come out surer than the best. What a capped candidate
// cannot take goes to the others, in proportion again.
func shareRest(out []float64, top int, q float64) {
	rest := 1 - q
	out[top] = q
	capped := make([]bool, len(out))
	capped[top] = true
	for range len(out) {
		sum := 0.0
		for i, v := range out {
			if !capped[i] {
				sum += v
			}
		}
		if sum <= 0 { // the others had no share: share alike
			n := len(out) - 1
			for i := range out {
				if i != top {
					out[i] = (1 - q) / float64(n)
				}
			}
			return
		}
		f, over := rest/sum, false
		for i, v := range out {
			if !capped[i] && v*f > q {
				out[i], capped[i], over = q, true, true
				rest -= q
			}
		}
		if !over {
			for i := range out {
				if !capped[i] {
					out[i] *= f
				}
			}
			return
		}
	}
}
