package server_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/rules"
	"github.com/debrief-dev/debrief/rules/auto"
	"github.com/debrief-dev/debrief/server"
)

// TestCoverageIDs checks that GET /api/v1/coverage lists the ids not read
// as tagged and the rules without a technique, as "coverage --format json"
// does: a v19 id, an unknown id and an untagged rule among the corpus.
func TestCoverageIDs(t *testing.T) {
	dir := t.TempDir()
	ps, err := os.ReadFile("testdata/rules/powershell.yml")
	if err != nil {
		t.Fatal(err)
	}
	sigma := func(name, id, tags string) {
		rule := strings.NewReplacer("5b8a1c2e-3f4d-4e6a-9b7c-0d1e2f3a4b5c", id, "  - attack.execution\n  - attack.t1059.001\n", tags).Replace(string(ps))
		if err := os.WriteFile(filepath.Join(dir, name), []byte(rule), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sigma("powershell.yml", "5b8a1c2e-3f4d-4e6a-9b7c-0d1e2f3a4b5c", "  - attack.execution\n  - attack.t1059.001\n")
	sigma("v19.yml", "6c9b2d3f-4a5e-4f7b-8c8d-1e2f3a4b5c6d", "  - attack.t1685\n")
	sigma("odd.yml", "7dac3e4a-5b6f-4a8c-9d9e-2f3a4b5c6d7e", "  - attack.t1059.001\n  - attack.t9999\n")
	sigma("untagged.yml", "8ebd4f5b-6c7a-4b9d-8eaf-3a4b5c6d7e8f", "  - detection.threat-hunting\n")

	e := newEnv(t, func(c *server.Config) { c.Rules = []string{dir} })
	resp, b := e.do(t, "GET", "/api/v1/coverage?threat=group:APT29", debrief.RoleViewer, nil)
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	var rep server.CoverageReport
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Rules != 4 || len(rep.Invalid) != 0 {
		t.Errorf("rules %d, invalid %q; want 4 and none", rep.Rules, rep.Invalid)
	}
	if !slices.Equal(rep.Unmapped, []string{filepath.Join(dir, "untagged.yml")}) {
		t.Errorf("unmapped_rules %q, want untagged.yml", rep.Unmapped)
	}
	if u := rep.IDs.Unknown; len(u) != 1 || u[0].ID != "T9999" || !slices.Equal(u[0].Files, []string{filepath.Join(dir, "odd.yml")}) {
		t.Errorf("unknown ids %+v, want T9999 of odd.yml", u)
	}
	if tr := rep.IDs.Translated; len(tr) != 1 || tr[0].ID != "T1685" || tr[0].As == "" {
		t.Errorf("translated ids %+v, want T1685", tr)
	}

	// The same as the rules package says of the corpus, which the CLI prints.
	cat, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	set, err := rules.Collect(auto.Load(context.Background(), []string{dir}, rules.Options{Catalog: cat}))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(struct {
		IDs      rules.IDUses `json:"ids"`
		Unmapped []string     `json:"unmapped_rules"`
	}{rules.Uses(set.Rules), rules.Unmapped(set.Rules)})
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(struct {
		IDs      json.RawMessage `json:"ids"`
		Unmapped json.RawMessage `json:"unmapped_rules"`
	}{raw["ids"], raw["unmapped_rules"]})
	var g, w any
	json.Unmarshal(got, &g)
	json.Unmarshal(want, &w)
	gj, _ := json.Marshal(g)
	wj, _ := json.Marshal(w)
	if string(gj) != string(wj) {
		t.Errorf("ids and unmapped_rules\n%s\nwant\n%s", gj, wj)
	}
}

// TestCoverageObservedEmpty: the observed threat of a window without
// incidents, or of incidents that name no technique, is no profile: 404
// saying why (as the CLI's exit 1 and attributed's 404), not 0% of nothing.
func TestCoverageObservedEmpty(t *testing.T) {
	e := newEnv(t, func(c *server.Config) { c.Rules = []string{"testdata/rules"} })
	noTechnique := strings.Replace(good, `,"AttackTechniques":"[\"PowerShell (T1059.001)\"]"`, "", 1)
	for _, tc := range []struct {
		ingest string // first
		says   string
	}{
		{"", "threat observed: no incidents in the store were created since "},
		{noTechnique, "threat observed: no ATT&CK technique in the 1 incident created since 2025-10-04"},
	} {
		if tc.ingest != "" {
			if resp, b := e.do(t, "POST", "/api/v1/ingest?format=defender-hunting", debrief.RoleAnalyst, strings.NewReader(tc.ingest)); resp.StatusCode != 200 {
				t.Fatalf("ingest: %d %s", resp.StatusCode, b)
			}
		}
		resp, b := e.do(t, "GET", "/api/v1/coverage?threat=observed", debrief.RoleViewer, nil)
		var body struct {
			Error struct{ Code, Message string }
		}
		if err := json.Unmarshal(b, &body); err != nil || resp.StatusCode != 404 || body.Error.Code != "not_found" || !strings.Contains(body.Error.Message, tc.says) {
			t.Errorf("%d %.300s, want 404 saying %q", resp.StatusCode, b, tc.says)
		}
	}
}
