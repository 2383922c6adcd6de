package chart

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// Time is a chart of values per time bucket: one line (or area) per
// series, over highlighted spans, with horizontal levels and vertical
// marks.
type Time struct {
	ID     string // element id, unique in the page; made safe
	Title  string // what the chart shows, for the caption and screen readers
	Desc   string // a sentence on how to read it
	XLabel string // e.g. "week"
	YLabel string // e.g. "incidents per week"
	// Starts are the bucket starts, ascending; End is the end of the last
	// bucket. Each series has one value per start.
	Starts []time.Time
	End    time.Time
	Series []Series
	Spans  []Span
	Levels []Level
	Marks  []Mark
	// Notes, when set, hold a text per bucket added to its tooltip, such
	// as that the bucket is partial ("" for none).
	Notes  []string
	Area   bool    // fill under each line
	Width  float64 // px; 720 when zero
	Height float64 // px of the plot and axes without the legend; 220 when zero
}

// Series is one line of a Time chart.
type Series struct {
	Name   string
	Values []float64
	Colour string // a hex colour; the Palette in order when empty
}

// Span is a highlighted time range, such as a baseline or a recent window.
type Span struct {
	From, To time.Time
	Label    string
	Tone     Tone
}

// Tone is how a span or bar stands out.
type Tone int

// Tones.
const (
	Plain   Tone = iota // a neutral shade
	Notable             // the part to look at (a recent window, a flagged value)
	Good                // better than the reference
)

// Level is a horizontal segment at a value over a time range, such as a
// rate before and after a change.
type Level struct {
	From, To time.Time
	Value    float64
	Label    string // shown in its tooltip and beside it
	Colour   string
}

// Mark is a vertical line at a time, such as a change point.
type Mark struct {
	At    time.Time
	Label string
}

func (c *Time) validate() error {
	if len(c.Starts) == 0 {
		return fmt.Errorf("chart %q: no buckets", c.Title)
	}
	for i := 1; i < len(c.Starts); i++ {
		if !c.Starts[i].After(c.Starts[i-1]) {
			return fmt.Errorf("chart %q: bucket %d starts %s, not after the one before", c.Title, i, c.Starts[i].Format(time.RFC3339))
		}
	}
	if !c.End.After(c.Starts[len(c.Starts)-1]) {
		return fmt.Errorf("chart %q: end %s is not after the last bucket start", c.Title, c.End.Format(time.RFC3339))
	}
	if c.Notes != nil && len(c.Notes) != len(c.Starts) {
		return fmt.Errorf("chart %q: %d notes, want one per bucket (%d)", c.Title, len(c.Notes), len(c.Starts))
	}
	for i, s := range c.Series {
		if len(s.Values) != len(c.Starts) {
			return fmt.Errorf("chart %q: series %d (%q) has %d values, want one per bucket (%d)", c.Title, i, s.Name, len(s.Values), len(c.Starts))
		}
	}
	return nil
}

// layout of a Time chart.
type timeLayout struct {
	w, h, left, right, top, bottom float64
	from, to                       time.Time
	ymax                           float64
}

func (l *timeLayout) x(t time.Time) float64 {
	f := float64(t.Sub(l.from)) / float64(l.to.Sub(l.from))
	return l.left + min(max(f, 0), 1)*(l.w-l.left-l.right)
}

func (l *timeLayout) y(v float64) float64 {
	return l.h - l.bottom - min(max(v/l.ymax, 0), 1)*(l.h-l.top-l.bottom)
}

