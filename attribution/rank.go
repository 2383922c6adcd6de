package attribution

import (
	"cmp"
	"math"
	"slices"

	"github.com/debrief-dev/debrief"
)

// MinConfidence is the confidence the best group needs for the result to
// be a confident attribution.
const MinConfidence = 0.5

// Evidence is what an intrusion shows: its techniques, and the names its
// alerts carry.
type Evidence struct {
	Techniques []debrief.TechniqueID
	Software   []string // ATT&CK software ids known to be involved
	Groups     []string // ATT&CK group ids named (e.g. by a threat-intelligence alert)
	Names      []string // threat, actor and software names from alerts; matched to software and groups
	FileNames  []string // file and process names; matched to software only
}

// Result is the ranking of one intrusion.
type Result struct {
	Candidates []Candidate `json:"candidates"` // best first; none without evidence
	Confident  bool        `json:"confident"`  // the best group's confidence reaches MinConfidence
	Reason     string      `json:"reason,omitempty"`
	// The evidence as used: known techniques and matched names, each
	// omitted when empty.
	Techniques []debrief.TechniqueID `json:"techniques,omitempty"`
	Software   []Ref                 `json:"software,omitempty"`
	Actors     []Ref                 `json:"actors,omitempty"`
}

// Candidate is one ranked group or campaign with its explanation.
type Candidate struct {
	ID         string  `json:"id"`
	Kind       Kind    `json:"kind"`
	Name       string  `json:"name"`
	Groups     []Ref   `json:"groups,omitempty"` // a campaign's groups
	Score      float64 `json:"score"`            // evidence in nats against an unrelated group
	Confidence float64 `json:"confidence"`       // calibrated probability, among candidates of its kind
	// Shared techniques, rarest first; matched software and names; the
	// candidate's rarest own techniques that were not observed.
	SharedTechniques  []TechniqueRef `json:"shared_techniques"`
	MatchedSoftware   []Ref          `json:"matched_software"`
	MissingTechniques []TechniqueRef `json:"missing_techniques"`
}

// Ref names an ATT&CK object.
type Ref struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// TechniqueRef is a technique with the number of groups whose profile
// holds it (lower is rarer).
type TechniqueRef struct {
	ID     debrief.TechniqueID `json:"id"`
	Name   string              `json:"name"`
	Groups int                 `json:"groups"`
}

// query is compiled evidence: features with their weights.
type query struct {
	feats []int32
	w     []float64
	techs []debrief.TechniqueID
	sw    []int32 // software features matched
	grp   []int32 // group features matched
}

func (q *query) add(f int32, w float64) {
	if i := slices.Index(q.feats, f); i >= 0 {
		q.w[i] = max(q.w[i], w)
		return
	}
	q.feats = append(q.feats, f)
	q.w = append(q.w, w)
}

func (m *Model) compile(ev Evidence) query {
	var q query
	for _, t := range ev.Techniques {
		l := m.cat.ResolveTechnique(string(t))
		if !l.Known() || slices.Contains(q.techs, l.Technique.ID) {
			continue
		}
		id := l.Technique.ID
		q.techs = append(q.techs, id)
		if f, ok := m.feat[string(id)]; ok {
			q.add(f, 1)
		}
		if f, ok := m.feat["^"+parentOf(string(id))]; ok && m.opts.ParentWeight > 0 {
			q.add(f, m.opts.ParentWeight)
		}
	}
	slices.Sort(q.techs)
	for _, f := range m.matchNames(ev) {
		q.add(f, m.opts.NameWeight)
		if isSoftwareKey(m.keys[f]) {
			q.sw = append(q.sw, f)
		} else {
			q.grp = append(q.grp, f)
		}
	}
	return q
}

// score adds each candidate's evidence to s (len(m.cands)).
func (m *Model) score(q query, s []float64) {
	if !m.opts.Ranker.IsZero() {
		m.scoreRanker(q, s)
		return
	}
	for i, f := range q.feats {
		w := q.w[i]
		for _, p := range m.post[f] {
			s[p.cand] += w * p.delta
		}
	}
}

// Rank ranks every candidate against the evidence and explains the best
// top (all when top ≤ 0).
func (m *Model) Rank(ev Evidence, top int) Result {
	q := m.compile(ev)
	if q.size() == 0 {
		// Every candidate would score alike: a ranking would only be the
		// catalog's order.
		return Result{Candidates: []Candidate{}, Reason: "no attribution: the incidents carry no known ATT&CK technique and no known software or actor name to compare"}
	}
	s := make([]float64, len(m.cands))
	m.score(q, s)
	conf := m.confidences(q, s)
	order := make([]int32, len(m.cands))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		return cmp.Or(cmp.Compare(s[b], s[a]), cmp.Compare(a, b))
	})
	if top <= 0 || top > len(order) {
		top = len(order)
	}
	r := Result{Techniques: q.techs, Candidates: make([]Candidate, 0, top)}
	for _, f := range q.sw {
		r.Software = append(r.Software, m.ref(f))
	}
	for _, f := range q.grp {
		r.Actors = append(r.Actors, m.ref(f))
	}
	for _, ci := range order[:top] {
		r.Candidates = append(r.Candidates, m.explain(q, ci, s[ci], conf[ci]))
	}
	r.Confident, r.Reason = m.verdict(q, s, conf)
	return r
}

// size is the number of items of the evidence: known techniques and
// matched names.
func (q *query) size() int { return len(q.techs) + len(q.sw) + len(q.grp) }

// confidences applies the model's calibration to the scores, separately
// over groups and over campaigns.
func (m *Model) confidences(q query, s []float64) []float64 {
	c := make([]float64, len(s))
	t := m.cal.temp(q.size())
	k := q.named()
	m.cal.apply(s[:m.nGroups], c[:m.nGroups], t, k, m.topStatsOf(q, s[:m.nGroups], 0))
	m.cal.apply(s[m.nGroups:], c[m.nGroups:], t, k, m.topStatsOf(q, s[m.nGroups:], m.nGroups))
	return c
}

// named is 1 when the evidence has matched software or actor names, else 0.
func (q *query) named() int {
	if len(q.sw)+len(q.grp) > 0 {
		return 1
	}
	return 0
}

// apply writes the calibrated confidences of scores s to out: the
// softmax at t, then the best candidate's confidence from the top-label
// model for evidence with names (k 1) or without (0), given ts. The
// others share the rest in proportion to their softmax shares, none
// above the best (see shareRest).
func (c Calibration) apply(s, out []float64, t float64, k int, ts topStats) {
	softmax(s, out, t)
	if c.Top[k] == ([topFeatures]float64{}) || len(s) < 2 {
		return
	}
	top := topOf(out)
	x := ts.features(out[top])
	shareRest(out, top, topConfidence(&c.Top[k], &x))
}

// softmax writes softmax(s / temp) to out.
func softmax(s, out []float64, temp float64) {
	if len(s) == 0 {
		return
	}
	mx := slices.Max(s)
	z := 0.0
	for i, v := range s {
		out[i] = math.Exp((v - mx) / temp)
		z += out[i]
	}
	for i := range out {
		out[i] /= z
	}
}

func (m *Model) verdict(q query, s, conf []float64) (bool, string) {
	switch {
	case len(q.techs) < 3 && len(q.sw)+len(q.grp) == 0:
		return false, "no confident attribution: fewer than 3 known techniques and no known software or actor names"
	case slices.Max(conf[:m.nGroups]) < MinConfidence:
		return false, "no confident attribution: no group stands out from the others"
	}
	return true, ""
}
