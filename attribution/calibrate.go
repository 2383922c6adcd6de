package attribution

import (
	"math"
	"math/rand/v2"
	"slices"
)

// calibrationSeed fixes the simulated observations the temperature is
// fitted on.
const calibrationSeed = 20251126

// Calibration is the outcome of fitting the softmax temperature.
type Calibration struct {
	Temperature float64 // chosen temperature
	Queries     int     // simulated observations it was fitted on
	NLL         float64 // mean negative log-likelihood of the true group at that temperature
}

// simQuery is one simulated observation of a group: the evidence, the
// group, and its profile without what the evidence was drawn from.
type simQuery struct {
	group int32
	q     query
	prof  map[int32]float64
}

// Calibrate fits the softmax temperature on simulated partial
// observations of the groups' own technique sets, never on campaigns:
// for each group with at least 6 techniques of its own, its techniques
// (and software) are split at random in two halves and the group's
// profile keeps one half (campaigns left out), so that about half of
// what is observed is new for it; 30%, 50% or all of its techniques, with
// or without its software names, are the observation. The
// temperature minimises the mean negative log-likelihood of the true
// group.
func (m *Model) Calibrate(seed uint64) Calibration {
	sims := m.simulate(seed, 6)
	scores := make([][]float64, len(sims))
	for i, sq := range sims {
		s := make([]float64, len(m.cands))
		m.score(sq.q, s)
		s[sq.group] = m.scoreProfile(sq.q, sq.prof)
		scores[i] = s[:m.nGroups]
	}
	nll := func(t float64) float64 {
		v := 0.0
		for i, s := range scores {
			v -= logSoftmaxAt(s, int(sims[i].group), t)
		}
		return v / float64(len(scores))
	}
	// The NLL is convex in 1/t: golden-section search on log t.
	lo, hi := math.Log(0.05), math.Log(20)
	const phi = 0.6180339887498949
	for range 40 {
		a, b := hi-phi*(hi-lo), lo+phi*(hi-lo)
		if nll(math.Exp(a)) < nll(math.Exp(b)) {
			hi = b
		} else {
			lo = a
		}
	}
	t := math.Exp((lo + hi) / 2)
	return Calibration{Temperature: t, Queries: len(sims), NLL: nll(t)}
}

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
		for d := range draws {
			techs := shuffled(rng, stringsOf(g.Techniques))
			sw := shuffled(rng, g.Software)
			kept, keptSW := techs[:len(techs)/2], sw[:len(sw)/2]
			f := fracs[d%len(fracs)]
			ev := Evidence{Techniques: toTechniqueIDs(shuffled(rng, techs)[:take(f, len(techs), 3)])}
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
