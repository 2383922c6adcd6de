package attribution

import (
	"cmp"
	"math"
	"slices"
)

// Neighbour smoothing. ATT&CK knows a group only through the reports it
// has read: a technique missing from a profile may be unreported rather
// than unused. A group's profile therefore borrows, at a reduced weight,
// the techniques and software of the groups most like it (a k-nearest-
// neighbour collaborative filter over the group × feature matrix): a
// feature held by most of its neighbours weighs up to Borrow, one held by
// none of them nothing. The similarity is the cosine of the profiles with
// each feature weighted by its rarity (log of the inverse share of groups
// holding it), so sharing rare techniques and software makes groups
// neighbours and sharing T1105 hardly does.

// neighbourhood holds the groups' unit-length rarity-weighted profile
// vectors.
type neighbourhood struct {
	idf  []float64   // feature → rarity weight (0 for group ids)
	vecs [][]float64 // group → dense unit vector over the features
}

// newNeighbourhood builds the vectors of the model's groups from their
// profiles (before borrowing).
func (m *Model) newNeighbourhood() *neighbourhood {
	nf := len(m.keys)
	df := make([]int, nf)
	for _, c := range m.cands[:m.nGroups] {
		for f := range c.prof {
			df[f]++
		}
	}
	nb := &neighbourhood{idf: make([]float64, nf), vecs: make([][]float64, m.nGroups)}
	n := float64(m.nGroups)
	for f, k := range m.keys {
		if borrowable(k) && df[f] > 0 {
			nb.idf[f] = math.Log((n + 1) / float64(df[f]))
		}
	}
	for g, c := range m.cands[:m.nGroups] {
		v := make([]float64, nf)
		norm := 0.0
		for f, w := range c.prof {
			x := w * nb.idf[f]
			v[f] = x
			norm += x * x
		}
		if norm > 0 {
			r := 1 / math.Sqrt(norm)
			for f := range v {
				v[f] *= r
			}
		}
		nb.vecs[g] = v
	}
	return nb
}

// borrowable says whether a feature can be borrowed from neighbours:
// techniques, parents and software, not a group's own id.
func borrowable(key string) bool {
	return key != "" && (key[0] == 'T' || key[0] == '^' || isSoftwareKey(key))
}

type neighbour struct {
	g   int
	sim float64
}

// borrow returns prof with what group self's nearest neighbours lend it:
// each borrowable feature's weight becomes max(own weight, Borrow ×
// the similarity-weighted share of the Neighbours nearest groups holding
// it). self is left out of the neighbours (-1: none).
func (m *Model) borrow(nb *neighbourhood, prof map[int32]float64, self int) map[int32]float64 {
	k, lend := m.opts.Neighbours, m.opts.Borrow
	if k <= 0 || lend <= 0 {
		return prof
	}
	norm := 0.0
	for f, w := range prof {
		if int(f) < len(nb.idf) {
			x := w * nb.idf[f]
			norm += x * x
		}
	}
	if norm == 0 {
		return prof
	}
	ns := make([]neighbour, 0, m.nGroups)
	for g, v := range nb.vecs {
		if g == self {
			continue
		}
		s := 0.0
		for f, w := range prof {
			if int(f) < len(v) {
				s += w * nb.idf[f] * v[f]
			}
		}
		if s > 0 {
			ns = append(ns, neighbour{g, s / math.Sqrt(norm)})
		}
	}
	slices.SortFunc(ns, func(a, b neighbour) int { return cmp.Or(cmp.Compare(b.sim, a.sim), cmp.Compare(a.g, b.g)) })
	ns = ns[:min(k, len(ns))]
	tot := 0.0
	for _, n := range ns {
		tot += n.sim
	}
	if tot == 0 {
		return prof
	}
	out := make(map[int32]float64, len(prof)*2)
	for _, n := range ns {
		share := lend * n.sim / tot
		for f, w := range m.cands[n.g].prof {
			if nb.idf[f] > 0 {
				out[f] += share * w
			}
		}
	}
	for f, w := range prof {
		out[f] = max(out[f], w)
	}
	return out
}
