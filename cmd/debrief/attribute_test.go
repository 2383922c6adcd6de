package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/attribution"
	"github.com/debrief-dev/debrief/internal/testutil"
)

func TestAttribute(t *testing.T) {
	home := t.TempDir()
	out, errOut, code := cli(t, home, "", "demo", "--out", filepath.Join(t.TempDir(), "demo"), "--days", "20", "-q", "--json")
	if code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	var demo struct{ Incident, Store string }
	if err := json.Unmarshal([]byte(out), &demo); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = cli(t, home, "", "--db", demo.Store, "attribute", demo.Incident, "--top", "3", "--json")
	if code != 0 {
		t.Fatalf("attribute: exit %d: %s", code, errOut)
	}
	var res struct {
		Candidates []struct {
			ID, Kind, Name    string
			Score, Confidence float64
			SharedTechniques  []struct{ ID string } `json:"shared_techniques"`
			MatchedSoftware   []struct{ ID string } `json:"matched_software"`
			MissingTechniques []struct{ ID string } `json:"missing_techniques"`
		}
		Confident *bool
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Candidates) != 3 || res.Confident == nil {
		t.Fatalf("want 3 candidates and confident: %s", out)
	}
	for _, c := range res.Candidates {
		if c.Kind != "group" && c.Kind != "campaign" || c.ID == "" || c.Confidence < 0 || c.Confidence > 1 || c.SharedTechniques == nil {
			t.Errorf("candidate %+v", c)
		}
	}
	out, _, code = cli(t, home, "", "--db", demo.Store, "attribute", demo.Incident)
	if code != 0 || !strings.Contains(out, "SHARED (RAREST FIRST)") {
		t.Errorf("text output: exit %d\n%s", code, out)
	}
	if _, errOut, code := cli(t, home, "", "--db", demo.Store, "attribute", demo.Incident, "--top", "0"); code != exitUsage {
		t.Errorf("--top 0: exit %d: %s", code, errOut)
	}
}

func TestAttributionEval(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluation takes a few seconds")
	}
	draws := filepath.Join(testutil.SharedData(t, "attribution"), "partial_draws.json")
	out, errOut, code := cli(t, t.TempDir(), "", "attribution", "eval", "--draws", draws, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		Setting  string
		Protocol string
		Rows     []struct {
			Method, Evidence, Obs        string
			Top1, Top3, Top5, Top10, MRR float64
		}
		Reliability  []struct{ N int }
		ReliabilityT []struct{ N int } `json:"reliability_techniques"`
		ECE          *float64
		ECET         *float64 `json:"ece_techniques"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Setting != "loco_cite" || !strings.Contains(rep.Protocol, "whose citations are all among the campaign's") {
		t.Errorf("setting %q, protocol %q: want loco_cite by default, saying what it drops", rep.Setting, rep.Protocol)
	}
	methods := map[string]bool{}
	for _, r := range rep.Rows {
		methods[r.Method] = true
		if r.Top1 > r.Top3 || r.Top3 > r.Top5 || r.Top5 > r.Top10 {
			t.Errorf("row %+v: top-k not increasing", r)
		}
	}
	if len(rep.Rows) != 15 || !methods["debrief"] || !methods["jaccard"] || !methods["naive-bayes"] {
		t.Errorf("rows %+v", rep.Rows)
	}
	if len(rep.Reliability) != 10 || len(rep.ReliabilityT) != 10 || rep.ECE == nil || rep.ECET == nil {
		t.Errorf("reliability tables %v %v, ECE %v %v: want 10 bins each for T+S and T, and their ECE", rep.Reliability, rep.ReliabilityT, rep.ECE, rep.ECET)
	}
}

func TestAttributionEvalWithoutSharedData(t *testing.T) {
	if testing.Short() {
		t.Skip("evaluation takes a few seconds")
	}
	out, errOut, code := cli(t, t.TempDir(), "", "attribution", "eval")
	if code != 0 || !strings.Contains(out, "draws: seed 20251113") || !strings.Contains(out, "naive-bayes") {
		t.Errorf("exit %d: %s\n%s", code, errOut, out)
	}
}

func TestAttributionEvalProtocolFlag(t *testing.T) {
	_, errOut, code := cli(t, t.TempDir(), "", "attribution", "eval", "--protocol", "strict")
	if code != exitUsage || !strings.Contains(errOut, "want loco_cite or loco") {
		t.Errorf("--protocol strict: exit %d: %s", code, errOut)
	}
}

// TestAttributeWithoutEvidence checks that attribute says there is
// nothing to compare instead of ranking every group at score 0.
func TestAttributeWithoutEvidence(t *testing.T) {
	cat, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	m, err := attribution.New(cat, attribution.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	printAttribution(&b, m.Rank(attribution.EvidenceOf(&debrief.Incident{ID: "x"}), 10))
	if out := b.String(); !strings.Contains(out, "No attribution: the incidents carry no known ATT&CK technique") || strings.Contains(out, "SCORE") {
		t.Errorf("text output:\n%s", out)
	}
}
