package attribution

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// calibrationSeed fixes the simulated observations the calibration is
// fitted on.
const calibrationSeed = 20251126

// calibrationDraws is the number of simulated observations per group.
// More draws make the fit steadier but New slower for a catalog without a
// precomputed calibration (24 draws: 4.1 s against 1.2 s, same run).
const calibrationDraws = 8

// refSize is the evidence size at which the temperature is Temperature.
const refSize = 10

// Calibration turns scores into confidences, in two steps. First a
// softmax over the candidates of a kind at temperature T = Temperature ·
// (n / 10)^Exponent for evidence of n items (known techniques and matched
// names): naive Bayes counts correlated techniques as independent, so
// larger evidence needs a higher temperature. Then the best candidate's
// confidence is set by the top-label model (calib_top.go), σ(Top · x),
// from features x of the ranking: the softmax share's logit, the
// evidence's size, how much of the observed techniques the best
// candidate's profile holds, its score per item and the size of its
// profile; with one weight
// vector for evidence of techniques only and one for evidence with
// matched names. The others are rescaled to keep the sum 1. A softmax
// alone is too sure when one candidate stands out and too unsure when
// none does; and the softmax share alone cannot see that a large
// profile wins often and is wrong as often.
type Calibration struct {
	Temperature float64                 // at evidence of 10 items
	Exponent    float64                 // growth of the temperature with the evidence size
	Top         [2][topFeatures]float64 // top-label model, [techniques only, with names]; all 0: no top-label step
	Queries     int                     // observations it was fitted on (0: not fitted)
	NLL         float64                 // mean negative log-likelihood of the true group, softmax step, weighted as the fit
	Dev         bool                    // fitted on the development set of groups' reports (devSet), not on the simulation
}

// String says how c was fitted, for reports.
func (c Calibration) String() string {
	how := "not fitted"
	switch {
	case c.Queries > 0 && c.Dev:
		how = fmt.Sprintf("fitted on %d observations of the development set (groups' own reports, each held out of the catalog; none a campaign cites)", c.Queries)
	case c.Queries > 0:
		how = fmt.Sprintf("fitted on %d simulated partial observations of groups' own techniques (with parent substitution and noise techniques; a group weighs as many techniques as it has)", c.Queries)
	}
	return fmt.Sprintf("%s: temperature %.3f at 10 items, exponent %.3f, top-label model %s (techniques only), %s (with names)",
		how, c.Temperature, c.Exponent, topString(c.Top[0]), topString(c.Top[1]))
}

func (c Calibration) temp(n int) float64 {
	return c.Temperature * math.Pow(float64(max(n, 1))/refSize, c.Exponent)
}

// simQuery is one simulated observation of a group: the evidence, the
// group, and its profile without what the evidence was drawn from.
type simQuery struct {
	group int32
	q     query
	prof  map[int32]float64
}

// fitPoint is one observation a calibration is fitted on: the groups'
// scores (shifted so that the best is 0), the true group, the evidence's
// size, whether it holds names (1) or techniques only (0), its weight,
// and the best group as the top-label model sees it.
type fitPoint struct {
	s     []float64
	truth int
	size  int
	named int
	w     float64
	top   topStats
}

// fitPointOf is the observation of compiled evidence q whose candidates
// scored s (all of m's; s is overwritten), truth the true group.
func (m *Model) fitPointOf(q query, s []float64, truth int, w float64) fitPoint {
	top := m.topStatsOf(q, s[:m.nGroups], 0)
	return fitPoint{s: shiftMax(s[:m.nGroups]), truth: truth, size: q.size(), named: q.named(), w: w, top: top}
}

// Calibrate fits the calibration on the development set of groups' own
// reports (devSet), never on campaigns: each (group, report) query is
// ranked against the catalog without what only that report tells, with
// all of its techniques and with 2 draws each of 50% and 30% of them (at
// least 3), by techniques alone and, when the group's relationships to
// software cite the report, with as large a share of that software
// (names). Every query weighs the same. A catalog with fewer than
// devMinQueries such queries (a user's bundle without citations) is
// fitted on the simulation instead (calibrateSim). The parameters
// minimise the mean negative log-likelihood of the true group; the top
// label is then Platt-scaled, for techniques only and with names apart.
func (m *Model) Calibrate(seed uint64) Calibration {
	pts := m.devPoints(seed)
	if len(pts) == 0 {
		return m.calibrateSim(seed)
	}
	c := fit(pts, topMask)
	c.Dev = true
	return c
}

