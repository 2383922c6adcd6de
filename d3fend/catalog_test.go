package d3fend_test

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/go-json-experiment/json"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/d3fend"
	"github.com/debrief-dev/debrief/internal/testutil"
)

func embedded(t testing.TB) *d3fend.Catalog {
	t.Helper()
	cat, err := d3fend.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// The reference files, decoded independently of the generator.
type fullMapping struct {
	Version       string `json:"d3fend_version"`
	ATTACKVersion string `json:"attack_version"`
	Mappings      map[string][]struct {
		ID     string        `json:"id"`
		Name   string        `json:"name"`
		Tactic string        `json:"tactic"`
		Via    []d3fend.Link `json:"via"`
	} `json:"mappings"`
}

func decodeShared(t *testing.T, rel string, v any) {
	t.Helper()
	b, err := os.ReadFile(testutil.SharedData(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v, json.MatchCaseInsensitiveNames(true)); err != nil {
		t.Fatal(err)
	}
}

// TestEmbeddedAnswersLikeFullMapping checks For on every ATT&CK id of the
// full reference mapping: same countermeasures, in the same order, with the
// same tactics and the same (deduplicated) links.
func TestEmbeddedAnswersLikeFullMapping(t *testing.T) {
	var full fullMapping
	decodeShared(t, "d3fend/attack-to-d3fend.json", &full)
	cat := embedded(t)
	if cat.Version() != full.Version || cat.ATTACKVersion() != full.ATTACKVersion {
		t.Errorf("versions %s / ATT&CK %s, want %s / %s", cat.Version(), cat.ATTACKVersion(), full.Version, full.ATTACKVersion)
	}
	var keys []debrief.TechniqueID
	for key, rows := range full.Mappings {
		id := debrief.TechniqueID(key)
		keys = append(keys, id)
		got := cat.For(id)
		if !cat.Knows(id) || len(got) != len(rows) {
			t.Errorf("%s: knows %v, %d matches; want true, %d", key, cat.Knows(id), len(got), len(rows))
			continue
		}
		for i, row := range rows {
			m := got[i]
			cm := m.Countermeasure
			if cm.ID != row.ID || cm.Name != row.Name || cm.Tactic != row.Tactic || m.FromParent {
				t.Errorf("%s[%d]: got %s %q %s (from parent %v), want %s %q %s", key, i, cm.ID, cm.Name, cm.Tactic, m.FromParent, row.ID, row.Name, row.Tactic)
			}
			if want := linkSet(row.Via); !slices.Equal(linkSet(m.Via), want) || len(m.Via) != len(want) {
				t.Errorf("%s[%d] %s: links\n got %v\nwant %v", key, i, row.ID, m.Via, want)
			}
		}
	}
	slices.Sort(keys)
	if got := cat.Techniques(); !slices.Equal(got, keys) {
		t.Errorf("Techniques: %d ids, want the %d of the mapping", len(got), len(keys))
	}
}

// linkSet sorts and deduplicates links.
func linkSet(links []d3fend.Link) []d3fend.Link {
	s := slices.Clone(links)
	slices.SortFunc(s, func(a, b d3fend.Link) int {
		return strings.Compare(a.Rel+"\x00"+a.Artifact+"\x00"+a.DefRel+"\x00"+a.DefArtifact, b.Rel+"\x00"+b.Artifact+"\x00"+b.DefRel+"\x00"+b.DefArtifact)
	})
	return slices.Compact(s)
}

func TestEmbeddedCountermeasuresLikeCatalogue(t *testing.T) {
	var full struct {
		Tactics    []string `json:"tactics"`
		Techniques []struct {
			ID, Name, Tactic, D3F string
			Parent                *string
		} `json:"techniques"`
	}
	decodeShared(t, "d3fend/d3fend-techniques.json", &full)
	cat := embedded(t)
	if !slices.Equal(cat.Tactics(), full.Tactics) {
		t.Errorf("tactics %q, want %q", cat.Tactics(), full.Tactics)
	}
	if n := len(cat.Countermeasures()); n != len(full.Techniques) {
		t.Errorf("%d countermeasures, want %d", n, len(full.Techniques))
	}
	for _, w := range full.Techniques {
		cm, ok := cat.Countermeasure(w.ID)
		want := d3fend.Countermeasure{ID: w.ID, Name: w.Name, Tactic: w.Tactic, Class: w.D3F}
		if w.Parent != nil {
			want.Parent = *w.Parent
		}
		if !ok || *cm != want {
			t.Errorf("Countermeasure(%s) = %+v, %v; want %+v", w.ID, cm, ok, want)
		}
	}
}

// TestEmbeddedFacts needs no reference data: the snapshot is committed.
func TestEmbeddedFacts(t *testing.T) {
	cat := embedded(t)
	if cat.Version() != "1.2.0" || cat.ReleaseDate() != "2025-08-01" || cat.ATTACKVersion() != "17.0" {
		t.Errorf("D3FEND %s of %s mapping ATT&CK %s; want 1.2.0 of 2025-08-01 mapping 17.0", cat.Version(), cat.ReleaseDate(), cat.ATTACKVersion())
	}
	if want := []string{"Model", "Harden", "Detect", "Isolate", "Deceive", "Evict", "Restore"}; !slices.Equal(cat.Tactics(), want) {
		t.Errorf("tactics %q, want %q", cat.Tactics(), want)
	}
	all := cat.Countermeasures()
	if len(all) != 248 {
		t.Errorf("%d countermeasures, want 248", len(all))
	}
	perTactic := map[string]int{}
	for _, cm := range all {
		perTactic[cm.Tactic]++
	}
	if want := map[string]int{"Model": 27, "Harden": 47, "Detect": 79, "Isolate": 53, "Deceive": 11, "Evict": 19, "Restore": 12}; !mapsEqual(perTactic, want) {
		t.Errorf("countermeasures per tactic %v, want %v", perTactic, want)
	}
	if n := len(cat.Techniques()); n != 823 {
		t.Errorf("%d ATT&CK ids, want 823", n)
	}
	pt, ok := cat.Countermeasure("D3-PT")
	want := d3fend.Countermeasure{ID: "D3-PT", Name: "Process Termination", Tactic: "Evict", Parent: "D3-PE", Class: "ProcessTermination"}
	if !ok || *pt != want || pt.URL() != "https://d3fend.mitre.org/technique/d3f:ProcessTermination/" {
		t.Fatalf("D3-PT = %+v (%s), want %+v", pt, pt.URL(), want)
	}
	m, ok := find(cat.For("T1003.001"), "D3-PT")
	link := d3fend.Link{Rel: "accesses", Artifact: "Authentication Service", DefRel: "terminates", DefArtifact: "Process"}
	if !ok || m.Countermeasure != pt || !slices.Contains(m.Via, link) || m.FromParent {
		t.Errorf("For(T1003.001) D3-PT = %+v, %v; want the catalog's D3-PT via %v", m, ok, link)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func find(ms []d3fend.Match, id string) (d3fend.Match, bool) {
	for _, m := range ms {
		if m.Countermeasure.ID == id {
			return m, true
		}
	}
	return d3fend.Match{}, false
}

func TestFor(t *testing.T) {
	cat := embedded(t)
	tests := []struct {
		id         debrief.TechniqueID
		knows      bool
		same       debrief.TechniqueID // For(id) has the countermeasures of For(same)
		fromParent bool
		empty      bool
	}{
		{id: "T1003.001", knows: true, same: "T1003.001"},
		{id: "t1003.001 ", knows: true, same: "T1003.001"},
		{id: "T1036.012", same: "T1036", fromParent: true}, // new in ATT&CK v18
		{id: "T1027.003", knows: true, empty: true},        // known, none; the parent's are not borrowed
		{id: "T1677", empty: true},                         // new in v18, no parent to fall back on
		{id: "T9999.999", empty: true},
		{id: "not-an-id", empty: true},
		{id: "", empty: true},
	}
	for _, tt := range tests {
		t.Run(string(tt.id), func(t *testing.T) {
			got := cat.For(tt.id)
			if cat.Knows(tt.id) != tt.knows {
				t.Errorf("Knows = %v, want %v", !tt.knows, tt.knows)
			}
			if tt.empty {
				if len(got) != 0 {
					t.Errorf("%d matches, want none", len(got))
				}
				return
			}
			want := cat.For(tt.same)
			if len(got) == 0 || len(got) != len(want) {
				t.Fatalf("%d matches, want %d (> 0)", len(got), len(want))
			}
			for i := range got {
				if got[i].Countermeasure != want[i].Countermeasure || got[i].FromParent != tt.fromParent || len(got[i].Via) == 0 {
					t.Errorf("[%d] = %s from parent %v, want %s from parent %v", i, got[i].Countermeasure.ID, got[i].FromParent, want[i].Countermeasure.ID, tt.fromParent)
				}
			}
		})
	}
}

func TestForReturnsCallersSlice(t *testing.T) {
	cat := embedded(t)
	first := cat.For("T1003")
	first[0] = d3fend.Match{}
	if again := cat.For("T1003"); again[0].Countermeasure == nil {
		t.Fatal("changing For's result changed the catalog")
	}
}

func TestByTactic(t *testing.T) {
	cat := embedded(t)
	for _, id := range []debrief.TechniqueID{"T1003", "T1566.001", "T1036.012", "T1027.003"} {
		var flat []d3fend.Match
		var tactics []string
		for _, g := range cat.ByTactic(id) {
			if len(g.Matches) == 0 {
				t.Errorf("%s: empty group %s", id, g.Tactic)
			}
			for _, m := range g.Matches {
				if m.Countermeasure.Tactic != g.Tactic {
					t.Errorf("%s: %s (%s) in group %s", id, m.Countermeasure.ID, m.Countermeasure.Tactic, g.Tactic)
				}
			}
			tactics = append(tactics, g.Tactic)
			flat = append(flat, g.Matches...)
		}
		want := cat.For(id)
		if len(flat) != len(want) {
			t.Errorf("%s: groups hold %d matches, For %d", id, len(flat), len(want))
		}
		for i := range min(len(flat), len(want)) {
			if flat[i].Countermeasure != want[i].Countermeasure || flat[i].FromParent != want[i].FromParent {
				t.Errorf("%s: group match %d is %s, For has %s", id, i, flat[i].Countermeasure.ID, want[i].Countermeasure.ID)
			}
		}
		order := cat.Tactics()
		if !slices.IsSortedFunc(tactics, func(a, b string) int { return slices.Index(order, a) - slices.Index(order, b) }) || len(slices.Compact(slices.Clone(tactics))) != len(tactics) {
			t.Errorf("%s: tactics %q not in matrix order or repeated", id, tactics)
		}
	}
}

func TestLinkMay(t *testing.T) {
	for rel, want := range map[string]bool{"may-access": true, "may-modify": true, "accesses": false, "": false, "maybe": false} {
		if got := (d3fend.Link{Rel: rel}).May(); got != want {
			t.Errorf("Link{Rel: %q}.May() = %v, want %v", rel, got, want)
		}
	}
}

func TestLicense(t *testing.T) {
	l := d3fend.License()
	if !strings.HasPrefix(l, "MIT License") || !strings.Contains(l, "Copyright (c) 2022 The MITRE Corporation") {
		t.Errorf("License() does not look like D3FEND's MIT licence:\n%s", l)
	}
}
