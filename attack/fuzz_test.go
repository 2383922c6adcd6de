package attack_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/debrief-dev/debrief/attack"
)

// FuzzLoad feeds Load arbitrary bytes: it must return a catalog or an
// error, never panic, and a catalog must answer lookups. The seed corpus
// is in testdata/fuzz/FuzzLoad.
func FuzzLoad(f *testing.F) {
	tinyB, err := os.ReadFile(tinyBundle)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tinyB)
	f.Add([]byte(warnBundle))
	f.Add([]byte(stix20))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := attack.Load(bytes.NewReader(b))
		if err != nil {
			if c != nil {
				t.Fatal("Load returned a catalog and an error")
			}
			return
		}
		for _, ta := range c.Tactics("") {
			if _, ok := c.Tactic(string(ta.ID)); !ok && ta.ID != "" {
				t.Errorf("tactic %q does not resolve", ta.ID)
			}
		}
		for _, x := range c.Techniques("") {
			c.ResolveTechnique(string(x.ID))
			c.GroupsUsing(string(x.ID))
			c.DataComponentsOf(string(x.ID))
			c.Lookup(x.Name)
		}
		for _, g := range c.Groups() {
			c.TechniquesOfGroup(g.ID)
		}
		for _, k := range c.Campaigns() {
			c.TechniquesOfCampaign(k.ID)
			c.WithoutCitedOnly(k.Citations).Campaigns()
		}
		c.Search("a")
		c.Domains()
		c.Warnings()
	})
}
