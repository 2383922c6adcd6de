package attribution_test

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/attribution"
)

// inHouseBundle is a user's STIX bundle: a few Enterprise techniques, an
// ATT&CK group, and two intrusion sets of in-house intelligence without
// ATT&CK ids, one with its own malware.
const inHouseBundle = `{"type": "bundle", "id": "bundle--9", "objects": [
 {"type": "x-mitre-matrix", "id": "x-mitre-matrix--1", "name": "Enterprise ATT&CK", "modified": "2026-01-01T00:00:00.000Z",
  "external_references": [{"external_id": "enterprise-attack", "source_name": "mitre-attack"}], "tactic_refs": []},
 TECHNIQUES
 {"type": "intrusion-set", "id": "intrusion-set--a", "name": "Known Group", "aliases": ["Known Group"],
  "external_references": [{"source_name": "mitre-attack", "external_id": "G9001"}]},
 {"type": "intrusion-set", "id": "intrusion-set--b", "name": "Harbour Crane", "aliases": ["Harbour Crane", "HC-7"],
  "external_references": [{"source_name": "acme-cti", "external_id": "ACME-7"}]},
 {"type": "intrusion-set", "id": "intrusion-set--c", "name": "Quiet Lantern",
  "external_references": [{"source_name": "acme-cti", "external_id": "ACME-9"}]},
 {"type": "malware", "id": "malware--h", "name": "CraneLoader", "x_mitre_aliases": ["CraneLoader"],
  "external_references": [{"source_name": "acme-cti", "external_id": "ACME-S1"}]},
 RELATIONSHIPS
]}`

func bundle(t *testing.T) *attack.Catalog {
	t.Helper()
	techs := []string{"T1566.001", "T1204.002", "T1059.001", "T1105", "T1071.001", "T1003.001", "T1021.001", "T1486", "T1490", "T1041", "T1567.002", "T1078"}
	var objs, rels []string
	for i, id := range techs {
		objs = append(objs, `{"type": "attack-pattern", "id": "attack-pattern--`+id+`", "name": "technique `+id+`", "x_mitre_domains": ["enterprise-attack"],
  "external_references": [{"source_name": "mitre-attack", "external_id": "`+id+`"}]}`)
		owner := []string{"a", "b", "c"}[i%3]
		rels = append(rels, `{"type": "relationship", "id": "relationship--`+id+`", "relationship_type": "uses", "source_ref": "intrusion-set--`+owner+`", "target_ref": "attack-pattern--`+id+`"}`)
	}
	rels = append(rels, `{"type": "relationship", "id": "relationship--sw", "relationship_type": "uses", "source_ref": "intrusion-set--b", "target_ref": "malware--h"}`,
		`{"type": "relationship", "id": "relationship--sw2", "relationship_type": "uses", "source_ref": "malware--h", "target_ref": "attack-pattern--T1041"}`)
	s := strings.Replace(inHouseBundle, "TECHNIQUES", strings.Join(objs, ",\n")+",", 1)
	s = strings.Replace(s, "RELATIONSHIPS", strings.Join(rels, ",\n"), 1)
	cat, err := attack.Load(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// TestUserBundleCandidates ranks the groups of a user's bundle, in-house
// intelligence without ATT&CK ids included (named by STIX id).
func TestUserBundleCandidates(t *testing.T) {
	m, err := attribution.New(bundle(t), attribution.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if m.Groups() != 3 {
		t.Fatalf("%d candidate groups, want 3", m.Groups())
	}
	tests := []struct {
		name string
		ev   attribution.Evidence
		top  string
	}{
		{"in-house techniques", attribution.Evidence{Techniques: []debrief.TechniqueID{"T1204.002", "T1486", "T1567.002"}}, "intrusion-set--b"},
		{"in-house alias", attribution.Evidence{Names: []string{"HC-7"}}, "intrusion-set--b"},
		{"ATT&CK group", attribution.Evidence{Techniques: []debrief.TechniqueID{"T1566.001", "T1021.001", "T1041"}}, "G9001"},
		{"other in-house group", attribution.Evidence{Techniques: []debrief.TechniqueID{"T1003.001", "T1490", "T1078"}}, "intrusion-set--c"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := m.Rank(tc.ev, 3)
			if len(r.Candidates) != 3 || r.Candidates[0].ID != tc.top {
				t.Fatalf("candidates %+v, want %s first", r.Candidates, tc.top)
			}
			sum := 0.0
			for _, c := range r.Candidates {
				if c.Name == "" || math.IsNaN(c.Confidence) || c.Confidence < 0 || c.Confidence > 1 {
					t.Errorf("candidate %+v: want a name and a confidence in [0, 1]", c)
				}
				sum += c.Confidence
			}
			if math.Abs(sum-1) > 1e-3 {
				t.Errorf("confidences sum to %.4f, want 1", sum)
			}
		})
	}
	// In-house malware without an ATT&CK id is listed by its STIX id, so
	// its name in an alert finds the group that uses it.
	if g, _ := bundle(t).Group("Harbour Crane"); g == nil || !slices.Equal(g.Software, []string{"malware--h"}) {
		t.Errorf("Harbour Crane's software: %v, want [malware--h]", g)
	}
	r := m.Rank(attribution.Evidence{Names: []string{"CraneLoader"}}, 1)
	if len(r.Candidates) != 1 || r.Candidates[0].ID != "intrusion-set--b" || len(r.Candidates[0].MatchedSoftware) != 1 {
		t.Errorf("candidates %+v: want the in-house malware CraneLoader matched to intrusion-set--b", r.Candidates)
	}
	if r := m.Rank(attribution.Evidence{Names: []string{"HC-7"}}, 1); len(r.Actors) != 1 || r.Actors[0].Name != "Harbour Crane" {
		t.Errorf("actors %+v: want the alias HC-7 matched to Harbour Crane", r.Actors)
	}
}
