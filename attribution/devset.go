package attribution

import (
	"cmp"
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"

	"github.com/debrief-dev/debrief/attack"
)

// devMinTechniques is the fewest techniques a (group, report) pair of the
// development set holds.
const devMinTechniques = 5

// devQuery is one query of the development set: what one report alone
// tells of one group.
type devQuery struct {
	group      string   // ATT&CK id
	report     string   // the citation held out
	techniques []string // the group's Enterprise techniques whose relationship cites the report
	software   []string // its Enterprise software whose relationship cites the report
	campaign   bool     // a campaign cites the report too
}

// devSet is the development set of the attribution benchmark (its B2),
// made of groups' own data, never of campaigns: for each current
// Enterprise group and each report cited by at least 5 of its technique
// relationships and by no other group's, the query is those techniques
// (and the software its relationships to which cite the report), to be
// ranked against the catalog without every relationship known only from
// that report (WithoutCitedOnly). Pairs whose report a campaign cites
// are dropped (dropped counts them), so that nothing fitted on the set
// has seen a campaign the evaluation ranks. Queries come in group order,
// then report order.
func devSet(cat *attack.Catalog) (qs []devQuery, dropped int) {
	for _, q := range devPairs(cat) {
		if q.campaign {
			dropped++
			continue
		}
		qs = append(qs, q)
	}
	return qs, dropped
}

// devPairs is the development set before the pairs whose report a
// campaign cites are dropped: the reference's B2.
func devPairs(cat *attack.Catalog) (qs []devQuery) {
	campaignCites := map[string]bool{}
	for _, c := range cat.Campaigns() {
		for _, r := range c.Citations {
			campaignCites[r] = true
		}
	}
	type groupReports struct {
		id    string
		techs map[string][]string // report → techniques
		sw    map[string][]string // report → software
	}
	var gs []groupReports
	citedBy := map[string]int{} // report → groups whose technique relationships cite it
	for _, g := range cat.Groups() {
		if !g.Active() || !slices.Contains(g.Domains, enterprise) {
			continue
		}
		gr := groupReports{id: g.ID, techs: map[string][]string{}, sw: map[string][]string{}}
		cites := cat.GroupUseCitations(g.ID)
		for _, t := range enterpriseTechniques(cat, g.Techniques) {
			for _, r := range cites[t] {
				gr.techs[r] = append(gr.techs[r], t)
			}
		}
		for _, s := range enterpriseSoftware(cat, g.Software) {
			for _, r := range cites[s] {
				gr.sw[r] = append(gr.sw[r], s)
			}
		}
		for r := range gr.techs {
			citedBy[r]++
		}
		gs = append(gs, gr)
	}
	slices.SortFunc(gs, func(a, b groupReports) int { return cmp.Compare(a.id, b.id) })
	for _, g := range gs {
		for _, r := range slices.Sorted(maps.Keys(g.techs)) {
			ts := g.techs[r]
			if len(ts) < devMinTechniques || citedBy[r] != 1 {
				continue
			}
			slices.Sort(ts)
			sw := g.sw[r]
			slices.Sort(sw)
			qs = append(qs, devQuery{group: g.id, report: r, techniques: ts, software: sw, campaign: campaignCites[r]})
		}
	}
	return qs
}

// devMinQueries is the fewest development queries Calibrate fits on.
const devMinQueries = 50

// devDraws is how many partial observations of each fraction a
// development query adds to its full observation.
const devDraws = 2

// devPoints ranks the development set (see Calibrate) with m's options:
// nil when the catalog has fewer than devMinQueries queries.
func (m *Model) devPoints(seed uint64) []fitPoint {
	return slices.Concat(m.devQueryPointsAll(seed)...)
}

// devQueryPointsAll is devPoints by query.
func (m *Model) devQueryPointsAll(seed uint64) [][]fitPoint {
	qs, _ := devSet(m.cat)
	if len(qs) < devMinQueries {
		return nil
	}
	evs := devObservations(qs, seed)
	pts := make([][]fitPoint, len(qs))
	parallel(len(qs), func(i int) { pts[i] = m.devQueryPoints(qs[i], evs[i]) })
	return pts
}

// devObservations are the observations of each development query: all
// of its techniques, and devDraws draws each of 50% and 30% of them (at
// least 3), each alone and, when the query has software, with as large a
// share of it (names). They are drawn in order, so that what is fitted
// on them does not depend on how the queries are shared among workers.
func devObservations(qs []devQuery, seed uint64) [][]Evidence {
	rng := rand.New(rand.NewPCG(seed, 2))
	evs := make([][]Evidence, len(qs))
	for i, q := range qs {
		ts, sw := [][]string{q.techniques}, [][]string{q.software}
		for _, f := range []float64{0.5, 0.3} {
			for range devDraws {
				ts = append(ts, shuffled(rng, q.techniques)[:take(f, len(q.techniques), 3)])
				sw = append(sw, shuffled(rng, q.software)[:take(f, len(q.software), 0)])
			}
		}
		for j, t := range ts {
			evs[i] = append(evs[i], Evidence{Techniques: toTechniqueIDs(t)})
			if len(q.software) > 0 { // the same observation with names
				evs[i] = append(evs[i], Evidence{Techniques: toTechniqueIDs(t), Software: sw[j]})
			}
		}
	}
	return evs
}

// parallel calls f(0) … f(n-1) on GOMAXPROCS workers.
func parallel(n int, f func(int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				f(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// devQueryPoints ranks the observations of one development query against
// the catalog without what only its report tells.
func (m *Model) devQueryPoints(q devQuery, evs []Evidence) []fitPoint {
	o := m.opts
	o.Temperature, o.Calibration = 1, nil
	rm, err := New(m.cat.WithoutCitedOnly([]string{q.report}), o)
	if err != nil {
		return nil
	}
	truth := slices.IndexFunc(rm.cands[:rm.nGroups], func(c cand) bool { return c.id == q.group })
	if truth < 0 {
		return nil
	}
	out := make([]fitPoint, 0, len(evs))
	for _, ev := range evs {
		cq := rm.compile(ev)
		s := make([]float64, len(rm.cands))
		rm.score(cq, s)
		out = append(out, rm.fitPointOf(cq, s, truth, 1))
	}
	return out
}
