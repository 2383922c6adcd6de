package attribution

import (
	"math"
	"math/rand/v2"
	"slices"
)

// calibrationSeed fixes the simulated observations the calibration is
// fitted on.
const calibrationSeed = 20251126

// calibrationDraws is the number of simulated observations per group.
const calibrationDraws = 8

// refSize is the evidence size at which the temperature is Temperature.
const refSize = 10

// Calibration turns scores into confidences. A candidate's confidence is
// (1 − Floor) · softmax(score / T)  +  Floor / N over the N candidates of
// its kind, with T = Temperature · (n / 10)^Exponent for evidence of n
// items (known techniques and matched names): naive Bayes counts
// correlated techniques as independent, so larger evidence needs a
// higher temperature, and Floor is the chance that the evidence does not
// single out the right actor at all (its profile lacks what was seen).
type Calibration struct {
	Temperature float64 // at evidence of 10 items
	Exponent    float64 // growth of the temperature with the evidence size
	Floor       float64 // share of the confidence spread over all candidates
	Queries     int     // simulated observations it was fitted on (0: not fitted)
	NLL         float64 // mean negative log-likelihood of the true group
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

// Calibrate fits the calibration on simulated partial observations of
// the groups' own technique sets, never on campaigns. For each group with
// at least 6 techniques of its own, its techniques and software are split
// at random in two halves and the group's profile keeps one half
// (campaigns left out), so that about half of what is observed is new
// for it; 30%, 50% or all of its techniques (at least 3), with or without
// its software, are observed; a fifth of the observed sub-techniques are
// reported as their parent; and a third as many techniques again are
// noise, drawn from the techniques of other groups. The parameters
// minimise the mean negative log-likelihood of the true group.
func (m *Model) Calibrate(seed uint64) Calibration {
	sims := m.simulate(seed, calibrationDraws)
	scores := make([][]float64, len(sims))
	sizes := make([]int, len(sims))
	for i, sq := range sims {
		s := make([]float64, len(m.cands))
		m.score(sq.q, s)
		s[sq.group] = m.scoreProfile(sq.q, sq.prof)
		scores[i] = s[:m.nGroups]
		sizes[i] = sq.q.size()
	}
	nll := func(c Calibration) float64 {
		v := 0.0
		for i, s := range scores {
			v -= logConfAt(s, int(sims[i].group), c.temp(sizes[i]), c.Floor)
		}
		return v / float64(len(scores))
	}
	c := Calibration{Temperature: 1, Exponent: 0, Floor: 0.05}
	for range 3 {
		lt := goldenMin(math.Log(0.05), math.Log(50), 24, func(x float64) float64 {
			d := c
			d.Temperature = math.Exp(x)
			return nll(d)
		})
		c.Temperature = math.Exp(lt)
		c.Exponent = goldenMin(-1, 2, 20, func(x float64) float64 {
			d := c
			d.Exponent = x
			return nll(d)
		})
		c.Floor = goldenMin(0, 0.5, 20, func(x float64) float64 {
			d := c
			d.Floor = x
			return nll(d)
		})
	}
	c.Queries, c.NLL = len(sims), nll(c)
	return c
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

// logConfAt is the log of candidate i's confidence.
func logConfAt(s []float64, i int, t, floor float64) float64 {
	mx := slices.Max(s)
	z := 0.0
	for _, v := range s {
		z += math.Exp((v - mx) / t)
	}
	p := math.Exp((s[i]-mx)/t) / z
	return math.Log((1-floor)*p + floor/float64(len(s)))
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
		for d := range draws {
			techs := shuffled(rng, stringsOf(g.Techniques))
			sw := shuffled(rng, g.Software)
			kept, keptSW := techs[:len(techs)/2], sw[:len(sw)/2]
			f := fracs[d%len(fracs)]
			seen := shuffled(rng, techs)[:take(f, len(techs), 3)]
			ev := Evidence{Techniques: toTechniqueIDs(m.harden(rng, gi, seen))}
			if d%2 == 1 {
				ev.Software = shuffled(rng, sw)[:take(f, len(sw), 0)]
			}
			prof := map[int32]float64{}
			for _, t := range kept {
				m.put(prof, t, 1)
			}
			m.addSoftware(prof, keptSW, m.opts.SoftwareWeight)
			m.put(prof, g.ID, 1)
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
