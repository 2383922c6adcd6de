package navigator_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/render/navigator"
	"github.com/debrief-dev/debrief/review"
	"github.com/debrief-dev/debrief/review/reviewtest"
)

func catalog(t testing.TB) *attack.Catalog {
	t.Helper()
	c, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func render(t *testing.T, r *review.Review) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := (navigator.Renderer{}).Render(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestRender(t *testing.T) {
	testutil.Golden(t, "TestRender", render(t, reviewtest.Build(t, reviewtest.Incident())))
}

// TestLayerFollowsSpec checks layers of several reviews against the rules
// of the layer format 4.5, on the decoded layer (Validate) and on the raw
// JSON (required members present, with the right JSON types).
func TestLayerFollowsSpec(t *testing.T) {
	reviews := map[string]*review.Review{
		"incident": reviewtest.Build(t, reviewtest.Incident()),
		"hostile":  reviewtest.Build(t, reviewtest.Hostile()),
		"large":    reviewtest.Build(t, reviewtest.Large(500)),
		"empty":    reviewtest.Build(t, &debrief.Incident{ID: "x:1", Source: "x", SourceID: "1"}),
	}
	for name, r := range reviews {
		t.Run(name, func(t *testing.T) {
			raw := render(t, r)
			l, err := navigator.Decode(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if err := navigator.Validate(l, catalog(t)); err != nil {
				t.Errorf("layer breaks the 4.5 rules:\n%v", err)
			}
			checkRaw(t, raw)
		})
	}
}

func checkRaw(t *testing.T, raw []byte) {
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	need := func(obj map[string]any, where string, fields ...string) {
		for _, f := range fields {
			if _, ok := obj[f]; !ok {
				t.Errorf("%s: required %q missing", where, f)
			}
		}
	}
	need(doc, "layer", "name", "domain", "versions", "techniques", "gradient", "legendItems")
	versions, _ := doc["versions"].(map[string]any)
	need(versions, "versions", "navigator", "layer", "attack")
	if _, ok := versions["attack"].(string); !ok {
		t.Error("versions.attack is not a string")
	}
	gradient, _ := doc["gradient"].(map[string]any)
	need(gradient, "gradient", "colors", "minValue", "maxValue")
	for i, x := range doc["techniques"].([]any) {
		tech := x.(map[string]any)
		need(tech, "techniques["+itoa(i)+"]", "techniqueID", "tactic", "score", "color", "comment", "metadata", "links")
		if _, ok := tech["score"].(float64); !ok {
			t.Errorf("techniques[%d].score is not a number", i)
		}
		for _, m := range tech["metadata"].([]any) {
			need(m.(map[string]any), "metadata", "name", "value")
		}
	}
	for _, x := range doc["legendItems"].([]any) {
		need(x.(map[string]any), "legendItems", "label", "color")
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestLayerContent(t *testing.T) {
	l := navigator.FromReview(reviewtest.Build(t, reviewtest.Hostile()))
	var found bool
	for _, x := range l.Techniques {
		if x.TechniqueID == "T1999" {
			t.Error("a technique the catalog does not know is in the layer")
		}
		if x.TechniqueID == "T1547.001" && x.Tactic == "privilege-escalation" {
			found = true
			if *x.Score != 1 || x.Color != navigator.SeverityColor(debrief.SeverityMedium) || !strings.Contains(x.Comment, "1 alert;") {
				t.Errorf("T1547.001: %+v", x)
			}
		}
		if x.TechniqueID == "T1547" && !x.ShowSubtechniques {
			t.Error("T1547 does not show its sub-technique")
		}
	}
	if !found {
		t.Error("T1547.001 is not under privilege-escalation, its second tactic")
	}
	for _, link := range l.Links {
		if !strings.HasPrefix(link.URL, "http") {
			t.Errorf("non-web link %q", link.URL)
		}
	}
	// The catalog's full version, as "attack layer" writes it.
	if l.Versions.ATTACK != "18.1" || l.Domain != "enterprise-attack" || l.Versions.Layer != "4.5" {
		t.Errorf("versions %+v, domain %s", l.Versions, l.Domain)
	}
}

func TestValidateFinds(t *testing.T) {
	good := func() *navigator.Layer {
		return navigator.FromReview(reviewtest.Build(t, reviewtest.Incident()))
	}
	tests := []struct {
		name   string
		change func(*navigator.Layer)
		want   string
	}{
		{"no name", func(l *navigator.Layer) { l.Name = " " }, "name: required"},
		{"old layer version", func(l *navigator.Layer) { l.Versions.Layer = "4.4" }, `versions.layer: "4.4"`},
		{"old navigator", func(l *navigator.Layer) { l.Versions.Navigator = "4.8.2" }, "versions.navigator"},
		{"navigator not a version", func(l *navigator.Layer) { l.Versions.Navigator = "five" }, "versions.navigator"},
		{"old domain name", func(l *navigator.Layer) { l.Domain = "mitre-enterprise" }, "domain"},
		{"bad technique id", func(l *navigator.Layer) { l.Techniques[0].TechniqueID = "T1059.1" }, "want T#### or T####.###"},
		{"mobile technique", func(l *navigator.Layer) { l.Techniques[0].TechniqueID = "T1660" }, "not a technique of enterprise-attack"},
		{"tactic of another technique", func(l *navigator.Layer) { l.Techniques[0].Tactic = "impact" }, `tactic: "impact"`},
		{"one gradient colour", func(l *navigator.Layer) { l.Gradient.Colors = l.Gradient.Colors[:1] }, "at least 2"},
		{"flat gradient", func(l *navigator.Layer) { l.Gradient.MaxValue = l.Gradient.MinValue }, "must be below maxValue"},
		{"bad colour", func(l *navigator.Layer) { l.Techniques[0].Color = "red" }, "is not #rrggbb"},
		{"empty legend", func(l *navigator.Layer) { l.Legend[0].Label = "" }, "legendItems[0]"},
		{"link without protocol", func(l *navigator.Layer) { l.Techniques[0].Links[0].URL = "attack.mitre.org" }, "links[0]"},
		{"empty metadata", func(l *navigator.Layer) { l.Metadata[0].Value = "" }, "metadata[0]"},
	}
	if err := navigator.Validate(good(), catalog(t)); err != nil {
		t.Fatalf("the good layer fails: %v", err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := good()
			tc.change(l)
			err := navigator.Validate(l, catalog(t))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}
