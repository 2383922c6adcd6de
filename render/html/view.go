package html

import (
	"cmp"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/review"
)

// page is what the template draws: the review and the figures computed
// from it.
type page struct {
	R            *review.Review
	Matrix       []column
	Chart        chart
	MetricsChart template.HTML // inline SVG from render/chart; empty without a baseline
	WeeklyChart  template.HTML // the same; empty when the baseline saw none of the techniques
	Verdict      string
}

// column is one tactic of the matrix heatmap.
type column struct {
	Stage review.Stage
	Cells []cell
}

// cell is one technique of the matrix heatmap.
type cell struct {
	ID, Name, URL string
	Alerts        int
	Sub           bool
	Color, Ink    string
}

// heat is the heatmap palette, lightest first.
func heat() []string { return []string{"#fee8c8", "#fdbb84", "#fc8d59", "#e34a33", "#b30000"} }

// heatColor places n of max on the palette and picks a readable ink.
func heatColor(n, top int) (string, string) {
	p := heat()
	i := 0
	if top > 0 {
		i = min(len(p)-1, (n*len(p)-1)/top)
	}
	if i >= 3 {
		return p[i], "#ffffff"
	}
	return p[i], "#1a1a1a"
}

func matrix(r *review.Review) []column {
	top := 0
	for _, t := range r.Techniques {
		top = max(top, t.Alerts)
	}
	cols := make([]column, len(r.KillChain))
	for i, st := range r.KillChain {
		cols[i].Stage = st
		for _, t := range r.Techniques {
			if !slices.Contains(t.Tactics, st.Tactic) {
				continue
			}
			bg, ink := heatColor(t.Alerts, top)
			cols[i].Cells = append(cols[i].Cells, cell{ID: string(t.ID), Name: t.Name, URL: web(t.URL),
				Alerts: t.Alerts, Sub: t.ID.IsSub(), Color: bg, Ink: ink})
		}
		slices.SortFunc(cols[i].Cells, func(a, b cell) int { return strings.Compare(a.ID, b.ID) })
	}
	return cols
}

// web returns u when it is a web address, else "".
func web(u string) string {
	if strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") {
		return u
	}
	return ""
}

// chart is the SVG timeline: alerts per time bin stacked by severity, and
// the milestones as vertical lines.
type chart struct {
	Width, Height, Plot float64 // Plot is the height of the bars' area
	Bars                []bar
	Marks               []mark
	Ticks               []tick
	Legend              []swatch
	Empty               bool
}

type bar struct {
	X, Y, W, H float64
	Fill       string
	Title      string
}

type mark struct {
	X, LabelY float64
	Anchor    string // text-anchor of the label
	Label     string
}

type tick struct {
	X     float64
	Label string
}

type swatch struct {
	X     float64
	Fill  string
	Label string
}

const (
	chartWidth  = 960.0
	chartHeight = 230.0
	plotTop     = 40.0
	plotHeight  = 140.0
	bins        = 60
)

func severityOrder() []debrief.Severity {
	return []debrief.Severity{debrief.SeverityCritical, debrief.SeverityHigh, debrief.SeverityMedium,
		debrief.SeverityLow, debrief.SeverityInformational, debrief.SeverityUnknown}
}

func severityColor(s debrief.Severity) string {
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
		return "#9ecae1"
	}
	return "#bdbdbd"
}

// span is the time range the chart covers: all events, at least an hour.
func span(evs []review.Event) (time.Time, time.Duration) {
	if len(evs) == 0 {
		return time.Time{}, 0
	}
	start, end := evs[0].At, evs[len(evs)-1].At
	return start, max(end.Sub(start), time.Hour)
}

func newChart(r *review.Review) chart {
	c := chart{Width: chartWidth, Height: chartHeight, Plot: plotHeight}
	start, length := span(r.Timeline)
	x := func(t time.Time) float64 { return float64(t.Sub(start)) / float64(length) * chartWidth }
	var counts [bins][6]int
	total := 0
	for _, e := range r.Timeline {
		if e.Kind != review.EventAlert {
			continue
		}
		b := min(bins-1, int(float64(e.At.Sub(start))/float64(length)*bins))
		counts[b][slices.Index(severityOrder(), e.Severity)]++
		total++
	}
	c.Empty = total == 0
	c.Bars = bars(counts)
	c.Marks = placeMarks(milestones(r), x)
	for i := range 5 {
		t := start.Add(length * time.Duration(i) / 4)
		c.Ticks = append(c.Ticks, tick{X: chartWidth * float64(i) / 4, Label: review.Stamp(t)})
	}
	for i, s := range severityOrder() {
		c.Legend = append(c.Legend, swatch{X: float64(i) * 130, Fill: severityColor(s), Label: cmp.Or(string(s), "unknown")})
	}
	return c
}

// labelRows is how many lines of milestone labels fit above the plot.
const labelRows = 3

// placeMarks lays the milestone labels out so that none overlaps another:
// each goes on the first of the label rows where it fits; when none has
// room, it joins the label of the mark drawn at (nearly) the same place.
func placeMarks(evs []review.Event, x func(time.Time) float64) []mark {
	const charWidth = 6.5 // px per character at the chart's label size
	var marks []mark
	var ends [labelRows]float64 // right edge of the last label in each row
	labelled, lastRow := -1, 0  // the last mark with a label, and its row
	for i := range ends {
		ends[i] = -chartWidth // empty: anything fits
	}
	for _, e := range evs {
		m := mark{X: x(e.At), Anchor: "start", Label: review.MilestoneTitle(e.Milestone)}
		w := float64(len(m.Label)) * charWidth
		left, right := m.X, m.X+w
		if m.X > chartWidth*0.8 {
			m.Anchor, left, right = "end", m.X-w, m.X
		}
		row := -1
		for i, end := range ends {
			if left > end+4 {
				row = i
				break
			}
		}
		if row < 0 && labelled >= 0 {
			// Draw the line, and name it in the nearest label.
			last := &marks[labelled]
			last.Label += " · " + m.Label
			ends[lastRow] += (float64(len(m.Label)) + 3) * charWidth
			m.Label, m.LabelY = "", last.LabelY
			marks = append(marks, m)
			continue
		}
		row = max(row, 0)
		ends[row] = right
		m.LabelY = 10 + float64(row)*10
		labelled, lastRow = len(marks), row
		marks = append(marks, m)
	}
	return marks
}

func milestones(r *review.Review) []review.Event {
	var out []review.Event
	for _, e := range r.Timeline {
		if e.Kind == review.EventMilestone {
			out = append(out, e)
		}
	}
	return out
}

func bars(counts [bins][6]int) []bar {
	top := 0
	for _, b := range counts {
		n := 0
		for _, v := range b {
			n += v
		}
		top = max(top, n)
	}
	var out []bar
	w := chartWidth / bins
	for i, b := range counts {
		y := plotTop + plotHeight
		for j, v := range b {
			if v == 0 {
				continue
			}
			h := float64(v) / float64(top) * plotHeight
			y -= h
			s := severityOrder()[j]
			out = append(out, bar{X: float64(i) * w, Y: y, W: w - 1, H: h, Fill: severityColor(s),
				Title: fmt.Sprintf("%d %s alert%s", v, cmp.Or(string(s), "unknown-severity"), plural(v))})
		}
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
