package attribution

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/debrief-dev/debrief/attack"
)

var ks = [4]int{1, 3, 5, 10}

type rowAcc struct {
	n        int
	hits     [4]float64
	rr, rank float64
	conf     []float64 // top-1 confidence per query (debrief only)
	right    []bool    // top-1 correct
	camp     []int     // the query's campaign, by index
	cur      int       // the campaign being evaluated
}

func (a *rowAcc) row(method, evidence, obs string) Row {
	n := float64(a.n)
	r := Row{Method: method, Evidence: evidence, Obs: obs, N: a.n, Top1: round(a.hits[0]/n, 3), Top3: round(a.hits[1]/n, 3),
		Top5: round(a.hits[2]/n, 3), Top10: round(a.hits[3]/n, 3), MRR: round(a.rr/n, 3), MeanRank: round(a.rank/n, 1)}
	if len(a.conf) > 0 {
		e := round(ece(reliability(a.conf, a.right)), 3)
		r.ECE = &e
	}
	return r
}

// rankStats is where the best-scoring true group ranks among the others
// (other true groups left out), ties at their expected rank: the expected
// top-k hits, reciprocal rank and rank.
func rankStats(s []float64, truth []int) (hits [4]float64, rr, rank float64) {
	best := truth[0]
	for _, t := range truth {
		if s[t] > s[best] {
			best = t
		}
	}
	greater, ties := 0, 1
	for i, v := range s {
		switch {
		case slices.Contains(truth, i):
		case v > s[best]:
			greater++
		case v == s[best]:
			ties++
		}
	}
	for i, k := range ks {
		hits[i] = float64(max(0, min(k, greater+ties)-greater)) / float64(ties)
	}
	for i := 1; i <= ties; i++ {
		rr += 1 / float64(greater+i)
	}
	return hits, rr / float64(ties), float64(greater) + float64(ties+1)/2
}

// reliability bins top-1 confidences in tenths.
func reliability(conf []float64, right []bool) []Bin {
	bins := make([]Bin, 10)
	for i := range bins {
		bins[i].Lo, bins[i].Hi = float64(i)/10, float64(i+1)/10
	}
	for i, p := range conf {
		b := &bins[min(int(p*10), 9)]
		b.N++
		b.Predicted += p
		if right[i] {
			b.Observed++
		}
	}
	for i := range bins {
		if n := float64(bins[i].N); n > 0 {
			bins[i].Predicted, bins[i].Observed = round(bins[i].Predicted/n, 3), round(bins[i].Observed/n, 3)
		}
	}
	return bins
}

// ece is the expected calibration error of a reliability table.
func ece(bins []Bin) float64 {
	n, e := 0, 0.0
	for _, b := range bins {
		n += b.N
		d := b.Predicted - b.Observed
		e += float64(b.N) * max(d, -d)
	}
	if n == 0 {
		return 0
	}
	return e / float64(n)
}

// eceInterval is the 95% bootstrap interval of the ECE when the n
// campaigns are drawn again with replacement (1000 times, fixed seed):
// the draws of one campaign are not independent queries, so the
// campaigns are the unit.
func eceInterval(conf []float64, right []bool, camp []int, n int) [2]float64 {
	by := make([][]int, n)
	for i, c := range camp {
		by[c] = append(by[c], i)
	}
	rng := rand.New(rand.NewPCG(DefaultSeed, 3))
	const reps = 1000
	eces := make([]float64, reps)
	var bc []float64
	var br []bool
	for r := range eces {
		bc, br = bc[:0], br[:0]
		for range n {
			for _, i := range by[rng.IntN(n)] {
				bc, br = append(bc, conf[i]), append(br, right[i])
			}
		}
		eces[r] = ece(reliability(bc, br))
	}
	slices.Sort(eces)
	return [2]float64{round(eces[reps/40], 3), round(eces[reps-1-reps/40], 3)}
}

