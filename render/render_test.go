package render_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/render"
	"github.com/debrief-dev/debrief/review/reviewtest"
)

func TestAll(t *testing.T) {
	if got, want := strings.Join(render.Names(), " "), "md html json navigator attack-flow"; got != want {
		t.Errorf("names %q, want %q", got, want)
	}
	var exts []string
	for _, r := range render.All() {
		if slices.Contains(exts, r.Ext()) || !strings.HasPrefix(r.Ext(), ".") || r.MediaType() == "" {
			t.Errorf("%s: ext %q (taken: %v), media type %q", r.Name(), r.Ext(), exts, r.MediaType())
		}
		exts = append(exts, r.Ext())
	}
}

func TestByName(t *testing.T) {
	for _, name := range []string{"md", "HTML", " json", "navigator", "attack-flow"} {
		r, err := render.ByName(name)
		if err != nil || !strings.EqualFold(r.Name(), strings.TrimSpace(name)) {
			t.Errorf("ByName(%q) = %v, %v", name, r, err)
		}
	}
	_, err := render.ByName("pdf")
	if err == nil || debrief.ErrorCode(err) != debrief.EINVALID || !strings.Contains(err.Error(), "md, html, json, navigator, attack-flow") {
		t.Errorf("ByName(pdf): %v", err)
	}
}

func TestEveryFormatRendersEveryFixture(t *testing.T) {
	for _, r := range render.All() {
		for name, in := range map[string]*debrief.Incident{"incident": reviewtest.Incident(), "hostile": reviewtest.Hostile(),
			"bare": {ID: "x:1", Source: "x", SourceID: "1"}} {
			var b bytes.Buffer
			if err := r.Render(&b, reviewtest.Build(t, in)); err != nil || b.Len() == 0 {
				t.Errorf("%s of %s: %d bytes, %v", r.Name(), name, b.Len(), err)
			}
		}
	}
}
