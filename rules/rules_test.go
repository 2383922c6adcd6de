package rules_test

import (
	"reflect"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/rules"
)

func TestUses(t *testing.T) {
	cat := testutil.Load(t, attack.Embedded)
	rule := func(file string, ids ...debrief.TechniqueID) debrief.Rule {
		r := debrief.Rule{ID: "sigma:" + file, File: file, Techniques: ids}
		rules.Normalise(&r, cat)
		return r
	}
	rs := []debrief.Rule{
		rule("b.yml", "T1685", "T1086", "T1059.001"),
		rule("a.yml", "T1685", "T1690"),
		{ID: "navigator:team#0:T1690", Unknown: []string{"T1690"}},
	}
	got := rules.Uses(rs)
	want := rules.IDUses{
		Translated: []rules.IDUse{{ID: "T1685", As: "T1562.001", Rules: 2, Files: []string{"a.yml", "b.yml"}}},
		Revoked:    []rules.IDUse{{ID: "T1086", As: "T1059.001", Rules: 1, Files: []string{"b.yml"}}},
		Unknown:    []rules.IDUse{{ID: "T1690", Rules: 2, Files: []string{"a.yml", "navigator:team#0:T1690"}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	rs = append(rs, debrief.Rule{ID: "sentinel:x", File: "x.yaml"}, debrief.Rule{ID: "splunk:y"})
	if got := rules.Unmapped(rs); !reflect.DeepEqual(got, []string{"splunk:y", "x.yaml"}) {
		t.Errorf("unmapped %v", got)
	}
	if empty := rules.Uses(nil); empty.Translated == nil || empty.Revoked == nil || empty.Unknown == nil {
		t.Errorf("empty lists should be [] in JSON: %+v", empty)
	}
}
