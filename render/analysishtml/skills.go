package analysishtml

import (
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"

	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/render/chart"
	"github.com/debrief-dev/debrief/skill"
)

// MaxGroupBars is how many groups (the most incidents first) a metric's
// chart of groups draws; the table lists them all.
const MaxGroupBars = 15

// Metric is one metric of skill.Result: how to read it from the team's and
// a group's Metrics and how to write its values.
type Metric struct {
	Name   string // skill.MetricTTA …
	Title  string // "Median time to acknowledge"
	Short  string // "Acknowledge", for table heads
	Unit   string // axis label
	IsTime bool   // hours, else a share
	// Of reads the value and the number of incidents it is over.
	Of func(m *skill.Metrics) (value float64, n int)
}

// Metrics lists the metrics of a skill.Result in the order pages show them.
func Metrics() []Metric {
	rate := func(r func(m *skill.Metrics) skill.Rate) func(m *skill.Metrics) (float64, int) {
		return func(m *skill.Metrics) (float64, int) { x := r(m); return x.Value, x.Of }
	}
	return []Metric{
		{skill.MetricTTA, "Median time to acknowledge", "Acknowledge", "hours (median)", true,
			func(m *skill.Metrics) (float64, int) { return m.Acknowledge.Median, m.Acknowledge.N }},
		{skill.MetricTTR, "Median time to resolve", "Resolve", "hours (median)", true,
			func(m *skill.Metrics) (float64, int) { return m.Resolve.Median, m.Resolve.N }},
		{skill.MetricMisclassified, "True positives first closed benign or false positive", "Misclassified", "share of true positives",
			false, rate(func(m *skill.Metrics) skill.Rate { return m.Misclassified })},
		{skill.MetricUndetermined, "Closed without a verdict", "Undetermined", "share of closed incidents",
			false, rate(func(m *skill.Metrics) skill.Rate { return m.Undetermined })},
		{skill.MetricReopened, "Reopened", "Reopened", "share of closed incidents",
			false, rate(func(m *skill.Metrics) skill.Rate { return m.Reopened })},
		{skill.MetricHandedOver, "Escalated (handed to another analyst)", "Escalated", "share of incidents",
			false, rate(func(m *skill.Metrics) skill.Rate { return m.Escalated })},
	}
}

// Format writes a value of the metric: hours or a percentage.
func (m Metric) Format(v float64) string {
	if m.IsTime {
		return hours(v)
	}
	return pct(v)
}

// drawable reports whether a bar can show v: a finite value of at least 0
// (a time can be negative when a source's clocks disagree; such a value is
// left out of the charts and shown in the tables).
func drawable(v float64) bool { return v >= 0 && !math.IsInf(v, 0) }

// value formats v for the metric named name.
func value(name string, v float64) string {
	for _, m := range Metrics() {
		if m.Name == name {
			return m.Format(v)
		}
	}
	return chart.Number(v)
}

// MetricCharts are the charts of one metric: the flagged groups with their
// intervals (nil when none is flagged), and the groups with the most
// incidents (nil when none has a value).
type MetricCharts struct {
	Metric  Metric
	Team    float64
	Flagged *chart.Bars
	Groups  *chart.Bars
}

// SkillCharts returns the charts of every metric of r.
func SkillCharts(r *skill.Result) []MetricCharts {
	var out []MetricCharts
	for _, m := range Metrics() {
		team, _ := m.Of(&r.Team)
		if !drawable(team) {
			team = 0
		}
		mc := MetricCharts{Metric: m, Team: team}
		mc.Flagged = flaggedChart(r, m, team)
		mc.Groups = groupsChart(r, m, team)
		out = append(out, mc)
	}
	return out
}

func flaggedChart(r *skill.Result, m Metric, team float64) *chart.Bars {
	c := &chart.Bars{
		ID:    "skill-flagged-" + m.Name,
		Title: fmt.Sprintf("%s: gaps and strengths by %s", m.Title, r.By),
		Desc: fmt.Sprintf("Each flagged %s's value with its 95%% interval (for times, among incidents alike, scaled to the team's median); the dashed line is the team's value. Worse than the team in orange, better in blue.",
			r.By),
		ValueLabel: m.Unit, Reference: team, HasReference: true, ReferenceLabel: "team", Format: m.Format,
	}
	for _, part := range []struct {
		gs   []skill.Gap
		tone chart.Tone
	}{{r.Gaps, chart.Notable}, {r.Strengths, chart.Good}} {
		for _, g := range part.gs {
			if g.Metric != m.Name {
				continue
			}
			if !drawable(g.Group) {
				continue
			}
			if drawable(g.Team) {
				c.Reference = g.Team
			}
			bar := chart.Bar{Label: label(g.ID, g.Name), Value: g.Group, Tone: part.tone,
				Note: fmt.Sprintf("ratio %.2f, n = %d, q = %.2g", g.Ratio, g.N, g.Q)}
			if lo, hi := g.Interval[0], g.Interval[1]; drawable(hi) && !math.IsNaN(lo) {
				bar.Low, bar.High = max(lo, 0), hi
			}
			c.Bars = append(c.Bars, bar)
		}
	}
	if len(c.Bars) == 0 {
		return nil
	}
	return c
}

