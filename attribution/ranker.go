package attribution

import (
	"math"
	"strconv"
	"strings"
)

// The features a Ranker weighs, for one piece of evidence and one
// candidate.
const (
	// fTech is the naive-Bayes evidence of the observed techniques the
	// profile holds: the sum of log((w + m·q) / (m·q)) (see Model.delta).
	fTech = iota
	// fParent is the same for the parents of the observed techniques
	// (each sub-technique matches its parent, and a parent its
	// sub-techniques).
	fParent
	// fNames is the same for the matched software and actor names.
	fNames
	// fNamesN is the number of matched names the profile holds.
	fNamesN
	// fTechSqrt is √fTech: many shared common techniques add up less
	// than one rare name.
	fTechSqrt
	// fCover is the share of the observed techniques the profile holds
	// (by their weight in the profile).
	fCover
	// fJaccard is the weighted Jaccard similarity of the observed
	// techniques and the profile's.
	fJaccard
	// fSize is log(1 + the profile's techniques of full weight): how much
	// is reported of the candidate.
	fSize
	// fTechMean is fTech over the number of observed techniques, and
	// fTechNorm over its square root: a large observation's many matches
	// weigh less against a name.
	fTechMean
	fTechNorm
	// fNamesMax is the largest naive-Bayes evidence of one matched name.
	fNamesMax
	// fPrecision is the share of the profile's techniques (by weight)
	// that were observed.
	fPrecision
	nFeatures
)

// featureNames name the features, for tables.
var featureNames = [nFeatures]string{"tech", "parent", "names", "names n", "√tech", "cover", "jaccard", "size", "tech/n", "tech/√n", "names max", "precision"}

// Ranker scores a candidate by a weighted sum of features of the
// evidence and the candidate's profile (the naive-Bayes evidence of
// techniques, of parents and of names apart, how much of the observation
// the profile holds, its size…). The zero Ranker is the plain
// naive-Bayes score: each matched feature's log((w + m·q) / (m·q))
// weighed by the evidence (1 a technique, ParentWeight a parent match,
// NameWeight a name).
type Ranker struct {
	W [nFeatures]float64 // by feature; see FittedRanker
}

// FittedRanker is the Ranker fitted on the development set of groups'
// own reports, never on campaigns: a softmax over the groups of each of
// its observations, the mean log-likelihood of the true group maximised
// with an L2 penalty of 0.001 (ranker_table.go, go test -run
// TestRankerFit -refit). Held out by group (5 folds) it ranks the
// development set better than the plain score: mean reciprocal rank
// 0.472 against 0.434 by all of a query's techniques and 0.710 against
// 0.662 with its software; +0.011 (95% over groups -0.009 to +0.032) by
// techniques and +0.021 (+0.006 to +0.039) with software over all its
// observations, partial ones included. On ATT&CK's attributed campaigns
// it does not (TestRankerEval: -0.059 with software, all techniques,
// -0.148 to +0.004 over campaigns), so DefaultOptions keeps the plain
// score.
func FittedRanker() Ranker { return fittedRanker }

// IsZero reports whether r is the zero Ranker.
func (r Ranker) IsZero() bool { return r == Ranker{} }

// String lists the weights, for reports.
func (r Ranker) String() string {
	var b strings.Builder
	for i, w := range r.W {
		if w == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(featureNames[i])
		b.WriteByte(' ')
		b.WriteString(strconv.FormatFloat(w, 'g', 4, 64))
	}
	return b.String()
}

// features writes each candidate's features for q to x (nFeatures per
// candidate, len(m.cands) · nFeatures).
func (m *Model) features(q query, x []float64) {
	nq := float64(len(q.techs))
	shared := make([]float64, len(m.cands))
	for _, f := range q.feats {
		var k int
		switch key := m.keys[f]; {
		case key[0] == 'T':
			k = fTech
		case key[0] == '^':
			k = fParent
		case key[0] == '@':
			continue
		default:
			k = fNames
		}
		for _, p := range m.post[f] {
			x[int(p.cand)*nFeatures+k] += p.delta
			switch k {
			case fTech:
				shared[p.cand] += float64(p.w)
			case fNames:
				x[int(p.cand)*nFeatures+fNamesN]++
				x[int(p.cand)*nFeatures+fNamesMax] = max(x[int(p.cand)*nFeatures+fNamesMax], p.delta)
			}
		}
	}
	tot := m.techniqueTotals()
	for ci := range m.cands {
		r := x[ci*nFeatures : (ci+1)*nFeatures]
		r[fTechSqrt] = math.Sqrt(r[fTech])
		if nq > 0 {
			r[fCover] = shared[ci] / nq
			r[fTechMean] = r[fTech] / nq
			r[fTechNorm] = r[fTech] / math.Sqrt(nq)
			if tot[ci] > 0 {
				r[fPrecision] = shared[ci] / tot[ci]
			}
			if u := nq + tot[ci] - shared[ci]; u > 0 {
				r[fJaccard] = shared[ci] / u
			}
		}
		r[fSize] = m.cands[ci].size
	}
}

// scoreRanker adds each candidate's Ranker score to s.
func (m *Model) scoreRanker(q query, s []float64) {
	x := make([]float64, len(m.cands)*nFeatures)
	m.features(q, x)
	w := m.opts.Ranker.W
	for ci := range m.cands {
		r := x[ci*nFeatures : (ci+1)*nFeatures]
		for k, v := range r {
			s[ci] += w[k] * v
		}
	}
}
