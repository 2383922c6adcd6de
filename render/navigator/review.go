package navigator

import (
	"fmt"
	"io"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/review"
)

// Renderer writes a review as a Navigator layer (FromReview). The zero
// value is ready to use.
type Renderer struct{}

// Name returns "navigator".
func (Renderer) Name() string { return "navigator" }

// MediaType returns "application/json".
func (Renderer) MediaType() string { return "application/json" }

// Ext returns ".layer.json".
func (Renderer) Ext() string { return ".layer.json" }

// Render writes the layer of r.
func (Renderer) Render(w io.Writer, r *review.Review) error { return Encode(w, FromReview(r)) }

// SeverityColor is the colour a layer gives the techniques whose most
// severe alert had a severity, and the legend lists.
func SeverityColor(s debrief.Severity) string {
	switch s {
	case debrief.SeverityCritical:
		return "#7f0000"
	case debrief.SeverityHigh:
		return "#d7301f"
	case debrief.SeverityMedium:
		return "#fc8d59"
	case debrief.SeverityLow:
		return "#fdcc8a"
	case debrief.SeverityInformational:
		return "#d9d9d9"
	}
	return "#bdbdbd"
}

// FromReview makes the Enterprise layer of a review: each technique seen,
// under each of its tactics, scored by its number of alerts and coloured
// by the severity of its most severe alert, with a comment, metadata
// (first and last seen, detection sources, mitigations) and a link to its
// ATT&CK page. Techniques the catalog does not know, and techniques with
// no Enterprise tactic, are left out and counted in the layer's metadata.
func FromReview(r *review.Review) *Layer {
	l := New(layerName(r), "enterprise-attack", r.Data.ATTACK)
	l.Description = r.Summary.What
	l.Sorting = 3 // by score, descending
	sev := severities(r)
	maxAlerts, unknown := 1, 0
	subs := map[debrief.TechniqueID]bool{}
	for _, t := range r.Techniques {
		if t.ID.IsSub() {
			subs[t.ID.Parent()] = true
		}
	}
	matrix := map[string]bool{}
	for _, st := range r.KillChain {
		matrix[st.Tactic] = true
	}
	for _, t := range r.Techniques {
		n := len(l.Techniques)
		for _, tactic := range t.Tactics {
			if t.Status != debrief.TechniqueUnknown && matrix[tactic] {
				l.Techniques = append(l.Techniques, technique(t, tactic, sev[t.ID], subs[t.ID]))
			}
		}
		if len(l.Techniques) == n {
			unknown++
			continue
		}
		maxAlerts = max(maxAlerts, t.Alerts)
	}
	l.Gradient = &Gradient{Colors: []string{"#fff7ec", "#fc8d59", "#b30000"}, MinValue: 0, MaxValue: float64(maxAlerts)}
	for _, s := range []debrief.Severity{debrief.SeverityCritical, debrief.SeverityHigh, debrief.SeverityMedium,
		debrief.SeverityLow, debrief.SeverityInformational} {
		l.Legend = append(l.Legend, LegendItem{Label: "Most severe alert: " + string(s), Color: SeverityColor(s)})
	}
	l.Metadata = layerMetadata(r, unknown)
	l.Links = layerLinks(r)
	return l
}

func layerName(r *review.Review) string {
	name := "debrief review: " + r.Header.Title
	if len([]rune(name)) > 120 {
		name = string([]rune(name)[:119]) + "…"
	}
	return name
}

// severities gives each technique the severity of its most severe alert.
func severities(r *review.Review) map[debrief.TechniqueID]debrief.Severity {
	out := map[debrief.TechniqueID]debrief.Severity{}
	for _, e := range r.Timeline {
		if e.Kind != review.EventAlert {
			continue
		}
		for _, id := range e.Techniques {
			if e.Severity.Rank() > out[id].Rank() {
				out[id] = e.Severity
			}
		}
	}
	return out
}

func technique(t review.Technique, tactic string, sev debrief.Severity, hasSubs bool) Technique {
	x := Technique{
		TechniqueID: string(t.ID), Tactic: tactic, Score: Score(float64(t.Alerts)), Color: SeverityColor(sev),
		Comment: fmt.Sprintf("%d alert%s; most severe %s; first seen %s; detected by %s", t.Alerts, plural(t.Alerts),
			cmpOr(string(sev), "unknown"), review.Stamp(t.FirstSeen), cmpOr(strings.Join(t.Sources, ", "), "—")),
		ShowSubtechniques: hasSubs,
		Metadata: []Metadata{
			{Name: "first seen", Value: review.Stamp(t.FirstSeen)},
			{Name: "last seen", Value: review.Stamp(t.LastSeen)},
			{Name: "alerts", Value: fmt.Sprint(t.Alerts)},
		},
	}
	if len(t.Sources) > 0 {
		x.Metadata = append(x.Metadata, Metadata{Name: "detected by", Value: strings.Join(t.Sources, ", ")})
	}
	if len(t.Mitigations) > 0 {
		ids := make([]string, len(t.Mitigations))
		for i, m := range t.Mitigations {
			ids[i] = m.ID
		}
		x.Metadata = append(x.Metadata, Metadata{Name: "mitigations", Value: strings.Join(ids, ", ")})
	}
	if web(t.URL) {
		x.Links = []Link{{Label: "ATT&CK " + string(t.ID), URL: t.URL}}
	}
	return x
}

func layerMetadata(r *review.Review, unknown int) []Metadata {
	var ids []string
	for _, x := range r.Header.Incidents {
		ids = append(ids, x.ID)
	}
	md := []Metadata{
		{Name: "incidents", Value: strings.Join(ids, ", ")},
		{Name: "generated", Value: review.Stamp(r.Generated)},
		{Name: "ATT&CK", Value: r.Data.ATTACK},
		{Name: "review schema", Value: r.SchemaVersion},
	}
	var gaps []string
	for _, st := range r.KillChain {
		if st.Status == review.StageGap {
			gaps = append(gaps, st.Name)
		}
	}
	if len(gaps) > 0 {
		md = append(md, Metadata{Name: "kill-chain gaps", Value: strings.Join(gaps, ", ")})
	}
	if unknown > 0 {
		md = append(md, Metadata{Name: "techniques left out (not in Enterprise ATT&CK)", Value: fmt.Sprint(unknown)})
	}
	return md
}

// layerLinks links the incidents whose URLs are web addresses.
func layerLinks(r *review.Review) []Link {
	var out []Link
	for _, x := range r.Header.Incidents {
		if web(x.URL) {
			out = append(out, Link{Label: "Incident " + x.ID, URL: x.URL})
		}
	}
	return out
}

func web(u string) bool { return strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") }

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
