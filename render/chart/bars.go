package chart

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// Bars is a horizontal bar chart of one value per group, each with an
// optional confidence interval, against a reference value drawn as a line
// across them (such as the team's median beside each technique's).
type Bars struct {
	ID         string // element id, unique in the page; made safe
	Title      string
	Desc       string
	ValueLabel string // the axis label, e.g. "median time to resolve (hours)"
	Bars       []Bar
	// Reference is drawn when HasReference; ReferenceLabel names it ("team").
	Reference      float64
	HasReference   bool
	ReferenceLabel string
	// Format writes a value in labels and tooltips; Number when nil.
	Format func(float64) string
	Width  float64 // px; 720 when zero
}

// Bar is one group.
type Bar struct {
	Label string
	Value float64
	// Low and High bound the interval; drawn when High > Low.
	Low, High float64
	Tone      Tone   // Notable for a gap, Good for a strength
	Note      string // added to the tooltip, e.g. "n = 40, q = 0.01"
}

const (
	barRow    = 22.0
	barTop    = 30.0
	barBottom = 40.0
	maxLabel  = 38 // characters of a bar's label before it is clipped
)

func (c *Bars) format(v float64) string {
	if c.Format != nil {
		return c.Format(v)
	}
	return Number(v)
}

func (c *Bars) validate() error {
	if len(c.Bars) == 0 {
		return fmt.Errorf("chart %q: no bars", c.Title)
	}
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) || v < 0 }
	for i, b := range c.Bars {
		if bad(b.Value) || bad(b.Low) || bad(b.High) {
			return fmt.Errorf("chart %q: bar %d (%q): value %v, interval [%v, %v]: want finite values ≥ 0", c.Title, i, b.Label, b.Value, b.Low, b.High)
		}
	}
	if c.HasReference && bad(c.Reference) {
		return fmt.Errorf("chart %q: reference %v: want a finite value ≥ 0", c.Title, c.Reference)
	}
	return nil
}

func barFill(t Tone) string {
	switch t {
	case Notable:
		return Worse
	case Good:
		return Better
	}
	return Neutral
}

// Render writes the chart as SVG.
func (c *Bars) Render(w io.Writer) error {
	if err := c.validate(); err != nil {
		return err
	}
	id := safeID(c.ID)
	width := c.Width
	if width <= 0 {
		width = 720
	}
	labelW := 0.0
	for _, b := range c.Bars {
		labelW = max(labelW, textWidth(clip(b.Label, maxLabel)))
	}
	left := min(labelW, width/2) + 16
	right := 64.0 // room for the value after the longest bar
	height := barTop + barRow*float64(len(c.Bars)) + barBottom
	top := c.Reference * b2f(c.HasReference)
	for _, b := range c.Bars {
		top = max(top, b.Value, b.High)
	}
	ticks := niceTicks(top, 4)
	xmax := ticks[len(ticks)-1]
	x := func(v float64) float64 { return left + min(max(v/xmax, 0), 1)*(width-left-right) }
	base := barTop + barRow*float64(len(c.Bars))

	s := &svgWriter{w: w}
	s.open(id, "chart chart-bars", width, height, c.Title, c.Desc)
	for _, v := range ticks {
		s.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`+"\n", num(x(v)), num(barTop-4), num(x(v)), num(base), gridline)
		s.printf(`<text x="%s" y="%s" text-anchor="middle" fill="%s">%s</text>`+"\n", num(x(v)), num(base+14), muted, esc(c.format(v)))
	}
	s.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`+"\n", num(left), num(barTop-4), num(left), num(base), frame)
	if c.ValueLabel != "" {
		s.printf(`<text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n", num((left+width-right)/2), num(base+32), esc(c.ValueLabel))
	}
	for i, b := range c.Bars {
		c.drawBar(s, b, barTop+barRow*float64(i), left, x)
	}
	if c.HasReference {
		rx := x(c.Reference)
		label := strings.TrimSpace(c.ReferenceLabel + " " + c.format(c.Reference))
		s.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5" stroke-dasharray="5 3"><title>%s</title></line>`+"\n",
			num(rx), num(barTop-6), num(rx), num(base), ink, esc(label))
		anchor := "middle"
		switch {
		case rx-textWidth(label)/2 < left:
			anchor = "start"
		case rx+textWidth(label)/2 > width:
			anchor = "end"
		}
		s.printf(`<text x="%s" y="%s" text-anchor="%s">%s</text>`+"\n", num(rx), num(barTop-10), anchor, esc(label))
	}
	s.close()
	return s.err
}

func (c *Bars) drawBar(s *svgWriter, b Bar, y, left float64, x func(float64) float64) {
	tip := b.Label + ": " + c.format(b.Value)
	if b.High > b.Low {
		tip += fmt.Sprintf(" (interval %s – %s)", c.format(b.Low), c.format(b.High))
	}
	if c.HasReference {
		tip += fmt.Sprintf("; %s %s", strings.TrimSpace(c.ReferenceLabel), c.format(c.Reference))
	}
	if b.Note != "" {
		tip += "; " + b.Note
	}
	mid := y + barRow/2
	s.printf(`<g><title>%s</title>`+"\n", esc(tip))
	s.printf(`<text x="%s" y="%s" text-anchor="end" dy="0.35em">%s</text>`+"\n", num(left-6), num(mid), esc(clip(b.Label, maxLabel)))
	s.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`+"\n", num(left), num(y+4), num(x(b.Value)-left), num(barRow-8), barFill(b.Tone))
	end := x(b.Value)
	if b.High > b.Low {
		lo, hi := x(b.Low), x(b.High)
		s.printf(`<path d="M%s %sH%sM%s %sV%sM%s %sV%s" stroke="%s" stroke-width="1.5" fill="none"/>`+"\n",
			num(lo), num(mid), num(hi), num(lo), num(mid-4), num(mid+4), num(hi), num(mid-4), num(mid+4), ink)
		end = max(end, hi)
	}
	s.printf(`<text x="%s" y="%s" dy="0.35em" fill="%s">%s</text>`+"\n", num(end+4), num(mid), muted, esc(c.format(b.Value)))
	s.printf("</g>\n")
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