// Evaluate runs the evaluation under o.Protocol (see Protocol.Text) for
// debrief's ranking and the baselines, with the embedded or given
// catalog only.
func Evaluate(cat *attack.Catalog, o EvalOptions) (*Report, error) {
	cs, skipped := attributed(cat)
	if len(cs) == 0 {
		return nil, fmt.Errorf("evaluate: the catalog has no attributed Enterprise campaigns")
	}
	d, err := evalDraws(cs, o)
	if err != nil {
		return nil, err
	}
	base := evalOptions()
	if o.Ranker != nil {
		base.Ranker = *o.Ranker
	}
	co := calibrationOptions(cs)
	co.Ranker = base.Ranker
	cal, err := New(cat, co)
	if err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	cb := cal.Calibration()
	base.Calibration = &cb
	proto, err := ParseProtocol(string(o.Protocol))
	if err != nil {
		return nil, fmt.Errorf("evaluate: %w", err)
	}
	rep := &Report{Catalog: catalogName(cat), Setting: proto, Protocol: proto.Text(), Skipped: skipped, Draws: d.Source,
		Temperature: round(cb.Temperature, 3), Groups: cal.Groups(),
		Calibration: cb.String() + "; all evaluated campaigns left out of the profiles"}
	acc := map[[3]string]*rowAcc{}
	var relConf [2][]float64
	var relRight [2][]bool
	var relCamp [2][]int
	for ci, c := range cs {
		rep.Campaigns = append(rep.Campaigns, c.id)
		if err := evalCampaign(proto.catalog(cat, c.id), base, ci, c, d, acc, &rep.Abstention); err != nil {
			return nil, err
		}
	}
	for _, mt := range methods() {
		for _, obs := range []string{"full", "0.5", "0.3"} {
			a := acc[[3]string{mt.name, mt.evidence, obs}]
			rep.Rows = append(rep.Rows, a.row(mt.name, mt.evidence, obs))
			if mt.name == "debrief" {
				k := 0
				if mt.software {
					k = 1
				}
				relConf[k], relRight[k] = append(relConf[k], a.conf...), append(relRight[k], a.right...)
				relCamp[k] = append(relCamp[k], a.camp...)
			}
		}
	}
	rep.ReliabilityT, rep.Reliability = reliability(relConf[0], relRight[0]), reliability(relConf[1], relRight[1])
	rep.ECET, rep.ECE = round(ece(rep.ReliabilityT), 3), round(ece(rep.Reliability), 3)
	rep.ECETInterval = eceInterval(relConf[0], relRight[0], relCamp[0], len(cs))
	rep.ECEInterval = eceInterval(relConf[1], relRight[1], relCamp[1], len(cs))
	if err := abstention(cat, proto, base, &rep.Abstention); err != nil {
		return nil, err
	}
	return rep, nil
}

// evalOptions are the options of the evaluated models: Enterprise groups
// only.
func evalOptions() Options {
	o := DefaultOptions()
	o.Domain, o.NoCampaigns = enterprise, true
	return o
}

// calibrationOptions are those of the model the evaluation's calibration
// is fitted on: every evaluated campaign left out.
func calibrationOptions(cs []benchCampaign) Options {
	o := evalOptions()
	for _, c := range cs {
		o.Exclude = append(o.Exclude, c.id)
	}
	return o
}

func evalDraws(cs []benchCampaign, o EvalOptions) (*Draws, error) {
	if o.Draws != nil {
		return o.Draws, checkDraws(o.Draws, cs)
	}
	seed, n := o.Seed, o.N
	if seed == 0 {
		seed = DefaultSeed
	}
	if n <= 0 {
		n = 20
	}
	sets := make([]drawSet, len(cs))
	for i, c := range cs {
		sets[i] = c.drawSet
	}
	return newDraws(sets, seed, n), nil
}

