package attribution

import (
	"math/rand/v2"
	"slices"
)

// The group simulation. The ranking's options (DefaultOptions) are chosen
// by how well a model finds groups from simulated observations of their
// own technique sets, never by its results on ATT&CK's campaigns: for
// each group with at least 6 techniques of its own, all, 50% or 30% of
// them (at least 3) are observed, and in every other draw as large a
// share of its software too. Half of what is observed is new for the
// group: it is taken out of the group's profile (own techniques,
// campaigns and software; a technique its remaining software uses stays
// at the software weight), as a new intrusion shows techniques and tools
// its group was not known for. A fifth of the observed sub-techniques are
// reported as their parent, and a third as many techniques again, used by
// other groups and not by this one, are added as noise. The group is
// ranked against every other group's full profile.

// simSeed fixes the simulated observations of the group simulation.
const simSeed = 20251127

// simDraws is the number of simulated observations per group.
const simDraws = 12

// simQ is one simulated observation of a group.
type simQ struct {
	group    int
	ev       Evidence
	hide     map[string]bool // the observation's new part, out of the group's profile
	software bool            // the observation has software
	obs      string          // full, 0.5, 0.3
}

// SimScore is how well a model finds the simulated groups: each
// observation counts as much as its group has techniques of its own (a
// group ATT&CK reports more about is more often the one behind the next
// intrusion); Uniform counts each group alike.
type SimScore struct {
	N       int
	Top1    float64
	Top5    float64
	MRR     float64
	Top5T   float64 // techniques only, 50% observed
	Top5S   float64 // techniques and software, 50% observed
	Uniform struct{ Top1, Top5, MRR float64 }
}

// simVariant is a way of simulating: the share of an observation that is
// new for its group, and whether noise techniques are added. The
// selection uses defaultSim; the others check that a choice does not
// hang on the simulation's own assumptions.
type simVariant struct {
	newShare float64
	noise    bool
}

var defaultSim = simVariant{newShare: 0.5, noise: true}

// simGroups draws the simulated observations of the model's groups.
func (m *Model) simGroups(seed uint64, draws int, v simVariant) []simQ {
	rng := rand.New(rand.NewPCG(seed, 7))
	fracs := []float64{1, 0.5, 0.3}
	names := []string{"full", "0.5", "0.3"}
	var out []simQ
	for gi := range m.nGroups {
		g, ok := m.cat.Group(m.cands[gi].id)
		if !ok || len(g.Techniques) < 6 {
			continue
		}
		own := stringsOf(g.Techniques)
		for d := range draws {
			f := fracs[d%len(fracs)]
			seen := shuffled(rng, own)[:take(f, len(own), 3)]
			sq := simQ{group: gi, obs: names[d%len(fracs)], software: d/len(fracs)%2 == 1, hide: map[string]bool{}}
			var sw []string
			if sq.software {
				sw = shuffled(rng, g.Software)[:take(f, len(g.Software), 0)]
			}
			for _, t := range seen[:int(v.newShare*float64(len(seen)))] {
				sq.hide[t] = true
			}
			for _, s := range sw[:int(v.newShare*float64(len(sw)))] {
				sq.hide[s] = true
			}
			var ts []string
			for _, t := range seen {
				if p := parentOf(t); p != t && rng.IntN(5) == 0 {
					t = p
				}
				ts = append(ts, t)
			}
			for range noiseCount(v, len(seen)) {
				for range 10 {
					o, _ := m.cat.Group(m.cands[rng.IntN(m.nGroups)].id)
					if len(o.Techniques) == 0 {
						continue
					}
					if t := string(o.Techniques[rng.IntN(len(o.Techniques))]); !slices.Contains(own, t) && !slices.Contains(ts, t) {
						ts = append(ts, t)
						break
					}
				}
			}
			sq.ev = Evidence{Techniques: toTechniqueIDs(ts), Software: sw}
			out = append(out, sq)
		}
	}
	return out
}

// simScore ranks the simulated observations: every group but the
// observed one with its full profile, the observed one without the
// observation's new part (and borrowing from its neighbours as it would).
func (m *Model) simScore(sims []simQ) SimScore {
	var sc SimScore
	var w, w5T, w5S float64
	s := make([]float64, len(m.cands))
	for _, sq := range sims {
		q := m.compile(sq.ev)
		clear(s)
		m.score(q, s)
		g, _ := m.cat.Group(m.cands[sq.group].id)
		prof := m.groupProfile(g, m.excluded(), sq.hide)
		if m.nb != nil {
			prof = m.borrow(m.nb, prof, sq.group)
		}
		s[sq.group] = m.scoreProfileWith(q, prof) + m.prior(prof)
		h, rr, _ := rankStats(s[:m.nGroups], []int{sq.group})
		gw := float64(len(g.Techniques))
		sc.N++
		w += gw
		sc.Top1 += gw * h[0]
		sc.Top5 += gw * h[2]
		sc.MRR += gw * rr
		sc.Uniform.Top1 += h[0]
		sc.Uniform.Top5 += h[2]
		sc.Uniform.MRR += rr
		if sq.obs == "0.5" {
			if sq.software {
				sc.Top5S += gw * h[2]
				w5S += gw
			} else {
				sc.Top5T += gw * h[2]
				w5T += gw
			}
		}
	}
	if sc.N == 0 {
		return sc
	}
	n := float64(sc.N)
	sc.Top1, sc.Top5, sc.MRR = sc.Top1/w, sc.Top5/w, sc.MRR/w
	sc.Uniform.Top1, sc.Uniform.Top5, sc.Uniform.MRR = sc.Uniform.Top1/n, sc.Uniform.Top5/n, sc.Uniform.MRR/n
	sc.Top5T /= max(w5T, 1)
	sc.Top5S /= max(w5S, 1)
	return sc
}

// scoreProfileWith scores q against one profile that is not in the index.
func (m *Model) scoreProfileWith(q query, prof map[int32]float64) float64 {
	s := 0.0
	for i, f := range q.feats {
		if w := prof[f]; w > 0 {
			s += q.w[i] * m.delta(f, w)
		}
	}
	return s
}

// excluded is the set of campaigns left out of the profiles.
func (m *Model) excluded() map[string]bool {
	ex := map[string]bool{}
	for _, id := range m.opts.Exclude {
		ex[id] = true
	}
	return ex
}

// noiseCount is how many noise techniques an observation of n gets.
func noiseCount(v simVariant, n int) int {
	if !v.noise {
		return 0
	}
	return (n + 1) / 3
}