// Render writes the chart as SVG.
func (c *Time) Render(w io.Writer) error {
	if err := c.validate(); err != nil {
		return err
	}
	id := safeID(c.ID)
	l := timeLayout{w: c.Width, h: c.Height, left: 48, right: 16, top: 26, bottom: 40,
		from: c.Starts[0], to: c.End}
	if l.w <= 0 {
		l.w = 720
	}
	if l.h <= 0 {
		l.h = 220
	}
	top := 0.0
	for _, s := range c.Series {
		for _, v := range s.Values {
			top = max(top, v)
		}
	}
	for _, lv := range c.Levels {
		top = max(top, lv.Value)
	}
	ticks := niceTicks(top, 4)
	l.ymax = ticks[len(ticks)-1]
	legendRows := c.legendRows(l.w)
	total := l.h + 18*float64(legendRows)

	s := &svgWriter{w: w}
	s.open(id, "chart chart-time", l.w, total, c.Title, c.Desc)
	c.drawSpans(s, &l)
	// y grid and ticks
	for _, v := range ticks {
		y := l.y(v)
		s.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`+"\n", num(l.left), num(y), num(l.w-l.right), num(y), gridline)
		s.printf(`<text x="%s" y="%s" text-anchor="end" dy="0.35em" fill="%s">%s</text>`+"\n", num(l.left-6), num(y), muted, esc(Number(v)))
	}
	c.drawXAxis(s, &l)
	c.drawHover(s, &l)
	c.drawLevels(s, &l)
	c.drawSeries(s, &l)
	c.drawMarks(s, &l)
	c.drawLegend(s, &l)
	s.close()
	return s.err
}

func spanFill(t Tone) string {
	switch t {
	case Notable:
		return "#fff1c9"
	case Good:
		return "#e3f1fb"
	}
	return "#f1f3f5"
}

func (c *Time) drawSpans(s *svgWriter, l *timeLayout) {
	for _, sp := range c.Spans {
		x1, x2 := l.x(sp.From), l.x(sp.To)
		if x2 <= x1 {
			continue
		}
		s.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`+"\n",
			num(x1), num(l.top), num(x2-x1), num(l.h-l.top-l.bottom), spanFill(sp.Tone),
			esc(fmt.Sprintf("%s: %s – %s", sp.Label, day(sp.From), day(sp.To))))
		if sp.Label != "" {
			s.printf(`<text x="%s" y="%s" text-anchor="middle" fill="%s">%s</text>`+"\n",
				num((x1+x2)/2), num(l.top-8), muted, esc(clip(sp.Label, int((x2-x1)/charW))))
		}
	}
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// drawXAxis writes the axis line, about one date label per 90 px and the
// axis label.
func (c *Time) drawXAxis(s *svgWriter, l *timeLayout) {
	base := l.h - l.bottom
	s.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`+"\n", num(l.left), num(base), num(l.w-l.right), num(base), frame)
	n := len(c.Starts)
	step := max(1, int(math.Ceil(float64(n)*90/(l.w-l.left-l.right))))
	lastEnd := -l.w // right edge of the last date label
	for i := 0; i < n; i += step {
		x := l.x(c.Starts[i])
		s.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s"/>`+"\n", num(x), num(base), num(x), num(base+4), frame)
		anchor, left, right := "start", x, x+textWidth(day(c.Starts[i]))
		if right > l.w {
			anchor, left, right = "end", x-textWidth(day(c.Starts[i])), x
		}
		if left < lastEnd+6 {
			continue
		}
		lastEnd = right
		s.printf(`<text x="%s" y="%s" text-anchor="%s" fill="%s">%s</text>`+"\n", num(x), num(base+16), anchor, muted, day(c.Starts[i]))
	}
	if c.XLabel != "" {
		s.printf(`<text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n", num((l.left+l.w-l.right)/2), num(base+32), esc(c.XLabel))
	}
	if c.YLabel != "" {
		cy := (l.top + base) / 2
		s.printf(`<text x="12" y="%s" text-anchor="middle" transform="rotate(-90 12 %s)">%s</text>`+"\n", num(cy), num(cy), esc(c.YLabel))
	}
}

// mid is the middle of bucket i.
func (c *Time) mid(l *timeLayout, i int) float64 {
	end := c.End
	if i+1 < len(c.Starts) {
		end = c.Starts[i+1]
	}
	return (l.x(c.Starts[i]) + l.x(end)) / 2
}

func (c *Time) seriesColour(i int) string {
	return colour(c.Series[i].Colour, Palette[i%len(Palette)])
}

func (c *Time) drawSeries(s *svgWriter, l *timeLayout) {
	base := l.y(0)
	for i, se := range c.Series {
		col := c.seriesColour(i)
		var pts strings.Builder
		for j, v := range se.Values {
			if j > 0 {
				pts.WriteByte(' ')
			}
			pts.WriteString(num(c.mid(l, j)) + "," + num(l.y(v)))
		}
		if c.Area {
			s.printf(`<polygon points="%s,%s %s %s,%s" fill="%s" fill-opacity="0.18" stroke="none"/>`+"\n",
				num(c.mid(l, 0)), num(base), pts.String(), num(c.mid(l, len(se.Values)-1)), num(base), col)
		}
		s.printf(`<polyline points="%s" fill="none" stroke="%s" stroke-width="2" stroke-linejoin="round"><title>%s</title></polyline>`+"\n",
			pts.String(), col, esc(se.Name))
		if len(c.Starts) <= 60 {
			for j, v := range se.Values {
				s.printf(`<circle cx="%s" cy="%s" r="2.5" fill="%s"/>`+"\n", num(c.mid(l, j)), num(l.y(v)), col)
			}
		}
	}
}

func (c *Time) drawLevels(s *svgWriter, l *timeLayout) {
	for _, lv := range c.Levels {
		x1, x2, y := l.x(lv.From), l.x(lv.To), l.y(lv.Value)
		if x2 <= x1 {
			continue
		}
		col := colour(lv.Colour, muted)
		s.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5" stroke-dasharray="5 3"><title>%s</title></line>`+"\n",
			num(x1), num(y), num(x2), num(y), col, esc(lv.Label))
		if lv.Label != "" {
			s.printf(`<text x="%s" y="%s" text-anchor="end" fill="%s">%s</text>`+"\n", num(x2-3), num(y-4), col, esc(clip(lv.Label, int((x2-x1)/charW))))
		}
	}
}

