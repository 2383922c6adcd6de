package attribution

import (
	"math"
	"slices"
	"testing"

	"github.com/debrief-dev/debrief"
)

func TestBorrow(t *testing.T) {
	o := DefaultOptions()
	o.Neighbours, o.Borrow = 10, 0.2
	m, err := New(embedded(t), o)
	if err != nil {
		t.Fatal(err)
	}
	lent := 0
	for g := range m.nGroups {
		c := &m.cands[g]
		for f, w := range c.prof {
			if c.eff[f] != w {
				t.Fatalf("%s: own %s weight %g became %g", c.id, m.keys[f], w, c.eff[f])
			}
		}
		for f, w := range c.eff {
			if _, own := c.prof[f]; own {
				continue
			}
			lent++
			if w <= 0 || w > o.Borrow+1e-9 || !borrowable(m.keys[f]) {
				t.Fatalf("%s: borrowed %s at %g: want in (0, %g], techniques and software only", c.id, m.keys[f], w, o.Borrow)
			}
		}
	}
	if lent == 0 {
		t.Fatal("no group borrowed anything")
	}
	// A group's nearest neighbour lends it what the group lacks: a
	// technique held by the group most like APT29 but not by APT29 is
	// borrowed by it.
	off := DefaultOptions()
	plain, _ := New(embedded(t), off)
	gi := -1
	for i := range m.nGroups {
		if m.cands[i].id == "G0016" {
			gi = i
		}
	}
	if gi < 0 {
		t.Fatal("no APT29")
	}
	if plain.cands[gi].eff != nil {
		t.Error("a model without neighbours has borrowed profiles")
	}
	o1 := o
	o1.Neighbours = 1
	m1, _ := New(embedded(t), o1)
	c := &m1.cands[gi]
	borrowed := 0
	for f, w := range c.eff {
		if _, own := c.prof[f]; !own && w > 0 {
			borrowed++
			if w != o.Borrow*m1.cands[nearest(m1, gi)].prof[f] {
				t.Errorf("APT29 borrowed %s at %g from its one neighbour, want Borrow × its weight", m1.keys[f], w)
			}
		}
	}
	if borrowed == 0 {
		t.Error("APT29 borrowed nothing from its nearest neighbour")
	}
}

// nearest is group g's most similar other group.
func nearest(m *Model, g int) int {
	best, bs := -1, 0.0
	for h, v := range m.nb.vecs {
		if h == g {
			continue
		}
		s := 0.0
		for f := range v {
			s += v[f] * m.nb.vecs[g][f]
		}
		if s > bs {
			best, bs = h, s
		}
	}
	return best
}

// TestScoringOptions checks what each optional term adds to a group's
// score, against the same model without it.
func TestScoringOptions(t *testing.T) {
	cat := embedded(t)
	apt29, _ := cat.Group("G0016")
	ev := Evidence{Techniques: apt29.Techniques[:6], Software: []string{"S0154"}} // Cobalt Strike
	score := func(o Options) (*Model, []float64) {
		o.Temperature = 1
		m, err := New(cat, o)
		if err != nil {
			t.Fatal(err)
		}
		s := make([]float64, len(m.cands))
		m.score(m.compile(ev), s)
		return m, s
	}
	base, s0 := score(DefaultOptions())
	gi := slices.IndexFunc(base.cands, func(c cand) bool { return c.id == "G0016" })
	tests := []struct {
		name string
		set  func(*Options)
		want func(m *Model) float64 // APT29's score change
	}{
		{"prior", func(o *Options) { o.Prior = 0.5 }, func(m *Model) float64 { return 0.5 * math.Log1p(float64(len(m.cands[gi].sig))) }},
		{"overlap", func(o *Options) { o.Overlap = 0.1 }, func(m *Model) float64 { return 0.1 * 6 }}, // its own six techniques, at weight 1
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := DefaultOptions()
			tt.set(&o)
			m, s := score(o)
			if got, want := s[gi]-s0[gi], tt.want(m); math.Abs(got-want) > 1e-9 {
				t.Errorf("APT29's score rose by %g, want %g", got, want)
			}
		})
	}
	// Named software lends its techniques to the evidence.
	o := DefaultOptions()
	o.SoftwareTechniques = 0.25
	m, _ := score(o)
	plain, lent := base.compile(ev), m.compile(ev)
	cs, _ := cat.Software("S0154")
	if len(lent.feats) <= len(plain.feats) || len(lent.feats) > len(plain.feats)+len(cs.Techniques) {
		t.Errorf("%d evidence features with Cobalt Strike's techniques, %d without: want more, by at most its %d techniques", len(lent.feats), len(plain.feats), len(cs.Techniques))
	}
}

func TestPlatforms(t *testing.T) {
	o := DefaultOptions()
	o.PlatformWeight, o.Temperature = 0.25, 1
	m, err := New(embedded(t), o)
	if err != nil {
		t.Fatal(err)
	}
	if pf := m.platforms("T1059.001"); pf != nil { // PowerShell runs on Windows
		t.Errorf("PowerShell's platform features %v: want none", pf)
	}
	q := m.compile(Evidence{Techniques: []debrief.TechniqueID{"T1059.004"}}) // Unix Shell
	var got []string
	for i, f := range q.feats {
		if k := m.keys[f]; k[0] == '@' {
			got = append(got, k)
			if q.w[i] != o.PlatformWeight {
				t.Errorf("%s weighs %g in the evidence, want %g", k, q.w[i], o.PlatformWeight)
			}
		}
	}
	if !slices.Contains(got, "@Linux") {
		t.Errorf("Unix Shell's platform features %v: want @Linux among them", got)
	}
}
