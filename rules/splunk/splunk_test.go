package splunk_test

import (
	"context"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/rules"
	"github.com/debrief-dev/debrief/rules/splunk"
)

func TestDecode(t *testing.T) {
	cat := testutil.Load(t, attack.Embedded)
	set, err := rules.Collect(splunk.Load(context.Background(), []string{"testdata"}, rules.Options{Catalog: cat}))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Invalid) != 1 || !strings.Contains(set.Invalid[0].Error(), "ids_string.bad.yml:") {
		t.Errorf("invalid %v, want ids_string.bad.yml", set.Invalid)
	}
	if len(set.Rules) != 1 {
		t.Fatalf("%d rules", len(set.Rules))
	}
	r := set.Rules[0]
	// T1685 (ATT&CK v19) reads as v18's T1562.001 through
	// attack.V19ToV18; T1690 has no listed v18 equivalent.
	want := []debrief.TechniqueID{"T1547.001", "T1562.001", "T1574.001"}
	if !slices.Equal(r.Techniques, want) || r.Remapped["T1574.002"] != "T1574.001" || r.Remapped["T1685"] != "T1562.001" || !slices.Equal(r.Unknown, []string{"T1690"}) {
		t.Errorf("techniques %v remapped %v unknown %v", r.Techniques, r.Remapped, r.Unknown)
	}
	if r.Active() || set.Deprecated() != 1 || r.LogSources[0].Name != "Sysmon EventID 13" {
		t.Errorf("status %q log sources %v", r.Status, r.LogSources)
	}
}

// mitreIDs is the independent count: the items of a mitre_attack_id list.
var (
	mitreIDs = regexp.MustCompile(`(?m)^\s*mitre_attack_id:\s*\n((?:\s*-\s*['"]?T\d{4}(?:\.\d{3})?['"]?\s*\n?)+)`)
	tid      = regexp.MustCompile(`T\d{4}(?:\.\d{3})?`)
)

func TestCorpusTechniques(t *testing.T) {
	root := filepath.Join(testutil.SharedData(t, "rules/splunk"), "detections")
	set, err := rules.Collect(splunk.Load(context.Background(), []string{root}, rules.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Invalid) > 0 {
		t.Errorf("%d invalid, e.g. %v", len(set.Invalid), set.Invalid[0])
	}
	deprecated := filepath.Join(root, "deprecated") + string(filepath.Separator)
	want, got := map[string]bool{}, map[string]bool{}
	active := 0
	isDeprecated := func(path string) bool { return strings.HasPrefix(path, deprecated) }
	testutil.CorpusFiles(t, []string{root}, ".yml", isDeprecated, func(_ string, b []byte) {
		for _, m := range mitreIDs.FindAllStringSubmatch(string(b), -1) {
			for _, id := range tid.FindAllString(m[1], -1) {
				want[id] = true
			}
		}
	})
	for _, r := range set.Rules {
		if strings.HasPrefix(r.File, deprecated) {
			continue
		}
		active++
		for _, id := range r.Techniques {
			got[string(id)] = true
		}
	}
	if active != 1613 {
		t.Errorf("%d rules outside deprecated/, the README says 1,613", active)
	}
	if len(want) != 302 {
		t.Errorf("independent count %d ids, the README says 302", len(want))
	}
	testutil.SetDiff(t, "decoded ids", got, want)
}
