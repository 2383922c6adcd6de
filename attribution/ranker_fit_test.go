package attribution

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/internal/testutil"
)

var refit = flag.Bool("refit", false, "fit the Ranker on the development set, print its cross-validation and rewrite ranker_table.go")

// devList is one observation of a development query, ranked: the
// features of every group, the true group, and what the observation is.
type devList struct {
	x     []float64 // nGroups · nFeatures
	truth int
	group string
	obs   int // 0 all techniques, 1 a 50% draw, 2 a 30% draw
	named int // 1 with software names
	techs int // observed techniques
}

// devLists computes the features of every observation of the
// development set (devObservations), each query against the catalog
// without what only its report tells, with the evaluation's options.
func devLists(t testing.TB) []devList {
	cat := embedded(t)
	cs, _ := attributed(cat)
	o := calibrationOptions(cs)
	o.Ranker, o.Temperature = Ranker{}, 1
	qs, _ := devSet(cat)
	evs := devObservations(qs, calibrationSeed)
	out := make([][]devList, len(qs))
	parallel(len(qs), func(i int) {
		q := qs[i]
		rm, err := New(cat.WithoutCitedOnly([]string{q.report}), o)
		if err != nil {
			t.Error(err)
			return
		}
		truth := slices.IndexFunc(rm.cands[:rm.nGroups], func(c cand) bool { return c.id == q.group })
		if truth < 0 {
			return
		}
		per := 1 // observations per technique set
		if len(q.software) > 0 {
			per = 2
		}
		for j, ev := range evs[i] {
			x := make([]float64, len(rm.cands)*nFeatures)
			cq := rm.compile(ev)
			rm.features(cq, x)
			out[i] = append(out[i], devList{x: x[:rm.nGroups*nFeatures], truth: truth, group: q.group,
				obs: min((j/per+1)/2, 2), named: cq.named(), techs: len(cq.techs)})
		}
	})
	return slices.Concat(out...)
}

// fitRanker minimises the mean negative log-likelihood of the true group
// under a softmax of the Ranker's scores over the lists, plus lambda/2 ·
// |W|² (Newton's method with a backtracking line search). Weights of
// features not in use stay 0.
func fitRanker(ls []devList, use []int, lambda float64) Ranker {
	d := len(use)
	w := make([]float64, d)
	loss := func(w []float64, grad []float64, hess [][]float64) float64 {
		total := 0.0
		for i := range grad {
			grad[i] = 0
		}
		for _, h := range hess {
			clear(h)
		}
		px := make([]float64, d)
		for _, l := range ls {
			n := len(l.x) / nFeatures
			s := make([]float64, n)
			for g := range n {
				for k, f := range use {
					s[g] += w[k] * l.x[g*nFeatures+f]
				}
			}
			mx := slices.Max(s)
			z := 0.0
			for g := range s {
				s[g] = math.Exp(s[g] - mx)
				z += s[g]
			}
			total -= math.Log(s[l.truth] / z)
			if grad == nil {
				continue
			}
			clear(px)
			for g := range n {
				p := s[g] / z
				for a, fa := range use {
					xa := l.x[g*nFeatures+fa]
					px[a] += p * xa
					if hess != nil {
						for b, fb := range use {
							hess[a][b] += p * xa * l.x[g*nFeatures+fb]
						}
					}
				}
			}
			for a, fa := range use {
				grad[a] += px[a] - l.x[l.truth*nFeatures+fa]
				if hess != nil {
					for b := range use {
						hess[a][b] -= px[a] * px[b]
					}
				}
			}
		}
		nl := float64(len(ls))
		total /= nl
		for a := range w {
			total += lambda / 2 * w[a] * w[a]
			if grad != nil {
				grad[a] = grad[a]/nl + lambda*w[a]
			}
			if hess != nil {
				for b := range w {
					hess[a][b] /= nl
				}
				hess[a][a] += lambda
			}
		}
		return total
	}
	grad := make([]float64, d)
	hess := make([][]float64, d)
	for i := range hess {
		hess[i] = make([]float64, d)
	}
	cur := loss(w, grad, hess)
	for range 50 {
		step := solve(hess, grad)
		next := make([]float64, d)
		improved := false
		for t := 1.0; t > 1e-6; t /= 2 {
			for i := range w {
				next[i] = w[i] - t*step[i]
			}
			if v := loss(next, nil, nil); v < cur {
				improved = true
				break
			}
		}
		if !improved {
			break
		}
		prev := cur
		w = next
		cur = loss(w, grad, hess)
		if prev-cur < 1e-10 {
			break
		}
	}
	var r Ranker
	for k, f := range use {
		r.W[f] = w[k]
	}
	return r
}