func (c *Time) drawMarks(s *svgWriter, l *timeLayout) {
	for _, m := range c.Marks {
		x := l.x(m.At)
		s.printf(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5"><title>%s</title></line>`+"\n",
			num(x), num(l.top), num(x), num(l.h-l.bottom), ink, esc(strings.TrimSpace(m.Label+" "+day(m.At))))
	}
}

// drawHover writes an invisible column per bucket whose tooltip lists
// every series' value in it.
func (c *Time) drawHover(s *svgWriter, l *timeLayout) {
	for i, st := range c.Starts {
		end := c.End
		if i+1 < len(c.Starts) {
			end = c.Starts[i+1]
		}
		var tip strings.Builder
		tip.WriteString(day(st))
		for _, se := range c.Series {
			name := se.Name
			if name == "" {
				name = "value"
			}
			fmt.Fprintf(&tip, "\n%s: %s", name, Number(se.Values[i]))
		}
		if c.Notes != nil && c.Notes[i] != "" {
			tip.WriteString("\n" + c.Notes[i])
		}
		x1, x2 := l.x(st), l.x(end)
		s.printf(`<rect x="%s" y="%s" width="%s" height="%s" fill="#000000" fill-opacity="0"><title>%s</title></rect>`+"\n",
			num(x1), num(l.top), num(x2-x1), num(l.h-l.top-l.bottom), esc(tip.String()))
	}
}

// legendRows is how many rows the legend needs: none for a single series.
func (c *Time) legendRows(width float64) int {
	if len(c.Series) < 2 {
		return 0
	}
	rows, x := 1, 48.0
	for _, se := range c.Series {
		w := 22 + textWidth(clip(se.Name, 40)) + 16
		if x+w > width && x > 48 {
			rows++
			x = 48
		}
		x += w
	}
	return rows
}

func (c *Time) drawLegend(s *svgWriter, l *timeLayout) {
	if len(c.Series) < 2 {
		return
	}
	x, y := 48.0, l.h+4
	for i, se := range c.Series {
		name := clip(se.Name, 40)
		w := 22 + textWidth(name) + 16
		if x+w > l.w && x > 48 {
			x, y = 48, y+18
		}
		s.printf(`<rect x="%s" y="%s" width="16" height="4" fill="%s"/>`+"\n", num(x), num(y+4), c.seriesColour(i))
		s.printf(`<text x="%s" y="%s"><title>%s</title>%s</text>`+"\n", num(x+22), num(y+10), esc(se.Name), esc(name))
		x += w
	}
}

// Scale returns, for the buckets that start at starts (the last ending at
// end), the factor that turns a count over the part of a bucket inside
// [from, to) into one over the whole bucket, and a note for each partial
// bucket ("" for whole ones): a week cut to two days by the edge of a
// window would otherwise look like a fall. unit names a bucket ("week").
// Buckets less than half inside are better left out (Whole).
func Scale(starts []time.Time, end, from, to time.Time, unit string) ([]float64, []string) {
	factors, notes := make([]float64, len(starts)), make([]string, len(starts))
	for i, s := range starts {
		e := end
		if i+1 < len(starts) {
			e = starts[i+1]
		}
		factors[i] = 1
		lo, hi := s, e
		if from.After(lo) {
			lo = from
		}
		if to.Before(hi) {
			hi = to
		}
		whole, in := e.Sub(s), hi.Sub(lo)
		if in > 0 && in < whole {
			factors[i] = float64(whole) / float64(in)
			notes[i] = fmt.Sprintf("partial %s: %s of %s days, scaled ×%s", unit,
				Number(in.Hours()/24), Number(whole.Hours()/24), Number(factors[i]))
		}
	}
	return factors, notes
}

// Whole returns the range [lo, hi) of buckets to draw given their Scale
// factors: all but the leading and trailing ones less than half inside
// (factor over 2), whose scaled counts would be mostly noise.
func Whole(factors []float64) (lo, hi int) {
	lo, hi = 0, len(factors)
	for lo < hi && factors[lo] > 2 {
		lo++
	}
	for hi > lo && factors[hi-1] > 2 {
		hi--
	}
	return lo, hi
}
