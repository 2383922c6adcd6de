package analysishtml

import (
	"fmt"
	"html/template"
	"io"
	"time"

	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/render/chart"
	"github.com/debrief-dev/debrief/trend"
)

// OverviewSeries is how many keys the overview chart of Trends draws.
const OverviewSeries = 6

// MaxChangeCharts is how many charts of changed keys Trends draws per
// part (emerging, fading, new); the tables list them all.
const MaxChangeCharts = 24

// Colours of the parts of a trend.
const (
	colourEmerging = chart.Worse
	colourFading   = chart.Better
	colourNew      = "#cc79a7"
)

// Trends writes r as a self-contained HTML page. cat, which may be nil,
// names keys the result left unnamed, links them to their ATT&CK pages and
// gives the ATT&CK release in the footer.
func Trends(w io.Writer, r *trend.Result, cat *attack.Catalog) error {
	v, err := trendsView(r, cat)
	if err != nil {
		return err
	}
	return write(w, "trends.html.tmpl", "Trends by "+string(r.By), cat, v)
}

type trendsPage struct {
	R        *trend.Result
	Period   trend.Period
	Overview template.HTML
	Parts    []trendPart
}

type trendPart struct {
	ID, Title, Explain string
	Rows               []trendRow
}

type trendRow struct {
	trend.Change
	Ref          ref
	ChangePoints []trend.ChangePoint // of the key's series
	Chart        template.HTML       // empty past MaxChangeCharts
}

func trendsView(r *trend.Result, cat *attack.Catalog) (*trendsPage, error) {
	if r == nil || r.Series == nil {
		return nil, fmt.Errorf("analysis html: trends: no result or no series")
	}
	v := &trendsPage{R: r, Period: r.Series.Period}
	if c := TrendOverview(r, OverviewSeries); c != nil {
		h, err := chart.Inline(c)
		if err != nil {
			return nil, fmt.Errorf("analysis html: trends overview: %w", err)
		}
		v.Overview = h
	}
	for _, part := range []struct {
		id, title, explain string
		cs                 []trend.Change
	}{
		{"emerging", "Emerging", "Seen significantly more often in the window than the baseline rate predicts.", r.Emerging},
		{"fading", "Fading", "Seen significantly less often in the window than the baseline rate predicts.", r.Fading},
		{"new", "New", "Seen in the window and in no incident before it.", r.New},
	} {
		p := trendPart{ID: part.id, Title: part.title, Explain: part.explain}
		for i, c := range part.cs {
			row := trendRow{Change: c, Ref: lookup(cat, c.ID, c.Name)}
			for _, se := range r.Series.Series {
				if se.Key == c.ID {
					row.ChangePoints = se.ChangePoints
				}
			}
			if i < MaxChangeCharts {
				if ch := TrendChange(r, c, part.id); ch != nil {
					ch.Title = label(row.Ref.ID, row.Ref.Name)
					h, err := chart.Inline(ch)
					if err != nil {
						return nil, fmt.Errorf("analysis html: trend of %s: %w", c.ID, err)
					}
					row.Chart = h
				}
			}
			p.Rows = append(p.Rows, row)
		}
		v.Parts = append(v.Parts, p)
	}
	return v, nil
}

// bucketEnd is the end of the series' last bucket.
func bucketEnd(tb *trend.Table) time.Time {
	return tb.Period.Next(tb.Starts[len(tb.Starts)-1])
}

// perBucket converts a rate per week into the series' period.
func perBucket(p trend.Period, perWeek float64) float64 {
	switch p {
	case trend.Day:
		return perWeek / 7
	case trend.Month:
		return perWeek * 365.2425 / 12 / 7
	}
	return perWeek
}

func spans(r *trend.Result) []chart.Span {
	return []chart.Span{
		{From: r.Baseline.From, To: r.Baseline.To, Label: "baseline", Tone: chart.Plain},
		{From: r.Window.From, To: r.Window.To, Label: "window", Tone: chart.Notable},
	}
}