// solve solves a·x = b by Gaussian elimination with partial pivoting.
func solve(a [][]float64, b []float64) []float64 {
	n := len(b)
	m := make([][]float64, n)
	for i := range m {
		m[i] = append(slices.Clone(a[i]), b[i])
	}
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(m[r][c]) > math.Abs(m[p][c]) {
				p = r
			}
		}
		m[c], m[p] = m[p], m[c]
		if m[c][c] == 0 {
			continue
		}
		for r := c + 1; r < n; r++ {
			f := m[r][c] / m[c][c]
			for k := c; k <= n; k++ {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		v := m[r][n]
		for k := r + 1; k < n; k++ {
			v -= m[r][k] * x[k]
		}
		if m[r][r] != 0 {
			x[r] = v / m[r][r]
		}
	}
	return x
}

// devMetrics are ranking metrics on development lists, by evidence (T,
// T+S) and observation (all, partial).
type devMetrics struct {
	n              [2][2]int
	top1, top5, rr [2][2]float64
	nll            float64
}

func measure(ls []devList, r Ranker) devMetrics {
	var dm devMetrics
	for _, l := range ls {
		s := l.scores(r)
		hits, rr, _ := rankStats(s, []int{l.truth})
		o := min(l.obs, 1)
		dm.n[l.named][o]++
		dm.top1[l.named][o] += hits[0]
		dm.top5[l.named][o] += hits[2]
		dm.rr[l.named][o] += rr
		dm.nll -= logSoftmaxAt(s, l.truth, 1)
	}
	dm.nll /= float64(len(ls))
	return dm
}

func (dm devMetrics) add(o devMetrics, w float64) devMetrics {
	for a := range 2 {
		for b := range 2 {
			dm.n[a][b] += o.n[a][b]
			dm.top1[a][b] += o.top1[a][b]
			dm.top5[a][b] += o.top5[a][b]
			dm.rr[a][b] += o.rr[a][b]
		}
	}
	dm.nll += o.nll * w
	return dm
}

func (dm devMetrics) row() string {
	var b strings.Builder
	for named := range 2 {
		for o := range 2 {
			n := float64(dm.n[named][o])
			fmt.Fprintf(&b, " %5.3f %5.3f %5.3f |", dm.top1[named][o]/n, dm.top5[named][o]/n, dm.rr[named][o]/n)
		}
	}
	fmt.Fprintf(&b, " %6.3f", dm.nll)
	return b.String()
}

// devFolds splits the development lists into k folds by group (a
// group's queries all in one fold), with a fixed seed.
func devFolds(ls []devList, k int) []int {
	var groups []string
	for _, l := range ls {
		if !slices.Contains(groups, l.group) {
			groups = append(groups, l.group)
		}
	}
	slices.Sort(groups)
	rng := rand.New(rand.NewPCG(calibrationSeed, 5))
	rng.Shuffle(len(groups), func(i, j int) { groups[i], groups[j] = groups[j], groups[i] })
	fold := make([]int, len(ls))
	for i, l := range ls {
		fold[i] = slices.Index(groups, l.group) % k
	}
	return fold
}

// crossValidate fits on all folds but one and measures on that one, for
// each fold; a nil fit measures r as it is.
func crossValidate(ls []devList, fold []int, k int, fit func([]devList) Ranker, r Ranker) devMetrics {
	var total devMetrics
	for f := range k {
		var train, test []devList
		for i, l := range ls {
			if fold[i] == f {
				test = append(test, l)
			} else {
				train = append(train, l)
			}
		}
		rf := r
		if fit != nil {
			rf = fit(train)
		}
		total = total.add(measure(test, rf), float64(len(test))/float64(len(ls)))
	}
	return total
}

