package attribution

import (
	"flag"
	"fmt"
	"testing"
)

var tune = flag.Bool("tune", false, "TestTune: search the ranking options on the group simulation and print the scores")

// simModel is a model for the group simulation: Enterprise groups, every
// evaluated campaign left out, so nothing of them reaches the profiles.
func simModel(t testing.TB, o Options) *Model {
	t.Helper()
	cat := embedded(t)
	cs, _ := attributed(cat)
	base := calibrationOptions(cs)
	o.Domain, o.NoCampaigns, o.Exclude, o.Temperature = base.Domain, base.NoCampaigns, base.Exclude, 1
	m, err := New(cat, o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func fmtSim(o Options, s SimScore) string {
	return fmt.Sprintf("names %.1f sw %.2f par %.2f m %4.1f k %2d borrow %.2f swt %.2f pf %.2f ov %.2f prior %.2f | n %d top1 %.3f top5 %.3f mrr %.3f top5@50 T %.3f T+S %.3f | uniform top1 %.3f top5 %.3f mrr %.3f",
		o.NameWeight, o.SoftwareWeight, o.ParentWeight, o.Smoothing, o.Neighbours, o.Borrow, o.SoftwareTechniques, o.PlatformWeight, o.Overlap, o.Prior, s.N, s.Top1, s.Top5, s.MRR, s.Top5T, s.Top5S, s.Uniform.Top1, s.Uniform.Top5, s.Uniform.MRR)
}

// TestTune searches the options by coordinate ascent on the group
// simulation's MRR (go test ./attribution -run TestTune -tune -v).
func TestTune(t *testing.T) {
	if !*tune {
		t.Skip("run with -tune")
	}
	sims := simModel(t, DefaultOptions()).simGroups(simSeed, simDraws, defaultSim)
	eval := func(o Options) SimScore {
		s := simModel(t, o).simScore(sims)
		t.Log(fmtSim(o, s))
		return s
	}
	best := Options{SoftwareWeight: 0.25, CampaignWeight: 1, ParentWeight: 0.3, NameWeight: 1, Smoothing: 10} // the options before the search
	bs := eval(best)
	type axis struct {
		name string
		vals []float64
		set  func(*Options, float64)
	}
	axes := []axis{
		{"neighbours", []float64{0, 5, 10, 20, 40}, func(o *Options, v float64) { o.Neighbours = int(v) }},
		{"borrow", []float64{0.05, 0.1, 0.2, 0.35, 0.5, 0.75}, func(o *Options, v float64) { o.Borrow = v }},
		{"software techniques", []float64{0, 0.1, 0.25, 0.5}, func(o *Options, v float64) { o.SoftwareTechniques = v }},
		{"platform", []float64{0, 0.1, 0.25, 0.5, 1}, func(o *Options, v float64) { o.PlatformWeight = v }},
		{"overlap", []float64{-0.1, -0.05, 0, 0.05, 0.1, 0.2, 0.4}, func(o *Options, v float64) { o.Overlap = v }},
		{"prior", []float64{0, 0.25, 0.5, 1, 2, 4}, func(o *Options, v float64) { o.Prior = v }},
		{"names", []float64{0.5, 1, 2, 3, 4}, func(o *Options, v float64) { o.NameWeight = v }},
		{"smoothing", []float64{3, 5, 10, 20, 40, 80}, func(o *Options, v float64) { o.Smoothing = v }},
		{"parent", []float64{0, 0.15, 0.3, 0.5, 0.75}, func(o *Options, v float64) { o.ParentWeight = v }},
		{"software", []float64{0.1, 0.25, 0.5, 0.75}, func(o *Options, v float64) { o.SoftwareWeight = v }},
	}
	if best.Borrow == 0 {
		best.Borrow = 0.2
	}
	for round := range 2 {
		for _, a := range axes {
			for _, v := range a.vals {
				o := best
				a.set(&o, v)
				if s := eval(o); s.MRR > bs.MRR+1e-9 {
					best, bs = o, s
				}
			}
			t.Logf("round %d %s: best %s", round, a.name, fmtSim(best, bs))
		}
	}
	t.Logf("selected: %s", fmtSim(best, bs))
}

var tuneRobust = flag.Bool("tune-robust", false, "TestTuneRobust: the main options under several simulations")

// TestTuneRobust scores a few settings of each option under simulations
// with other assumptions (go test ./attribution -run TestTuneRobust
// -tune-robust -v).
func TestTuneRobust(t *testing.T) {
	if !*tuneRobust {
		t.Skip("run with -tune-robust")
	}
	base := Options{SoftwareWeight: 0.25, CampaignWeight: 1, ParentWeight: 0.3, NameWeight: 1, Smoothing: 10}
	for _, v := range []simVariant{defaultSim, {0.25, true}, {0, true}, {0.5, false}, {0.25, false}} {
		sims := simModel(t, base).simGroups(simSeed, simDraws, v)
		for _, m := range []float64{5, 10, 20, 40, 80} {
			o := base
			o.Smoothing = m
			t.Logf("new %.2f noise %v: %s", v.newShare, v.noise, fmtSim(o, simModel(t, o).simScore(sims)))
		}
		for _, p := range []float64{0, 0.3} {
			o := base
			o.ParentWeight = p
			t.Logf("new %.2f noise %v: %s", v.newShare, v.noise, fmtSim(o, simModel(t, o).simScore(sims)))
		}
		for _, k := range []int{10, 40} {
			o := base
			o.Neighbours, o.Borrow = k, 0.2
			t.Logf("new %.2f noise %v: %s", v.newShare, v.noise, fmtSim(o, simModel(t, o).simScore(sims)))
		}
		for _, w := range []float64{0.1, 0.25, 0.5} {
			o := base
			o.SoftwareTechniques = w
			t.Logf("new %.2f noise %v: %s", v.newShare, v.noise, fmtSim(o, simModel(t, o).simScore(sims)))
		}
		for _, w := range []float64{0.5, 2, 3, 4} {
			o := base
			o.NameWeight = w
			t.Logf("new %.2f noise %v: %s", v.newShare, v.noise, fmtSim(o, simModel(t, o).simScore(sims)))
		}
		for _, w := range []float64{0.1, 0.25, 0.5, 1} {
			o := base
			o.PlatformWeight = w
			t.Logf("new %.2f noise %v: %s", v.newShare, v.noise, fmtSim(o, simModel(t, o).simScore(sims)))
		}
		for _, w := range []float64{-0.05, 0.05, 0.1, 0.2} {
			o := base
			o.Overlap = w
			t.Logf("new %.2f noise %v: %s", v.newShare, v.noise, fmtSim(o, simModel(t, o).simScore(sims)))
		}
		o := base
		o.Prior = 0.25
		t.Logf("new %.2f noise %v: %s", v.newShare, v.noise, fmtSim(o, simModel(t, o).simScore(sims)))
	}
}

func TestSimGroups(t *testing.T) {
	m := simModel(t, DefaultOptions())
	sims := m.simGroups(simSeed, 3, defaultSim)
	again := m.simGroups(simSeed, 3, defaultSim)
	if len(sims) == 0 || len(sims) != len(again) {
		t.Fatalf("%d and %d simulated observations: want the same, > 0", len(sims), len(again))
	}
	for i, sq := range sims {
		if len(sq.ev.Techniques) != len(again[i].ev.Techniques) {
			t.Fatalf("observation %d differs between two draws with one seed", i)
		}
		g, _ := m.cat.Group(m.cands[sq.group].id)
		prof := m.groupProfile(g, m.excluded(), sq.hide)
		for id := range sq.hide {
			f, ok := m.feat[id]
			if !ok || prof[f] == 0 {
				continue
			}
			// Hidden from the group, a technique may stay only through
			// its remaining software, at the software weight.
			if id[0] != 'T' || prof[f] > m.opts.SoftwareWeight {
				t.Fatalf("%s: hidden %s still weighs %g", g.ID, id, prof[f])
			}
		}
	}
	// The simulation tells a sound ranking from one that ranks by the
	// size of the groups' profiles.
	sound := m.simScore(sims)
	big := DefaultOptions()
	big.Prior = 4
	bad := simModel(t, big).simScore(sims)
	t.Logf("default: %s", fmtSim(DefaultOptions(), sound))
	if sound.MRR <= bad.MRR || sound.Top5 <= bad.Top5 {
		t.Errorf("simulation: default MRR %.3f top-5 %.3f, size-ranked %.3f %.3f: want the default ahead", sound.MRR, sound.Top5, bad.MRR, bad.Top5)
	}
}
