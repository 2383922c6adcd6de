package attribution

import (
	"flag"
	"fmt"
	"testing"
)

var devOptions = flag.Bool("devoptions", false, "rank the development set under variants of DefaultOptions and print the table")

// TestDevOptions prints how DefaultOptions and one-at-a-time variants of
// NameWeight, Smoothing and SoftwareWeight rank the development set
// (groups' own reports held out, never campaigns): the evidence for
// choosing them. Run with -devoptions (about 10 s per variant).
func TestDevOptions(t *testing.T) {
	if !*devOptions {
		t.Skip("prints a table for choosing options; run with -devoptions")
	}
	cat := embedded(t)
	cs, _ := attributed(cat)
	type variant struct {
		name string
		set  func(*Options)
	}
	vs := []variant{{"default", func(*Options) {}}}
	for _, v := range []float64{1, 3, 4} {
		vs = append(vs, variant{fmt.Sprint("NameWeight ", v), func(o *Options) { o.NameWeight = v }})
	}
	for _, v := range []float64{3, 5, 20, 50} {
		vs = append(vs, variant{fmt.Sprint("Smoothing ", v), func(o *Options) { o.Smoothing = v }})
	}
	for _, v := range []float64{0.1, 0.5, 1} {
		vs = append(vs, variant{fmt.Sprint("SoftwareWeight ", v), func(o *Options) { o.SoftwareWeight = v }})
	}
	t.Logf("%-20s %8s %8s %8s %8s %8s %8s", "variant", "T top1", "T top5", "T MRR", "T+S top1", "T+S top5", "T+S MRR")
	for _, v := range vs {
		o := calibrationOptions(cs)
		v.set(&o)
		o.Temperature = 1
		m, err := New(cat, o)
		if err != nil {
			t.Fatal(err)
		}
		var h [2][4]float64
		var rr [2]float64
		var n [2]int
		for _, pts := range m.devQueryPointsAll(calibrationSeed) {
			for _, p := range pts {
				hits, r, _ := rankStats(p.s, []int{p.truth})
				for i := range hits {
					h[p.named][i] += hits[i]
				}
				rr[p.named] += r
				n[p.named]++
			}
		}
		f := func(k, i int) float64 { return h[k][i] / float64(n[k]) }
		t.Logf("%-20s %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f", v.name, f(0, 0), f(0, 2), rr[0]/float64(n[0]), f(1, 0), f(1, 2), rr[1]/float64(n[1]))
	}
}
