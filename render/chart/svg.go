package chart

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html/template"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Renderer is a chart that writes itself as SVG.
type Renderer interface {
	Render(w io.Writer) error
}

// Inline renders c for a page made with html/template: the SVG is built by
// this package, which escapes every label, so it is safe to embed as is.
func Inline(c Renderer) (template.HTML, error) {
	var b bytes.Buffer
	if err := c.Render(&b); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil // #nosec: every string in it went through esc
}

// Palette is the colour-blind-safe series palette (Okabe and Ito), used in
// order when a series has no colour of its own.
var Palette = []string{"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#999999"}

// Colours of the chart furniture and tones.
const (
	ink      = "#1a1a1a"
	muted    = "#5f6368"
	gridline = "#e3e6ea"
	frame    = "#d0d7de"
	fontSize = 11
	charW    = 6.2 // estimated width of a character at fontSize, in px
	// Worse and Better colour values and bars that are flagged.
	Worse   = "#d55e00"
	Better  = "#0072b2"
	Neutral = "#8c96a0"
)

var colourPattern = regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// colour returns c when it is a hex colour, else def.
func colour(c, def string) string {
	if colourPattern.MatchString(c) {
		return c
	}
	return def
}

// esc escapes s for XML text and attribute values; characters XML 1.0
// cannot carry (control characters, invalid UTF-8) become U+FFFD.
func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // writes to a strings.Builder never fail
	return b.String()
}

// idPattern is what an element id may hold.
var idPattern = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// safeID makes id usable as an XML id: letters, digits, '-' and '_',
// starting with a letter.
func safeID(id string) string {
	id = idPattern.ReplaceAllString(id, "-")
	if id == "" || !(id[0] >= 'A' && id[0] <= 'Z' || id[0] >= 'a' && id[0] <= 'z') {
		id = "c-" + id
	}
	return id
}

// num formats a coordinate with at most one decimal.
func num(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "0"
	}
	r := math.Round(f*10) / 10
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// Number formats a value for a label: integers as such, else up to two
// significant decimals.
func Number(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	a := math.Abs(v)
	switch {
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// clip shortens s to at most n characters, ending it with "…" when cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:max(n-1, 0)]) + "…"
}

// textWidth estimates the width of s in px.
func textWidth(s string) float64 { return float64(utf8.RuneCountInString(s)) * charW }

// niceTicks returns about n round tick values from 0 to at least top.
func niceTicks(top float64, n int) []float64 {
	if !(top > 0) || math.IsInf(top, 0) {
		top = 1
	}
	raw := top / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var ticks []float64
	for v := 0.0; ; v += step {
		v = math.Round(v/step) * step
		ticks = append(ticks, v)
		if v >= top {
			return ticks
		}
	}
}

// svgWriter writes SVG markup, keeping the first write error.
type svgWriter struct {
	w   io.Writer
	err error
}

func (s *svgWriter) printf(format string, args ...any) {
	if s.err != nil {
		return
	}
	_, s.err = fmt.Fprintf(s.w, format, args...)
}

// open writes the svg element with its accessible title and description.
func (s *svgWriter) open(id, class string, w, h float64, title, desc string) {
	s.printf(`<svg xmlns="http://www.w3.org/2000/svg" class="%s" id="%s" viewBox="0 0 %s %s" width="%s" height="%s" role="img" aria-labelledby="%s-title %s-desc" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="%d" fill="%s">`+"\n",
		esc(class), id, num(w), num(h), num(w), num(h), id, id, fontSize, ink)
	s.printf(`<title id="%s-title">%s</title>`+"\n", id, esc(title))
	s.printf(`<desc id="%s-desc">%s</desc>`+"\n", id, esc(desc))
}

func (s *svgWriter) close() { s.printf("</svg>\n") }