func groupsChart(r *skill.Result, m Metric, team float64) *chart.Bars {
	tone := map[string]chart.Tone{}
	for _, g := range r.Gaps {
		if g.Metric == m.Name {
			tone[g.ID] = chart.Notable
		}
	}
	for _, g := range r.Strengths {
		if g.Metric == m.Name {
			tone[g.ID] = chart.Good
		}
	}
	c := &chart.Bars{
		ID:    "skill-groups-" + m.Name,
		Title: fmt.Sprintf("%s by %s", m.Title, r.By),
		Desc: fmt.Sprintf("The %d %ss with the most incidents; the dashed line is the team's value; flagged gaps in orange, strengths in blue.",
			MaxGroupBars, r.By),
		ValueLabel: m.Unit, Reference: team, HasReference: true, ReferenceLabel: "team", Format: m.Format,
	}
	for i := range r.Groups {
		g := &r.Groups[i]
		v, n := m.Of(&g.Metrics)
		if n == 0 || !drawable(v) {
			continue
		}
		c.Bars = append(c.Bars, chart.Bar{Label: label(g.ID, g.Name), Value: v, Tone: tone[g.ID],
			Note: fmt.Sprintf("%d incidents, %d with a value", g.Incidents, n)})
		if len(c.Bars) == MaxGroupBars {
			break
		}
	}
	if len(c.Bars) == 0 {
		return nil
	}
	return c
}

// Skills writes r as a self-contained HTML page. cat, which may be nil,
// names groups the result left unnamed, links them to their ATT&CK pages
// and gives the ATT&CK release in the footer.
func Skills(w io.Writer, r *skill.Result, cat *attack.Catalog) error {
	v, err := skillsView(r, cat)
	if err != nil {
		return err
	}
	return write(w, "skills.html.tmpl", "Skill gaps by "+string(r.By), cat, v)
}

type skillsPage struct {
	R       *skill.Result
	Team    []teamRow
	Charts  []metricSection
	Gaps    []gapRow
	Strong  []gapRow
	Groups  []groupRow
	Metrics []Metric
}

type teamRow struct {
	Metric Metric
	Value  string
	N      int
}

type metricSection struct {
	Metric          Metric
	Flagged, Groups template.HTML
}

type gapRow struct {
	skill.Gap
	Ref ref
}

type groupRow struct {
	Ref       ref
	Incidents int
	Values    []string
}

func skillsView(r *skill.Result, cat *attack.Catalog) (*skillsPage, error) {
	if r == nil {
		return nil, fmt.Errorf("analysis html: skills: no result")
	}
	v := &skillsPage{R: r, Metrics: Metrics()}
	for _, m := range v.Metrics {
		x, n := m.Of(&r.Team)
		v.Team = append(v.Team, teamRow{m, m.Format(x), n})
	}
	for _, mc := range SkillCharts(r) {
		s := metricSection{Metric: mc.Metric}
		for _, c := range []struct {
			c   *chart.Bars
			dst *template.HTML
		}{{mc.Flagged, &s.Flagged}, {mc.Groups, &s.Groups}} {
			if c.c == nil {
				continue
			}
			h, err := chart.Inline(c.c)
			if err != nil {
				return nil, fmt.Errorf("analysis html: skills %s: %w", mc.Metric.Name, err)
			}
			*c.dst = h
		}
		v.Charts = append(v.Charts, s)
	}
	refOf := func(id, name string) ref {
		if r.By == skill.ByAnalyst {
			return ref{ID: id, Name: name}
		}
		return lookup(cat, id, name)
	}
	for _, g := range r.Gaps {
		v.Gaps = append(v.Gaps, gapRow{g, refOf(g.ID, g.Name)})
	}
	for _, g := range r.Strengths {
		v.Strong = append(v.Strong, gapRow{g, refOf(g.ID, g.Name)})
	}
	for i := range r.Groups {
		g := &r.Groups[i]
		row := groupRow{Ref: refOf(g.ID, g.Name), Incidents: g.Incidents}
		for _, m := range v.Metrics {
			x, n := m.Of(&g.Metrics)
			cell := "—"
			if n > 0 {
				cell = m.Format(x)
			}
			row.Values = append(row.Values, cell)
		}
		v.Groups = append(v.Groups, row)
	}
	return v, nil
}

// metricTitle names a metric for the gap tables.
func metricTitle(name string) string {
	for _, m := range Metrics() {
		if m.Name == name {
			return m.Title
		}
	}
	return strings.ReplaceAll(name, "_", " ")
}