// cvReciprocal is each list's reciprocal rank of the true group when
// its fold is held out: fit on the others (a nil fit: r as it is).
func cvReciprocal(ls []devList, fold []int, k int, fit func([]devList) Ranker, r Ranker) []float64 {
	out := make([]float64, len(ls))
	for f := range k {
		var train []devList
		for i, l := range ls {
			if fold[i] != f {
				train = append(train, l)
			}
		}
		rf := r
		if fit != nil {
			rf = fit(train)
		}
		for i, l := range ls {
			if fold[i] == f {
				_, out[i], _ = rankStats(l.scores(rf), []int{l.truth})
			}
		}
	}
	return out
}

func (l devList) scores(r Ranker) []float64 {
	n := len(l.x) / nFeatures
	s := make([]float64, n)
	for g := range n {
		for k, v := range l.x[g*nFeatures : (g+1)*nFeatures] {
			s[g] += r.W[k] * v
		}
	}
	return s
}

// bootstrapMean is the mean of d and its 95% interval when the units
// (unit[i] is d[i]'s) are drawn again with replacement, 1000 times.
func bootstrapMean(d []float64, unit []int) (mean float64, lo, hi float64) {
	by := map[int][]int{}
	var units []int
	for i, u := range unit {
		if by[u] == nil {
			units = append(units, u)
		}
		by[u] = append(by[u], i)
	}
	for _, v := range d {
		mean += v
	}
	mean /= float64(len(d))
	rng := rand.New(rand.NewPCG(calibrationSeed, 6))
	const reps = 1000
	ms := make([]float64, reps)
	for r := range ms {
		sum, n := 0.0, 0
		for range units {
			for _, i := range by[units[rng.IntN(len(units))]] {
				sum += d[i]
				n++
			}
		}
		ms[r] = sum / float64(n)
	}
	slices.Sort(ms)
	return mean, ms[reps/40], ms[reps-1-reps/40]
}

// plainRanker is the Ranker that scores as the zero one does with o.
func plainRanker(o Options) Ranker {
	var r Ranker
	r.W[fTech], r.W[fParent], r.W[fNames] = 1, o.ParentWeight, o.NameWeight
	return r
}

// rankerFeatures are the features FittedRanker weighs, and rankerLambda
// its L2 penalty: the feature set that ranks the development set best
// held out by group (TestRankerFit -refit prints the table).
var rankerFeatures = []int{fTech, fParent, fNames, fNamesMax, fCover, fSize, fTechNorm}

const rankerLambda = 0.001

