package attribution

import (
	"slices"
	"testing"
)

// TestDevSet checks the development set against the reference's B2: 459
// (group, report) queries over 143 groups in ATT&CK v18.1, each of at
// least 5 techniques its report alone supports, and that the pairs kept
// for fitting share no report with a campaign.
func TestDevSet(t *testing.T) {
	cat := embedded(t)
	all := devPairs(cat)
	groups := map[string]bool{}
	for _, q := range all {
		groups[q.group] = true
	}
	if len(all) != 459 || len(groups) != 143 {
		t.Errorf("development set: %d queries over %d groups, want the reference's 459 over 143", len(all), len(groups))
	}
	kept, dropped := devSet(cat)
	if len(kept)+dropped != len(all) || dropped == 0 {
		t.Errorf("kept %d, dropped %d of %d", len(kept), dropped, len(all))
	}
	t.Logf("%d queries over %d groups; %d dropped for a report a campaign cites", len(all), len(groups), dropped)
	cited := map[string]bool{}
	for _, c := range cat.Campaigns() {
		for _, r := range c.Citations {
			cited[r] = true
		}
	}
	for _, q := range kept {
		if cited[q.report] {
			t.Errorf("%s|%s: a campaign cites the report", q.group, q.report)
		}
		if len(q.techniques) < devMinTechniques || !slices.IsSorted(q.techniques) {
			t.Errorf("%s|%s: techniques %v", q.group, q.report, q.techniques)
		}
	}
	// Held out, the report takes away techniques of most queries' groups
	// (of the others, every relationship it supports cites another report
	// too: 7 of the 46 checked).
	lost := 0
	for i := 0; i < len(kept); i += 10 {
		q := kept[i]
		g, _ := cat.Group(q.group)
		rest, _ := cat.WithoutCitedOnly([]string{q.report}).Group(q.group)
		if len(rest.Techniques) < len(g.Techniques) {
			lost++
		}
	}
	if n := (len(kept) + 9) / 10; lost < n*3/4 {
		t.Errorf("%d of %d queries' groups lose techniques without the report, want most", lost, n)
	}
}