func catalogName(cat *attack.Catalog) string {
	for _, d := range cat.Domains() {
		if d.Name == enterprise {
			return "ATT&CK Enterprise v" + d.Version
		}
	}
	return "ATT&CK"
}

type observation struct {
	obs        string
	techniques [][]string
	software   [][]string
}

func evalCampaign(cat *attack.Catalog, base Options, ci int, c benchCampaign, d *Draws, acc map[[3]string]*rowAcc, ab *Abstain) error {
	models := map[string]*Model{}
	obs := []observation{{"full", [][]string{c.techniques}, [][]string{c.software}}}
	for _, fs := range fractions() {
		obs = append(obs, observation{fs, d.Techniques[fs][c.id], d.Software[fs][c.id]})
	}
	for _, mt := range methods() {
		o := mt.opts(base)
		o.Exclude = []string{c.id}
		key := fmt.Sprint(o.SoftwareWeight, o.ParentWeight, o.NameWeight, o.Smoothing, o.Ranker)
		m := models[key]
		if m == nil {
			var err error
			if m, err = New(cat, o); err != nil {
				return fmt.Errorf("evaluate %s: %w", c.id, err)
			}
			models[key] = m
		}
		var truth []int
		for i := range m.nGroups {
			if slices.Contains(c.groups, m.cands[i].id) {
				truth = append(truth, i)
			}
		}
		for _, ob := range obs {
			k := [3]string{mt.name, mt.evidence, ob.obs}
			if acc[k] == nil {
				acc[k] = &rowAcc{}
			}
			acc[k].cur = ci
			for i, ts := range ob.techniques {
				ev := Evidence{Techniques: toTechniqueIDs(ts)}
				if mt.software && i < len(ob.software) {
					ev.Software = ob.software[i]
				}
				evalQuery(m, mt, ev, truth, acc[k], ab, ob.obs == "full" && mt.name == "debrief" && mt.software)
			}
		}
	}
	return nil
}

func evalQuery(m *Model, mt method, ev Evidence, truth []int, a *rowAcc, ab *Abstain, count bool) {
	q := m.compile(ev)
	s := make([]float64, len(m.cands))
	mt.score(m, q, s)
	h, rr, rank := rankStats(s[:m.nGroups], truth)
	a.n++
	a.rr += rr
	a.rank += rank
	for i := range h {
		a.hits[i] += h[i]
	}
	if mt.name != "debrief" {
		return
	}
	conf := m.confidences(q, s)
	top := 0
	for i := range m.nGroups {
		if s[i] > s[top] {
			top = i
		}
	}
	right := slices.Contains(truth, top)
	a.conf = append(a.conf, conf[top])
	a.right = append(a.right, right)
	a.camp = append(a.camp, a.cur)
	if count {
		ab.Attributed++
		if ok, _ := m.verdict(q, s, conf); ok {
			ab.AttributedConfident++
			if right {
				ab.ConfidentCorrect++
			}
		}
	}
}

// abstention ranks ATT&CK's unattributed Enterprise campaigns (≥ 3
// techniques, with their software), each left out of the profiles as
// proto says.
func abstention(cat *attack.Catalog, proto Protocol, base Options, ab *Abstain) error {
	for _, c := range cat.Campaigns() {
		if !c.Active() || !slices.Contains(c.Domains, enterprise) || len(c.Groups) > 0 {
			continue
		}
		techs := enterpriseTechniques(cat, c.Techniques)
		if len(techs) < 3 {
			continue
		}
		o := base
		o.Exclude = []string{c.ID}
		m, err := New(proto.catalog(cat, c.ID), o)
		if err != nil {
			return fmt.Errorf("evaluate %s: %w", c.ID, err)
		}
		ab.Unattributed++
		if !m.Rank(Evidence{Techniques: toTechniqueIDs(techs), Software: c.Software}, 1).Confident {
			ab.UnattributedAbstained++
		}
	}
	return nil
}