// TestRankerFit fits the Ranker on the development set of groups' own
// reports (never campaigns) and checks that ranker_table.go holds it.
// With -refit it prints the 5-fold cross-validation by group (a group's
// queries all held out together) of feature sets against the plain
// naive-Bayes score of DefaultOptions, and rewrites ranker_table.go. It
// takes about a minute (-refit several).
func TestRankerFit(t *testing.T) {
	if testing.Short() && !*refit {
		t.Skip("fits the ranker on the development set (about a minute)")
	}
	ls := devLists(t)
	fitted := fitRanker(ls, rankerFeatures, rankerLambda)
	if !*refit {
		if fitted != fittedRanker {
			t.Errorf("ranker_table.go holds %v, the development set fits %v; run go test ./attribution -run TestRankerFit -refit", fittedRanker, fitted)
		}
		return
	}
	const k = 5
	fold := devFolds(ls, k)
	t.Logf("%d observations of the development set, %d folds by group", len(ls), k)
	t.Logf("%-26s %-19s | %-17s | %-17s | %-17s | %s", "5-fold CV by group", "T all: top1 top5 MRR", "T partial", "T+S all", "T+S partial", "NLL")
	t.Logf("%-26s%s", "default (plain naive Bayes)", crossValidate(ls, fold, k, nil, plainRanker(DefaultOptions())).row())
	sets := []struct {
		name string
		use  []int
	}{
		{"naive-Bayes terms", []int{fTech, fParent, fNames}},
		{"+ names n", []int{fTech, fParent, fNames, fNamesN}},
		{"+ √tech", []int{fTech, fParent, fNames, fTechSqrt}},
		{"+ cover", []int{fTech, fParent, fNames, fCover}},
		{"+ jaccard", []int{fTech, fParent, fNames, fJaccard}},
		{"+ size", []int{fTech, fParent, fNames, fSize}},
		{"+ tech/n", []int{fTech, fParent, fNames, fTechMean}},
		{"+ tech/√n", []int{fTech, fParent, fNames, fTechNorm}},
		{"+ names max", []int{fTech, fParent, fNames, fNamesMax}},
		{"+ precision", []int{fTech, fParent, fNames, fPrecision}},
		{"chosen", rankerFeatures},
		{"chosen - cover - size", []int{fTech, fParent, fNames, fNamesMax, fTechNorm, fJaccard}},
		{"all", []int{fTech, fParent, fNames, fNamesN, fTechSqrt, fCover, fJaccard, fSize, fTechMean, fTechNorm, fNamesMax, fPrecision}},
	}
	for _, set := range sets {
		cv := crossValidate(ls, fold, k, func(tr []devList) Ranker { return fitRanker(tr, set.use, rankerLambda) }, Ranker{})
		t.Logf("%-26s%s", set.name, cv.row())
		t.Logf("    fitted on all: %v", fitRanker(ls, set.use, rankerLambda))
	}
	base := cvReciprocal(ls, fold, k, nil, plainRanker(DefaultOptions()))
	chosen := cvReciprocal(ls, fold, k, func(tr []devList) Ranker { return fitRanker(tr, rankerFeatures, rankerLambda) }, Ranker{})
	groupOf := map[string]int{}
	for named, ev := range []string{"T", "T+S"} {
		var d []float64
		var unit []int
		for i, l := range ls {
			if l.named == named {
				if _, ok := groupOf[l.group]; !ok {
					groupOf[l.group] = len(groupOf)
				}
				d, unit = append(d, chosen[i]-base[i]), append(unit, groupOf[l.group])
			}
		}
		m, lo, hi := bootstrapMean(d, unit)
		t.Logf("chosen − default, %s: MRR %+.3f, 95%% interval over groups %+.3f to %+.3f (%d observations)", ev, m, lo, hi, len(d))
	}
	var buf bytes.Buffer
	buf.WriteString("// Code generated by go test -run TestRankerFit -refit; DO NOT EDIT.\n\npackage attribution\n\n")
	buf.WriteString("// fittedRanker is FittedRanker, fitted on the development set (see\n// TestRankerFit).\n")
	buf.WriteString("var fittedRanker = Ranker{W: [nFeatures]float64{")
	for i, w := range fitted.W {
		if w != 0 {
			fmt.Fprintf(&buf, "%s: %#v, ", featureConst[i], w)
		}
	}
	buf.WriteString("}}\n")
	src, err := format.Source(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("ranker_table.go", src, 0o644); err != nil {
		t.Fatal(err)
	}
}

// featureConst names the features' constants, for ranker_table.go.
var featureConst = [nFeatures]string{"fTech", "fParent", "fNames", "fNamesN", "fTechSqrt", "fCover", "fJaccard", "fSize", "fTechMean", "fTechNorm", "fNamesMax", "fPrecision"}

var rankerEval = flag.Bool("rankereval", false, "print the campaign evaluation of FittedRanker beside DefaultOptions'")

// TestRankerEval prints debrief's rows of the campaign evaluation (saved
// draws) with DefaultOptions' score and with FittedRanker: the fitted
// ranker is chosen on the development set only, and this is how it
// fares on ATT&CK's campaigns (run with -rankereval, once per ranker).
func TestRankerEval(t *testing.T) {
	if !*rankerEval {
		t.Skip("prints the campaign evaluation of the fitted ranker; run with -rankereval")
	}
	cat := embedded(t)
	draws, err := ReadDraws(filepath.Join(testutil.SharedData(t, "attribution"), "partial_draws.json"))
	if err != nil {
		t.Fatal(err)
	}
	fr := FittedRanker()
	campaignDifference(t, cat, draws, fr)
	for _, r := range []struct {
		name string
		r    *Ranker
	}{{"default", nil}, {"fitted", &fr}} {
		rep, err := Evaluate(cat, EvalOptions{Draws: draws, Ranker: r.r})
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rep.Rows {
			if row.Method == "debrief" {
				t.Logf("%-8s %-3s %-4s top1 %.3f top3 %.3f top5 %.3f top10 %.3f MRR %.3f", r.name, row.Evidence, row.Obs, row.Top1, row.Top3, row.Top5, row.Top10, row.MRR)
			}
		}
	}
}

// TestPlainRanker checks that the Ranker of the naive-Bayes terms
// weighed as the evidence weighs them (plainRanker) scores every
// candidate as the zero Ranker does, and that the fitted one ranks
// otherwise.
func TestPlainRanker(t *testing.T) {
	cat := embedded(t)
	o := DefaultOptions()
	o.Temperature = 1
	plain, err := New(cat, o)
	if err != nil {
		t.Fatal(err)
	}
	o.Ranker = plainRanker(o)
	lin, err := New(cat, o)
	if err != nil {
		t.Fatal(err)
	}
	o.Ranker = FittedRanker()
	fit, err := New(cat, o)
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := attributed(cat)
	differ := 0
	for _, c := range cs {
		ev := Evidence{Techniques: toTechniqueIDs(c.techniques), Software: c.software}
		q := plain.compile(ev)
		a, b, f := make([]float64, plain.Candidates()), make([]float64, plain.Candidates()), make([]float64, plain.Candidates())
		plain.score(q, a)
		lin.score(q, b)
		fit.score(q, f)
		for i := range a {
			if math.Abs(a[i]-b[i]) > 1e-9 {
				t.Fatalf("%s: candidate %s scores %g plain, %g by plainRanker", c.id, plain.cands[i].id, a[i], b[i])
			}
		}
		if topOf(f[:fit.Groups()]) != topOf(a[:plain.Groups()]) {
			differ++
		}
	}
	if differ == 0 {
		t.Errorf("the fitted ranker puts the same group first as the plain score on all %d campaigns", len(cs))
	}
}

// BenchmarkRankFitted is BenchmarkRank with FittedRanker's score.
func BenchmarkRankFitted(b *testing.B) {
	o := DefaultOptions()
	o.Ranker = FittedRanker()
	m, err := New(embedded(b), o)
	if err != nil {
		b.Fatal(err)
	}
	c, _ := embedded(b).Campaign("C0024")
	ev := Evidence{Techniques: c.Techniques[:len(c.Techniques)/2], Software: c.Software}
	b.ReportAllocs()
	for b.Loop() {
		m.Rank(ev, 10)
	}
	b.ReportMetric(float64(m.Candidates()), "candidates")
}

// campaignDifference prints, by evidence and observation level, how much
// r changes debrief's mean reciprocal rank of the true group on the
// campaigns (loco_cite, the saved draws), with its 95% interval when the
// 23 campaigns are drawn again.
func campaignDifference(t *testing.T, cat *attack.Catalog, draws *Draws, r Ranker) {
	cs, _ := attributed(cat)
	type key struct{ ev, obs string }
	d := map[key][]float64{}
	for _, c := range cs {
		var ms [2]*Model
		for i, rk := range []Ranker{{}, r} {
			o := evalOptions()
			o.Exclude, o.Temperature, o.Ranker = []string{c.id}, 1, rk
			m, err := New(LOCOCite.catalog(cat, c.id), o)
			if err != nil {
				t.Fatal(err)
			}
			ms[i] = m
		}
		var truth []int
		for g := range ms[0].nGroups {
			if slices.Contains(c.groups, ms[0].cands[g].id) {
				truth = append(truth, g)
			}
		}
		obs := []observation{{"full", [][]string{c.techniques}, [][]string{c.software}}}
		for _, fs := range fractions() {
			obs = append(obs, observation{fs, draws.Techniques[fs][c.id], draws.Software[fs][c.id]})
		}
		for _, ob := range obs {
			for _, ev := range []string{"T", "T+S"} {
				diff := 0.0
				for j, ts := range ob.techniques {
					e := Evidence{Techniques: toTechniqueIDs(ts)}
					if ev == "T+S" && j < len(ob.software) {
						e.Software = ob.software[j]
					}
					var rr [2]float64
					for i, m := range ms {
						s := make([]float64, len(m.cands))
						m.score(m.compile(e), s)
						_, rr[i], _ = rankStats(s[:m.nGroups], truth)
					}
					diff += rr[1] - rr[0]
				}
				k := key{ev, ob.obs}
				d[k] = append(d[k], diff/float64(len(ob.techniques)))
			}
		}
	}
	unit := make([]int, len(cs))
	for i := range unit {
		unit[i] = i
	}
	for _, ev := range []string{"T", "T+S"} {
		for _, obs := range []string{"full", "0.5", "0.3"} {
			m, lo, hi := bootstrapMean(d[key{ev, obs}], unit)
			t.Logf("fitted − default, %-3s %-4s: MRR %+.3f, 95%% interval over campaigns %+.3f to %+.3f", ev, obs, m, lo, hi)
		}
	}
}
