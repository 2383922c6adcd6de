package attack_test

import (
	"os"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/internal/testutil"
)

// TestV19Pairs checks every pair against the embedded v18.1 catalog: the
// v18 side is a current technique, and the v19 side is unknown to it
// (else the crosswalk would never be consulted).
func TestV19Pairs(t *testing.T) {
	cat, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	pairs := attack.V19Pairs()
	if len(pairs) == 0 {
		t.Fatal("no pairs")
	}
	for _, p := range pairs {
		l := cat.ResolveTechnique(string(p.V18))
		if !l.Known() || l.Revoked || l.Technique.ID != p.V18 {
			t.Errorf("%s → %s: v18 side not a current technique of the catalog (%+v)", p.V19, p.V18, l)
		}
		if l.Known() && l.Technique.Deprecated {
			t.Errorf("%s → %s: v18 side deprecated", p.V19, p.V18)
		}
		if cat.ResolveTechnique(string(p.V19)).Known() {
			t.Errorf("%s: known to the v18 catalog, needs no crosswalk", p.V19)
		}
		if got, ok := attack.V19ToV18(p.V19); !ok || got != p.V18 {
			t.Errorf("V19ToV18(%s) = %s, %v", p.V19, got, ok)
		}
	}
}

func TestV19ToV18(t *testing.T) {
	for _, tc := range []struct {
		in   debrief.TechniqueID
		want debrief.TechniqueID
		ok   bool
	}{
		{"T1685", "T1562.001", true},
		{"T1686", "T1562.004", true},
		{"T1685.005", "T1070.001", true},
		{"T1562.001", "", false}, // a v18 id
		{"T1647", "", false},     // unchanged by v19
		{"T1690", "", false},     // new in v19, no v18 equivalent listed
		{"", "", false},
	} {
		got, ok := attack.V19ToV18(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("V19ToV18(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestV19PairsFromMapping checks the table against the mapping file it
// was taken from: each pair is one of the file's v18 → v19 changes.
func TestV19PairsFromMapping(t *testing.T) {
	path := testutil.SharedData(t, "rules/elastic/attack-mapping-aids/attack_v18_to_v19.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Techniques    map[string]*struct{ ID string } `yaml:"techniques"`
		Subtechniques map[string]*struct{ ID string } `yaml:"subtechniques"`
	}
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	to := map[string]string{}
	for _, part := range []map[string]*struct{ ID string }{m.Techniques, m.Subtechniques} {
		for v18, e := range part {
			if e != nil {
				to[v18] = e.ID
			}
		}
	}
	for _, p := range attack.V19Pairs() {
		if to[string(p.V18)] != string(p.V19) {
			t.Errorf("%s → %s: the mapping file maps %s to %q", p.V19, p.V18, p.V18, to[string(p.V18)])
		}
	}
}