// TrendOverview is a chart of the n keys with the most incidents over the
// baseline and the window, or nil when there are none.
func TrendOverview(r *trend.Result, n int) *chart.Time {
	tb := r.Series
	if tb == nil || len(tb.Starts) == 0 || len(tb.Series) == 0 {
		return nil
	}
	bs := bucketsOf(r)
	if bs.empty() {
		return nil
	}
	c := &chart.Time{
		ID:     "trend-overview",
		Title:  fmt.Sprintf("Incidents per %s of the %d most frequent %ss", tb.Period, min(n, len(tb.Series)), r.By),
		Desc:   fmt.Sprintf("Counts per %s from %s to %s (a %s cut by either end scaled to a whole one, or left out when less than half is in); the shaded spans are the baseline and the recent window the test compares.", tb.Period, day(r.Baseline.From), day(r.Window.To), tb.Period),
		XLabel: string(tb.Period), YLabel: "incidents per " + string(tb.Period),
		Starts: bs.starts(tb), End: bs.end(tb), Spans: spans(r), Notes: bs.notes[bs.lo:bs.hi],
	}
	for _, s := range tb.Series[:min(n, len(tb.Series))] {
		c.Series = append(c.Series, chart.Series{Name: label(s.Key, s.Name), Values: bs.scaled(s.Counts)})
	}
	return c
}

// buckets are the buckets of a result's series a chart draws: those at
// least half inside the analysed span [baseline start, window end), the
// partial ones scaled to whole ones.
type buckets struct {
	lo, hi  int // the range drawn
	factors []float64
	notes   []string
}

func bucketsOf(r *trend.Result) buckets {
	tb := r.Series
	b := buckets{}
	b.factors, b.notes = chart.Scale(tb.Starts, bucketEnd(tb), r.Baseline.From, r.Window.To, string(tb.Period))
	b.lo, b.hi = chart.Whole(b.factors)
	return b
}

func (b buckets) empty() bool { return b.lo >= b.hi }

// starts and end bound the buckets drawn.
func (b buckets) starts(tb *trend.Table) []time.Time { return tb.Starts[b.lo:b.hi] }

func (b buckets) end(tb *trend.Table) time.Time {
	if b.hi < len(tb.Starts) {
		return tb.Starts[b.hi]
	}
	return bucketEnd(tb)
}

// scaled returns the counts drawn, times their factors.
func (b buckets) scaled(counts []int) []float64 {
	out := make([]float64, 0, b.hi-b.lo)
	for i := b.lo; i < b.hi; i++ {
		out = append(out, float64(counts[i])*b.factors[i])
	}
	return out
}

// TrendChange is the chart of one changed key: its series over the
// baseline and the window, coloured by part ("emerging", "fading" or
// "new"), with its rate in each as a level and its change points as
// vertical lines. It is nil when the result has no series of the key.
func TrendChange(r *trend.Result, c trend.Change, part string) *chart.Time {
	tb := r.Series
	if tb == nil || len(tb.Starts) == 0 {
		return nil
	}
	var se *trend.Series
	for i := range tb.Series {
		if tb.Series[i].Key == c.ID {
			se = &tb.Series[i]
			break
		}
	}
	if se == nil {
		return nil
	}
	col := colourEmerging
	switch part {
	case "fading":
		col = colourFading
	case "new":
		col = colourNew
	}
	name := label(c.ID, c.Name)
	unit := "/" + string(tb.Period)
	bs := bucketsOf(r)
	if bs.empty() {
		return nil
	}
	ch := &chart.Time{
		ID:     "trend-" + part + "-" + c.ID,
		Title:  name,
		Desc:   fmt.Sprintf("%s: %d incidents in the window, %d in the baseline (%s to %s per week, ratio %.2f).", name, c.Recent, c.Baseline, chart.Number(c.BaselineRate), chart.Number(c.RecentRate), c.RateRatio),
		XLabel: string(tb.Period), YLabel: "incidents",
		Starts: bs.starts(tb), End: bs.end(tb), Spans: spans(r), Notes: bs.notes[bs.lo:bs.hi], Area: true, Width: 480, Height: 180,
		Series: []chart.Series{{Name: name, Values: bs.scaled(se.Counts), Colour: col}},
	}
	if part != "new" {
		b := perBucket(tb.Period, c.BaselineRate)
		ch.Levels = append(ch.Levels, chart.Level{From: r.Baseline.From, To: r.Baseline.To, Value: b,
			Label: chart.Number(b) + unit, Colour: "#5f6368"})
	}
	for _, cp := range se.ChangePoints {
		ch.Marks = append(ch.Marks, chart.Mark{At: cp.At,
			Label: fmt.Sprintf("change point: %s → %s per week from", chart.Number(cp.Before), chart.Number(cp.After))})
	}
	rc := perBucket(tb.Period, c.RecentRate)
	ch.Levels = append(ch.Levels, chart.Level{From: r.Window.From, To: r.Window.To, Value: rc,
		Label: chart.Number(rc) + unit, Colour: col})
	return ch
}

func day(t time.Time) string { return t.UTC().Format(time.DateOnly) }