// calibrateSim fits the calibration on simulated partial observations of
// the groups' own technique sets, never on campaigns. For each group with
// at least 6 techniques of its own, 30%, 50% or all of its techniques (at
// least 3), with or without as large a share of its software, are
// observed; half of what is observed is new for the group, so its
// profile keeps everything else it has (campaigns left out) but not that
// half, as a campaign shows some techniques and tools its group was not
// known for; a fifth of the observed sub-techniques are reported as their
// parent; and a third as many techniques again are noise, drawn from the
// techniques of other groups. Each observation weighs as much as the
// size of its group's own technique set (incidents come more often from
// the better documented groups: a uniform weight leaves the confidence in
// a large group's match too low and in a small group's too high). New
// uses it for a catalog without a precomputed calibration: it takes about
// a second where the development set takes ten.
func (m *Model) calibrateSim(seed uint64) Calibration {
	sims := m.simulate(seed, calibrationDraws)
	if len(sims) == 0 { // no group with 6 techniques of its own: a plain softmax
		return Calibration{Temperature: 1}
	}
	pts := make([]fitPoint, len(sims))
	for i, sq := range sims {
		s := make([]float64, len(m.cands))
		m.score(sq.q, s)
		s[sq.group] = m.scoreProfile(sq.q, sq.prof)
		g, _ := m.cat.Group(m.cands[sq.group].id)
		pts[i] = fitPoint{s: shiftMax(s[:m.nGroups]), truth: int(sq.group), size: sq.q.size(), named: sq.q.named(), w: float64(len(g.Techniques))}
	}
	// The simulation's true group is scored with a profile of its own,
	// which the top-label features do not see: Platt scaling only.
	return fit(pts, plattMask)
}

// shiftMax shifts s so that its maximum is 0 (logSoftmaxShifted is then
// cheaper).
func shiftMax(s []float64) []float64 {
	mx := slices.Max(s)
	for j := range s {
		s[j] -= mx
	}
	return s
}

// fit finds the temperature and its exponent that minimise the weighted
// mean negative log-likelihood of the true groups, then the top-label
// model on the features mask keeps.
func fit(pts []fitPoint, mask [topFeatures]bool) Calibration {
	return fitTopLabel(fitTemperature(pts), pts, mask)
}

// fitWeights are the points' weights, scaled to a mean of 1.
func fitWeights(pts []fitPoint) []float64 {
	tot := 0.0
	for _, p := range pts {
		tot += p.w
	}
	wt := make([]float64, len(pts))
	for i, p := range pts {
		wt[i] = p.w * float64(len(pts)) / tot
	}
	return wt
}

// fitTemperature is the softmax step of fit: the calibration without a
// top-label model.
func fitTemperature(pts []fitPoint) Calibration {
	wt := fitWeights(pts)
	nll := func(c Calibration) float64 {
		v := 0.0
		for i, p := range pts {
			v -= wt[i] * logSoftmaxShifted(p.s, p.truth, c.temp(p.size))
		}
		return v / float64(len(pts))
	}
	c := Calibration{Temperature: 1}
	for range 3 {
		lt := goldenMin(math.Log(0.05), math.Log(50), 14, func(x float64) float64 {
			d := c
			d.Temperature = math.Exp(x)
			return nll(d)
		})
		c.Temperature = math.Exp(lt)
		c.Exponent = goldenMin(-1, 2, 14, func(x float64) float64 {
			d := c
			d.Exponent = x
			return nll(d)
		})
	}
	c.Queries, c.NLL = len(pts), nll(c)
	return c
}

// fitTopLabel is c with the top-label model fitted on pts, with the
// features mask keeps, for evidence with names and without apart.
func fitTopLabel(c Calibration, pts []fitPoint, mask [topFeatures]bool) Calibration {
	wt := fitWeights(pts)
	var x [2][][topFeatures]float64
	var w [2][]float64
	var y [2][]bool
	for i, p := range pts {
		top, k := topOf(p.s), p.named
		x[k] = append(x[k], p.top.features(softmaxAt(p.s, top, c.temp(p.size))))
		y[k] = append(y[k], top == p.truth)
		w[k] = append(w[k], wt[i])
	}
	for k := range x {
		c.Top[k] = fitTop(x[k], y[k], w[k], mask)
	}
	return c
}

