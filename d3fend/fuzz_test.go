package d3fend_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/d3fend"
)

// FuzzLoad checks that Load never panics, fails with its own prefix, and
// that whatever it accepts answers consistently. Seeds: testdata/fuzz/FuzzLoad.
func FuzzLoad(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		cat, err := d3fend.Load(bytes.NewReader(data))
		if err != nil {
			if cat != nil || !strings.HasPrefix(err.Error(), "d3fend snapshot: ") {
				t.Fatalf("Load = %v, %v; want nil and a d3fend snapshot error", cat, err)
			}
			return
		}
		tactics := cat.Tactics()
		if len(tactics) == 0 || cat.Version() == "" {
			t.Fatal("accepted a snapshot without tactics or version")
		}
		for _, id := range cat.Techniques() {
			checkMatches(t, cat, id, tactics)
		}
	})
}

func checkMatches(t *testing.T, cat *d3fend.Catalog, id debrief.TechniqueID, tactics []string) {
	t.Helper()
	prev := -1
	for _, m := range cat.For(id) {
		cm, ok := cat.Countermeasure(m.Countermeasure.ID)
		rank := slices.Index(tactics, cm.Tactic)
		if !ok || cm != m.Countermeasure || len(m.Via) == 0 || m.FromParent || rank < prev {
			t.Fatalf("%s: inconsistent match %+v (known %v, tactic rank %d after %d)", id, m, ok, rank, prev)
		}
		prev = rank
	}
}
