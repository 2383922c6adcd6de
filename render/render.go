package render

import (
	"io"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/render/attackflow"
	"github.com/debrief-dev/debrief/render/html"
	"github.com/debrief-dev/debrief/render/jsonout"
	"github.com/debrief-dev/debrief/render/markdown"
	"github.com/debrief-dev/debrief/render/navigator"
	"github.com/debrief-dev/debrief/review"
)

// Renderer writes a review in one format.
type Renderer interface {
	// Name is the --format name: "md", "html", "json", "navigator",
	// "attack-flow".
	Name() string
	// MediaType is the IANA media type of the output, for HTTP.
	MediaType() string
	// Ext is the suffix of a file of this format, with its dot, distinct
	// for every renderer: ".md", ".html", ".json", ".layer.json",
	// ".flow.json".
	Ext() string
	// Render writes r to w.
	Render(w io.Writer, r *review.Review) error
}

// All returns every renderer: md, html, json, navigator, attack-flow.
func All() []Renderer {
	return []Renderer{markdown.Renderer{}, html.Renderer{}, jsonout.Renderer{}, navigator.Renderer{}, attackflow.Renderer{}}
}

// Names returns the names of All, in order.
func Names() []string {
	var out []string
	for _, r := range All() {
		out = append(out, r.Name())
	}
	return out
}

// ByName returns the renderer with a --format name (case-insensitive), or
// an *debrief.Error with code EINVALID that lists the names.
func ByName(name string) (Renderer, error) {
	for _, r := range All() {
		if strings.EqualFold(r.Name(), strings.TrimSpace(name)) {
			return r, nil
		}
	}
	return nil, debrief.Errorf(debrief.EINVALID, "format %q: want one of %s", name, strings.Join(Names(), ", "))
}
