package html

import (
	"fmt"
	"html/template"
	"slices"
	"strings"

	"github.com/debrief-dev/debrief"

	svgchart "github.com/debrief-dev/debrief/render/chart"
	"github.com/debrief-dev/debrief/review"
)

// metricsChart draws each metric the review can compare with the team as
// a multiple of the team's median: one bar per metric, the median as a
// line at 1×, slow metrics (over the team's p90) in orange and those at
// or under the median in blue. It is empty when no metric has a baseline.
func metricsChart(r *review.Review) (template.HTML, error) {
	c := &svgchart.Bars{
		ID:    "metrics-chart",
		Title: "This review's response times against the team's median",
		Desc: fmt.Sprintf("Each metric as a multiple of the team's median over the %d days before the review; the dashed line is the median. Orange: slower than the team's p90; blue: at or under the median.",
			review.BaselineDays),
		ValueLabel: "× the team's median", Reference: 1, HasReference: true, ReferenceLabel: "team median",
		Format: func(v float64) string { return svgchart.Number(v) + "×" },
	}
	for _, m := range r.Metrics {
		if !m.Known || m.Baseline.N < review.MinBaseline || m.Baseline.Median <= 0 || m.Value < 0 {
			continue
		}
		tone := svgchart.Plain
		switch m.Assessment {
		case review.AssessSlow:
			tone = svgchart.Notable
		case review.AssessBetter:
			tone = svgchart.Good
		}
		c.Bars = append(c.Bars, svgchart.Bar{Label: m.Label, Value: float64(m.Value) / float64(m.Baseline.Median), Tone: tone,
			Note: fmt.Sprintf("this review %s; team median %s, p90 %s over %d incidents", m.Value, m.Baseline.Median, m.Baseline.P90, m.Baseline.N)})
	}
	if len(c.Bars) == 0 {
		return "", nil
	}
	return svgchart.Inline(c)
}

// maxWeeklySeries is how many techniques the weekly chart draws.
const maxWeeklySeries = 6

// weeklyChart draws how often the team met the review's techniques in
// each week of the baseline window: the most specific of them (a parent is
// left out when one of its sub-techniques is in the review), those seen
// most first. It is empty when the baseline saw none of them.
func weeklyChart(r *review.Review) (template.HTML, error) {
	b := r.Baseline
	if len(b.Weeks) == 0 {
		return "", nil
	}
	var picked []review.WeeklyCount
	for _, wc := range b.Techniques {
		if wc.Total == 0 || hasSub(b.Techniques, wc.ID) {
			continue
		}
		picked = append(picked, wc)
	}
	slices.SortStableFunc(picked, func(a, b review.WeeklyCount) int { return b.Total - a.Total })
	if len(picked) == 0 {
		return "", nil
	}
	c := &svgchart.Time{
		ID:    "weekly-chart",
		Title: "This review's techniques in the team's incidents, per week",
		Desc: fmt.Sprintf("Incidents per week over the %d days before the review (%s to %s) that carried each of the review's techniques, the most frequent %d; a week cut by either end is scaled to a whole one, or left out when less than half is in.",
			review.BaselineDays, review.Stamp(b.Since), review.Stamp(b.Until), min(len(picked), maxWeeklySeries)),
		XLabel: "week", YLabel: "incidents per week",
		Spans: []svgchart.Span{{From: b.Since, To: b.Until, Label: "baseline", Tone: svgchart.Plain}},
	}
	end := b.Weeks[len(b.Weeks)-1].AddDate(0, 0, 7)
	factors, notes := svgchart.Scale(b.Weeks, end, b.Since, b.Until, "week")
	lo, hi := svgchart.Whole(factors)
	if lo >= hi {
		return "", nil
	}
	c.Starts, c.Notes, c.End = b.Weeks[lo:hi], notes[lo:hi], end
	if hi < len(b.Weeks) {
		c.End = b.Weeks[hi]
	}
	for _, wc := range picked[:min(len(picked), maxWeeklySeries)] {
		var vs []float64
		for i := lo; i < hi; i++ {
			vs = append(vs, float64(wc.Counts[i])*factors[i])
		}
		c.Series = append(c.Series, svgchart.Series{Name: strings.TrimSpace(string(wc.ID) + " " + wc.Name), Values: vs})
	}
	return svgchart.Inline(c)
}

// hasSub reports whether a sub-technique of id is among wcs.
func hasSub(wcs []review.WeeklyCount, id debrief.TechniqueID) bool {
	if id.IsSub() {
		return false
	}
	return slices.ContainsFunc(wcs, func(wc review.WeeklyCount) bool { return wc.ID.IsSub() && wc.ID.Parent() == id })
}
