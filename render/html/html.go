package html

import (
	"bufio"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/review"
)

//go:embed review.html.tmpl
var pageTemplate string

// parsed is the page template, parsed once.
var parsed = sync.OnceValues(func() (*template.Template, error) {
	return template.New("review").Funcs(funcs()).Parse(pageTemplate)
})

// Renderer writes a review as a self-contained HTML page. The zero value
// is ready to use.
type Renderer struct{}

// Name returns "html".
func (Renderer) Name() string { return "html" }

// MediaType returns "text/html; charset=utf-8".
func (Renderer) MediaType() string { return "text/html; charset=utf-8" }

// Ext returns ".html".
func (Renderer) Ext() string { return ".html" }

// Render writes r as an HTML page.
func (Renderer) Render(w io.Writer, r *review.Review) error {
	t, err := parsed()
	if err != nil {
		return fmt.Errorf("render html: parse template: %w", err)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	p := page{R: r, Matrix: matrix(r), Chart: newChart(r)}
	if p.MetricsChart, err = metricsChart(r); err != nil {
		return fmt.Errorf("render html: metrics chart: %w", err)
	}
	if p.WeeklyChart, err = weeklyChart(r); err != nil {
		return fmt.Errorf("render html: weekly chart: %w", err)
	}
	if err := t.Execute(bw, p); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	return nil
}

func funcs() template.FuncMap {
	return template.FuncMap{
		"stamp":        review.Stamp,
		"inc":          func(i int) int { return i + 1 },
		"words":        func(s any) string { return strings.ReplaceAll(fmt.Sprint(s), "_", " ") },
		"join":         func(sep string, xs any) string { return join(sep, xs) },
		"web":          web,
		"pct":          func(sc *review.Scores, v float64) string { return fmt.Sprintf("%.0f", sc.Fraction(v)*100) },
		"sevcol":       severityColor,
		"f1":           func(f float64) string { return fmt.Sprintf("%.1f", f) },
		"groupcm":      groupCountermeasures,
		"heat":         heat,
		"timelineRows": timelineRows,
		"entityRows":   entityRows,
	}
}

// join joins a list of strings or technique ids.
func join(sep string, xs any) string {
	switch xs := xs.(type) {
	case []string:
		return strings.Join(xs, sep)
	case []debrief.TechniqueID:
		parts := make([]string, len(xs))
		for i, x := range xs {
			parts[i] = string(x)
		}
		return strings.Join(parts, sep)
	}
	return fmt.Sprint(xs)
}

// cmGroup is the countermeasures of one D3FEND tactic.
type cmGroup struct {
	Tactic string
	Items  []review.Countermeasure
}

func groupCountermeasures(cs []review.Countermeasure) []cmGroup {
	var out []cmGroup
	for _, c := range cs {
		if n := len(out); n == 0 || out[n-1].Tactic != c.Tactic {
			out = append(out, cmGroup{Tactic: c.Tactic})
		}
		out[len(out)-1].Items = append(out[len(out)-1].Items, c)
	}
	return out
}
