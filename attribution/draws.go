package attribution

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"slices"

	"github.com/go-json-experiment/json"
)

// Draws are the partial observations of each campaign: for an observed
// fraction ("0.5", "0.3") and a campaign id, the technique subsets and
// the software subsets, draw by draw.
type Draws struct {
	Source     string                           `json:"-"` // where they came from
	Techniques map[string]map[string][][]string `json:"techniques"`
	Software   map[string]map[string][][]string `json:"software"`
}

// ReadDraws reads saved draws in the shape of partial_draws.json.
func ReadDraws(path string) (*Draws, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read draws: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("read draws: %w", err)
	}
	var d Draws
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	d.Source = path
	return &d, nil
}

// fractions are the partial observation levels of the evaluation.
func fractions() []string { return []string{"0.5", "0.3"} }

// drawSet is one campaign's techniques and software, by id.
type drawSet struct {
	id         string
	techniques []string
	software   []string
}

// newDraws draws n random subsets per campaign and fraction with a fixed
// seed: k = max(3, round(f·n)) techniques, round(f·n) software.
func newDraws(sets []drawSet, seed uint64, n int) *Draws {
	d := &Draws{Source: fmt.Sprintf("seed %d", seed), Techniques: map[string]map[string][][]string{},
		Software: map[string]map[string][][]string{}}
	rng := rand.New(rand.NewPCG(seed, 2))
	for _, fs := range fractions() {
		f := map[string]float64{"0.5": 0.5, "0.3": 0.3}[fs]
		d.Techniques[fs], d.Software[fs] = map[string][][]string{}, map[string][][]string{}
		for _, s := range sets {
			for range n {
				d.Techniques[fs][s.id] = append(d.Techniques[fs][s.id], sample(rng, s.techniques, take(f, len(s.techniques), 3)))
				d.Software[fs][s.id] = append(d.Software[fs][s.id], sample(rng, s.software, int(math.Round(f*float64(len(s.software))))))
			}
		}
	}
	return d
}

func sample(rng *rand.Rand, s []string, k int) []string {
	out := shuffled(rng, s)[:min(k, len(s))]
	slices.Sort(out)
	return out
}
