package html

import (
	"fmt"
	"html/template"

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
