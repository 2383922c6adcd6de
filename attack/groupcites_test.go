package attack_test

import (
	"slices"
	"testing"

	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/internal/testutil"
)

// TestGroupUseCitations checks that a group's use citations name only
// what it uses, cover all its techniques and software (every ATT&CK
// relationship cites a report), and are what WithoutCitedOnly leaves out.
func TestGroupUseCitations(t *testing.T) {
	cat := testutil.Load(t, attack.Embedded)
	if got := cat.GroupUseCitations("no such group"); got != nil {
		t.Errorf("unknown group: %v, want nil", got)
	}
	for _, id := range []string{"G0016", "G0007", "G0034"} {
		g, ok := cat.Group(id)
		if !ok {
			t.Fatalf("no group %s", id)
		}
		cites := cat.GroupUseCitations(id)
		uses := slices.Concat(ids(g.Techniques), g.Software)
		for k, cs := range cites {
			if !slices.Contains(uses, k) {
				t.Errorf("%s: citations for %s, which it does not use", id, k)
			}
			if len(cs) == 0 || !slices.IsSorted(cs) || len(slices.Compact(slices.Clone(cs))) != len(cs) {
				t.Errorf("%s %s: citations %q, want sorted, distinct, not empty", id, k, cs)
			}
		}
		for _, k := range uses {
			if len(cites[k]) == 0 {
				t.Errorf("%s: no citations for %s", id, k)
			}
		}
		// Leaving out one technique's reports drops that technique.
		tech := g.Techniques[len(g.Techniques)/2]
		rest, _ := cat.WithoutCitedOnly(cites[string(tech)]).Group(id)
		if slices.Contains(rest.Techniques, tech) {
			t.Errorf("%s: %s still used without its reports %q", id, tech, cites[string(tech)])
		}
		if len(rest.Techniques) == 0 || len(rest.Techniques) >= len(g.Techniques) {
			t.Errorf("%s: %d techniques without %q, had %d", id, len(rest.Techniques), cites[string(tech)], len(g.Techniques))
		}
	}
}
