package attackflow_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/render/attackflow"
	"github.com/debrief-dev/debrief/review"
	"github.com/debrief-dev/debrief/review/reviewtest"
)

func render(t *testing.T, r *review.Review) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := (attackflow.Renderer{}).Render(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRender(t *testing.T) {
	testutil.Golden(t, "TestRender", render(t, reviewtest.Build(t, reviewtest.Incident())))
}

// The patterns and required properties of the STIX 2.1 and Attack Flow
// 2.0 JSON schemas (attack-flow-schema-2.0.0.json and the OASIS common
// schemas it references).
var (
	identifier = regexp.MustCompile(`^[a-z][a-z0-9-]+[a-z0-9]--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$`)
	timestamp  = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3,}Z$`)
)

func required(typ string) []string {
	core := []string{"type", "spec_version", "id", "created", "modified"}
	switch typ {
	case "extension-definition":
		return append(core, "created_by_ref", "name", "schema", "version", "extension_types")
	case "identity":
		return append(core, "name")
	case "attack-flow":
		return append(core, "name", "start_refs", "scope", "extensions")
	case "attack-action", "attack-asset":
		return append(core, "name", "extensions")
	}
	return core
}

// refPatterns are the types each reference property may point at.
func refPatterns() map[string]*regexp.Regexp {
	return map[string]*regexp.Regexp{
		"start_refs":     regexp.MustCompile(`^(attack-action|attack-condition)--`),
		"effect_refs":    regexp.MustCompile(`^(attack-action|attack-operator|attack-condition)--`),
		"asset_refs":     regexp.MustCompile(`^attack-asset--`),
		"created_by_ref": regexp.MustCompile(`^identity--`),
	}
}

func checkBundle(t *testing.T, raw []byte) map[string]map[string]any {
	t.Helper()
	var b map[string]any
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatal(err)
	}
	if b["type"] != "bundle" || !identifier.MatchString(b["id"].(string)) || !strings.HasPrefix(b["id"].(string), "bundle--") {
		t.Errorf("bundle type %v id %v", b["type"], b["id"])
	}
	byID := map[string]map[string]any{}
	for _, x := range b["objects"].([]any) {
		o := x.(map[string]any)
		id, _ := o["id"].(string)
		if byID[id] != nil {
			t.Errorf("id %s is used twice", id)
		}
		byID[id] = o
	}
	flows := 0
	for id, o := range byID {
		typ := o["type"].(string)
		for _, f := range required(typ) {
			if _, ok := o[f]; !ok {
				t.Errorf("%s: required %q missing", id, f)
			}
		}
		checkObject(t, id, o, byID)
		if typ == "attack-flow" {
			flows++
			if !slices.Contains([]any{"incident", "campaign", "threat-actor", "malware", "attack-tree", "other"}, o["scope"]) {
				t.Errorf("%s: scope %v", id, o["scope"])
			}
		}
	}
	if flows != 1 {
		t.Errorf("%d attack-flow objects, want exactly one", flows)
	}
	if byID[attackflow.ExtensionID] == nil {
		t.Error("the Attack Flow extension definition is missing")
	}
	return byID
}

func checkObject(t *testing.T, id string, o map[string]any, byID map[string]map[string]any) {
	if !identifier.MatchString(id) || !strings.HasPrefix(id, o["type"].(string)+"--") {
		t.Errorf("%s: not a STIX identifier of its type", id)
	}
	if o["spec_version"] != "2.1" {
		t.Errorf("%s: spec_version %v", id, o["spec_version"])
	}
	for _, f := range []string{"created", "modified", "execution_start", "execution_end"} {
		if s, ok := o[f].(string); ok && !timestamp.MatchString(s) {
			t.Errorf("%s: %s %q is not a STIX timestamp with milliseconds", id, f, s)
		}
	}
	if strings.HasPrefix(o["type"].(string), "attack-") {
		ext, _ := o["extensions"].(map[string]any)[attackflow.ExtensionID].(map[string]any)
		if ext["extension_type"] != "new-sdo" {
			t.Errorf("%s: extension %v, want extension_type new-sdo", id, ext)
		}
	}
	for prop, pattern := range refPatterns() {
		refs := []any{o[prop]}
		if list, ok := o[prop].([]any); ok {
			if len(list) == 0 {
				t.Errorf("%s: %s is empty (minItems 1)", id, prop)
			}
			refs = list
		}
		for _, r := range refs {
			if r == nil {
				continue
			}
			if !pattern.MatchString(r.(string)) || byID[r.(string)] == nil {
				t.Errorf("%s: %s %v does not point at an object of the right type in the bundle", id, prop, r)
			}
		}
	}
}

func TestBundleFollowsSchema(t *testing.T) {
	for name, ins := range map[string][]*debrief.Incident{
		"incident": {reviewtest.Incident()},
		"campaign": {reviewtest.Incident(), reviewtest.Large(300)},
		"hostile":  {reviewtest.Hostile()},
		"empty":    {{ID: "x:1", Source: "x", SourceID: "1", Title: "Nothing"}},
	} {
		t.Run(name, func(t *testing.T) {
			checkBundle(t, render(t, reviewtest.Build(t, ins...)))
		})
	}
}

func TestFlowContent(t *testing.T) {
	byID := checkBundle(t, render(t, reviewtest.Build(t, reviewtest.Incident())))
	var actions []map[string]any
	assets := 0
	for _, o := range byID {
		switch o["type"] {
		case "attack-action":
			actions = append(actions, o)
		case "attack-asset":
			assets++
		}
	}
	if len(actions) != 6 || assets != 8 {
		t.Fatalf("%d actions and %d assets, want one per technique seen (6) and per entity (8)", len(actions), assets)
	}
	// Follow the chain from the start.
	var flow map[string]any
	for _, o := range byID {
		if o["type"] == "attack-flow" {
			flow = o
		}
	}
	var order []string
	for id := flow["start_refs"].([]any)[0].(string); id != ""; {
		a := byID[id]
		order = append(order, a["technique_id"].(string)+"@"+a["tactic_id"].(string))
		id = ""
		if next, ok := a["effect_refs"].([]any); ok {
			id = next[0].(string)
		}
	}
	want := "T1566.001@TA0001 T1059.001@TA0002 T1547.001@TA0003 T1003.001@TA0006 T1021.001@TA0008 T1071.001@TA0011"
	if got := strings.Join(order, " "); got != want {
		t.Errorf("flow\n got %s\nwant %s", got, want)
	}
	for _, a := range actions {
		if a["technique_id"] == "T1003.001" && (a["execution_start"] != "2024-03-04T10:26:00.000Z" || len(a["asset_refs"].([]any)) != 2) {
			t.Errorf("T1003.001 action: %v", a)
		}
	}
}

// TestFlowKeepsParentSeenAlone checks that a parent technique seen with
// its sub-technique in one stage and on its own in a later one (T1078 with
// T1078.004 at initial access, alone at persistence) is an action of the
// later stage, as the Markdown flow and the timeline show it.
func TestFlowKeepsParentSeenAlone(t *testing.T) {
	in := reviewtest.Incident()
	in.Alerts[0].Techniques = append(in.Alerts[0].Techniques,
		debrief.Technique{ID: "T1078.004", Tactics: []string{"initial-access"}}, debrief.Technique{ID: "T1078", Tactics: []string{"initial-access"}})
	in.Alerts[2].Techniques = append(in.Alerts[2].Techniques, debrief.Technique{ID: "T1078", Tactics: []string{"persistence"}})
	in.Alerts[2].Tactics = append(in.Alerts[2].Tactics, "persistence")
	var got []string
	for _, o := range checkBundle(t, render(t, reviewtest.Build(t, in))) {
		if o["type"] == "attack-action" {
			got = append(got, o["technique_id"].(string)+"@"+o["tactic_id"].(string))
		}
	}
	slices.Sort(got)
	want := "T1003.001@TA0006 T1021.001@TA0008 T1059.001@TA0002 T1071.001@TA0011 T1078.004@TA0001 T1078@TA0003 T1547.001@TA0003 T1566.001@TA0001"
	if strings.Join(got, " ") != want {
		t.Errorf("actions\n got %s\nwant %s", strings.Join(got, " "), want)
	}
}

func TestIDsAreStable(t *testing.T) {
	a := render(t, reviewtest.Build(t, reviewtest.Incident()))
	b := render(t, reviewtest.Build(t, reviewtest.Incident()))
	other := reviewtest.Incident()
	other.ID = "defender:4243"
	c := render(t, reviewtest.Build(t, other))
	if !bytes.Equal(a, b) {
		t.Error("the same review gives different bundles")
	}
	if bytes.Equal(a[:200], c[:200]) {
		t.Error("different incidents give the same bundle id")
	}
}
