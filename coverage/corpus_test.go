package coverage_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/coverage"
	"github.com/debrief-dev/debrief/internal/testutil"
)

// TestCorpusCoverage checks, corpus by corpus, that the techniques the
// coverage result gives rules to are exactly the ids a plain regex finds
// in the active rule files, read through the catalog the way ATT&CK says
// (a revoked id counts for its successor, a v19 id for the v18 technique
// attack.V19ToV18 names; other ids the catalog does not know are
// reported as unknown), and that the techniques with a score are those
// plus the parents of their sub-techniques.
func TestCorpusCoverage(t *testing.T) {
	var (
		sigmaTag   = regexp.MustCompile(`(?im)^\s*-\s*['"]?attack\.(t\d{4}(?:\.\d{3})?)['"]?\s*(?:#.*)?$`)
		tomlID     = regexp.MustCompile(`(?m)^\s*id\s*=\s*"(T\d{4}(?:\.\d{3})?)"`)
		splunkList = regexp.MustCompile(`(?m)^\s*mitre_attack_id:\s*\n((?:\s*-\s*['"]?T\d{4}(?:\.\d{3})?['"]?\s*\n?)+)`)
		sentList   = regexp.MustCompile(`(?m)^relevantTechniques:\s*\r?\n((?:[ \t]*-[ \t]*T\d{4}(?:\.\d{3})?[ \t]*\r?\n?)+)`)
		anyID      = regexp.MustCompile(`(?i)T\d{4}(?:\.\d{3})?`)
	)
	tests := []struct {
		name    string
		dirs    []string
		ext     string
		skip    string // a folder of deprecated rules
		pattern *regexp.Regexp
		invalid int // files reported and skipped (left out of the count too)
	}{
		{"sigma", []string{"sigma/rules", "sigma/rules-emerging-threats", "sigma/rules-threat-hunting", "sigma/rules-placeholder", "sigma/rules-compliance"}, ".yml", "", sigmaTag, 0},
		{"elastic", []string{"elastic/rules", "elastic/rules_building_block"}, ".toml", "_deprecated", tomlID, 0},
		{"splunk", []string{"splunk/detections"}, ".yml", "deprecated", splunkList, 0},
		{"sentinel", []string{"sentinel"}, ".yaml", "", sentList, 1}, // one file with a broken block scalar
	}
	cat := catalog(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set, paths := loadRules(t, cat, testutil.SharedData(t, "rules"), tc.dirs)
			invalid := map[string]bool{}
			for _, e := range set.Invalid {
				invalid[e.File] = true
			}
			if len(invalid) != tc.invalid {
				t.Errorf("%d invalid files, want %d: %v", len(invalid), tc.invalid, set.Invalid)
			}
			tagged := map[string]bool{}
			skip := func(path string) bool { return invalid[path] || tc.skip != "" && testutil.InFolder(path, tc.skip) }
			testutil.CorpusFiles(t, paths, tc.ext, skip, func(_ string, b []byte) {
				for _, m := range tc.pattern.FindAllStringSubmatch(string(b), -1) {
					for _, id := range anyID.FindAllString(m[1], -1) {
						tagged[strings.ToUpper(id)] = true
					}
				}
			})
			wantDirect, wantUnknown := resolve(cat, tagged)
			res := coverage.Compute(set.Rules, coverage.Options{Catalog: cat})
			direct, scored := map[debrief.TechniqueID]bool{}, map[debrief.TechniqueID]bool{}
			for _, tt := range res.Techniques {
				if len(tt.Rules) > 0 {
					direct[tt.ID] = true
				}
				if tt.Score > 0 {
					scored[tt.ID] = true
				}
			}
			wantScored := map[debrief.TechniqueID]bool{}
			for id := range wantDirect {
				wantScored[id] = true
				if id.IsSub() {
					wantScored[id.Parent()] = true
				}
			}
			testutil.SetDiff(t, "with rules", direct, wantDirect)
			testutil.SetDiff(t, "scored", scored, wantScored)
			unknown := map[string]bool{}
			for id := range res.Unknown {
				unknown[id] = true
			}
			testutil.SetDiff(t, "unknown", unknown, wantUnknown)
			t.Logf("%d tagged ids: %d techniques with rules, %d scored, %d unknown", len(tagged), len(direct), len(scored), len(unknown))
		})
	}
}

// resolve reads tagged ids as ATT&CK says: the technique, its successor
// when revoked, its v18 technique when v19 renamed it; others are unknown.
func resolve(cat *attack.Catalog, tagged map[string]bool) (map[debrief.TechniqueID]bool, map[string]bool) {
	direct, unknown := map[debrief.TechniqueID]bool{}, map[string]bool{}
	for id := range tagged {
		l := cat.ResolveTechnique(id)
		if !l.Known() {
			if old, ok := attack.V19ToV18(debrief.TechniqueID(id)); ok {
				l = cat.ResolveTechnique(string(old))
			}
		}
		if l.Known() {
			direct[l.Technique.ID] = true
		} else {
			unknown[id] = true
		}
	}
	return direct, unknown
}