// topString prints the top-label weights that are not 0.
func topString(w [topFeatures]float64) string {
	names := [topFeatures]string{"bias", "logit", "log size", "cover", "cover any", "per item", "log techniques"}
	var b []byte
	for i, v := range w {
		if v != 0 {
			if len(b) > 0 {
				b = append(b, ", "...)
			}
			b = fmt.Appendf(b, "%s %+.3f", names[i], v)
		}
	}
	if len(b) == 0 {
		return "none"
	}
	return string(b)
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// logit is clamped so that certainties stay finite.
func logit(p float64) float64 {
	p = min(max(p, 1e-9), 1-1e-9)
	return math.Log(p / (1 - p))
}

func topOf(s []float64) int {
	top := 0
	for i, v := range s {
		if v > s[top] {
			top = i
		}
	}
	return top
}

func softmaxAt(s []float64, i int, t float64) float64 {
	return math.Exp(logSoftmaxAt(s, i, t))
}

// goldenMin minimises a unimodal f on [lo, hi] by golden-section search.
func goldenMin(lo, hi float64, iters int, f func(float64) float64) float64 {
	const phi = 0.6180339887498949
	a, b := hi-phi*(hi-lo), lo+phi*(hi-lo)
	fa, fb := f(a), f(b)
	for range iters {
		if fa < fb {
			hi, b, fb = b, a, fa
			a = hi - phi*(hi-lo)
			fa = f(a)
		} else {
			lo, a, fa = a, b, fb
			b = lo + phi*(hi-lo)
			fb = f(b)
		}
	}
	return (lo + hi) / 2
}

// logSoftmaxShifted is logSoftmaxAt for scores whose maximum is 0.
func logSoftmaxShifted(s []float64, i int, t float64) float64 {
	r, z := 1/t, 0.0
	for _, v := range s {
		z += math.Exp(v * r)
	}
	return s[i]*r - math.Log(z)
}

// logSoftmaxAt is the log of candidate i's softmax share at t.
func logSoftmaxAt(s []float64, i int, t float64) float64 {
	mx := slices.Max(s)
	z := 0.0
	for _, v := range s {
		z += math.Exp((v - mx) / t)
	}
	return (s[i]-mx)/t - math.Log(z)
}

// scoreProfile scores q against one profile that is not in the index.
func (m *Model) scoreProfile(q query, prof map[int32]float64) float64 {
	s := 0.0
	for i, f := range q.feats {
		if w := prof[f]; w > 0 {
			s += q.w[i] * m.delta(f, w)
		}
	}
	return s
}

func (m *Model) simulate(seed uint64, draws int) []simQuery {
	rng := rand.New(rand.NewPCG(seed, 1))
	fracs := []float64{0.3, 0.5, 1}
	var out []simQuery
	for gi := range m.nGroups {
		g, ok := m.cat.Group(m.cands[gi].id)
		if !ok || len(g.Techniques) < 6 {
			continue
		}
		techs := stringsOf(g.Techniques)
		for d := range draws {
			f := fracs[d%len(fracs)]
			seen := shuffled(rng, techs)[:take(f, len(techs), 3)]
			ev := Evidence{Techniques: toTechniqueIDs(m.harden(rng, gi, seen))}
			if d%2 == 1 {
				ev.Software = shuffled(rng, g.Software)[:take(f, len(g.Software), 0)]
			}
			// Half of what is observed is new for the group: its profile
			// keeps everything else.
			newT, newSW := seen[:len(seen)/2], ev.Software[:len(ev.Software)/2]
			prof := map[int32]float64{}
			for _, t := range techs {
				if !slices.Contains(newT, t) {
					m.put(prof, t, 1)
				}
			}
			var sw []string
			for _, s := range g.Software {
				if !slices.Contains(newSW, s) {
					sw = append(sw, s)
				}
			}
			m.addSoftware(prof, sw, m.opts.SoftwareWeight)
			m.put(prof, groupKey(g), 1)
			out = append(out, simQuery{group: int32(gi), q: m.compile(ev), prof: prof})
		}
	}
	return out
}

// harden makes a simulated observation of group gi more like a real one:
// a fifth of its sub-techniques are reported as their parent, and a third
// as many techniques again, used by other groups but not by gi, are
// added as noise.
func (m *Model) harden(rng *rand.Rand, gi int, seen []string) []string {
	out := make([]string, 0, len(seen)+len(seen)/3+1)
	for _, t := range seen {
		if p := parentOf(t); p != t && rng.IntN(5) == 0 {
			t = p
		}
		out = append(out, t)
	}
	g, _ := m.cat.Group(m.cands[gi].id)
	own := stringsOf(g.Techniques)
	for range (len(seen) + 1) / 3 {
		for range 10 {
			o, _ := m.cat.Group(m.cands[rng.IntN(m.nGroups)].id)
			if len(o.Techniques) == 0 {
				continue
			}
			if t := string(o.Techniques[rng.IntN(len(o.Techniques))]); !slices.Contains(own, t) && !slices.Contains(out, t) {
				out = append(out, t)
				break
			}
		}
	}
	return out
}

// take is how many of n items a fraction f observes: round(f·n), at
// least lo, at most n.
func take(f float64, n, lo int) int {
	return min(n, max(lo, int(math.Round(f*float64(n)))))
}

func shuffled(rng *rand.Rand, s []string) []string {
	s = slices.Clone(s)
	rng.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
	return s
}
