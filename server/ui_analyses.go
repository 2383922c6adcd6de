package server

import (
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/render/analysishtml"
	"github.com/debrief-dev/debrief/render/chart"
	"github.com/debrief-dev/debrief/skill"
	"github.com/debrief-dev/debrief/trend"
)

// trendsView is the trends page: a chart of the most frequent keys, then
// each changed key with a sparkline of its series and, for the first
// ones, a chart of it over the baseline and the window.
type trendsView struct {
	Result   *trend.Result // nil when the window holds no incident
	Query    map[string]string
	Note     string        // the window ends at the store's latest incident
	Empty    string        // the notice of a window without incidents
	Error    string        // why the query was refused
	Overview template.HTML // inline SVG from render/chart, which escapes every label
	Parts    []trendPart
}

type trendPart struct {
	ID, Title string
	Rows      []trendRow
}

type trendRow struct {
	trend.Change
	Points string        // SVG polyline points of the key's series
	Chart  template.HTML // inline SVG; empty past pageCharts
}

// pageCharts is how many changed keys of each part get a chart.
const pageCharts = 12

// Sparkline size in SVG user units.
const sparkW, sparkH = 160.0, 28.0

// sparkline returns polyline points for counts, scaled to the box.
func sparkline(counts []int) string {
	top := 1
	for _, n := range counts {
		top = max(top, n)
	}
	var b strings.Builder
	for i, n := range counts {
		x := sparkW * float64(i) / math.Max(1, float64(len(counts)-1))
		y := sparkH - 2 - (sparkH-4)*float64(n)/float64(top)
		fmt.Fprintf(&b, "%.1f,%.1f ", x, y)
	}
	return strings.TrimSpace(b.String())
}

func (s *Server) trendsPage(w http.ResponseWriter, r *http.Request) error {
	tr, err := s.trendResult(r)
	v := trendsView{Query: queryMap(r, "since", "window", "by", "period")}
	var none *noIncidents
	switch {
	case errors.As(err, &none):
		v.Note, v.Empty = none.end.Note(), none.notice()
		return s.page(w, r, http.StatusOK, "trends", "Trends", v)
	case codeOf(err) == debrief.EINVALID: // the form, to change what it asks
		v.Error = message(err, debrief.EINVALID)
		return s.page(w, r, http.StatusBadRequest, "trends", "Trends", v)
	case err != nil:
		return err
	}
	res := tr.Result
	v.Result, v.Note = res, tr.Note()
	series := map[string][]int{}
	if res.Series != nil {
		for _, se := range res.Series.Series {
			series[se.Key] = se.Counts
		}
	}
	if v.Overview, err = inline(analysishtml.TrendOverview(res, analysishtml.OverviewSeries)); err != nil {
		return err
	}
	for _, part := range []struct {
		id, title string
		cs        []trend.Change
	}{{"emerging", "Emerging", res.Emerging}, {"fading", "Fading", res.Fading}, {"new", "New", res.New}} {
		p := trendPart{ID: part.id, Title: part.title}
		for i, c := range part.cs {
			row := trendRow{Change: c, Points: sparkline(series[c.ID])}
			if i < pageCharts {
				if row.Chart, err = inline(analysishtml.TrendChange(res, c, part.id)); err != nil {
					return err
				}
			}
			p.Rows = append(p.Rows, row)
		}
		v.Parts = append(v.Parts, p)
	}
	return s.page(w, r, http.StatusOK, "trends", "Trends", v)
}

// inline renders a chart for a page; a nil chart draws nothing.
func inline[C interface {
	*chart.Time | *chart.Bars
	chart.Renderer
}](c C) (template.HTML, error) {
	if c == nil {
		return "", nil
	}
	h, err := chart.Inline(c)
	if err != nil {
		return "", fmt.Errorf("chart: %w", err)
	}
	return h, nil
}

func queryMap(r *http.Request, names ...string) map[string]string {
	m := map[string]string{}
	for _, n := range names {
		m[n] = r.URL.Query().Get(n)
	}
	return m
}

// skillsView is the skills page.
type skillsView struct {
	Result *skill.Result // nil when the window holds no incident
	Query  map[string]string
	Note   string // the window ends at the store's latest incident
	Empty  string // the notice of a window without incidents
	Error  string // why the query was refused
	Charts []metricCharts
}

// metricCharts are the charts of one metric: its flagged groups with their
// intervals and the groups with the most incidents, against the team.
type metricCharts struct {
	Title           string
	Flagged, Groups template.HTML // inline SVG from render/chart
}

func (s *Server) skillsPage(w http.ResponseWriter, r *http.Request) error {
	sk, err := s.skillResult(r)
	v := skillsView{Query: queryMap(r, "since", "by", "min_sample")}
	var none *noIncidents
	switch {
	case errors.As(err, &none):
		v.Note, v.Empty = none.end.Note(), none.notice()
		return s.page(w, r, http.StatusOK, "skills", "Skills", v)
	case codeOf(err) == debrief.EINVALID: // the form, to change what it asks
		v.Error = message(err, debrief.EINVALID)
		return s.page(w, r, http.StatusBadRequest, "skills", "Skills", v)
	case err != nil:
		return err
	}
	v.Result, v.Note = sk.Result, sk.Note()
	for _, mc := range analysishtml.SkillCharts(sk.Result) {
		c := metricCharts{Title: mc.Metric.Title}
		if c.Flagged, err = inline(mc.Flagged); err != nil {
			return err
		}
		if c.Groups, err = inline(mc.Groups); err != nil {
			return err
		}
		v.Charts = append(v.Charts, c)
	}
	return s.page(w, r, http.StatusOK, "skills", "Skills", v)
}

// notice is the analysis pages' notice of a selection without incidents:
// the pages' form has Since, not the API's until.
func (e *noIncidents) notice() string {
	switch {
	case e.f.Since.IsZero() && e.f.Until.IsZero():
		return "There are no incidents in the store."
	case e.f.Since.IsZero():
		return fmt.Sprintf("There are no incidents in the store before %s.", e.f.Until.Format(time.DateOnly))
	}
	return fmt.Sprintf("There are no incidents in the store since %s: widen \"Since\" (a longer duration such as 365d, or an earlier date).",
		e.f.Since.Format(time.DateOnly))
}

// metricValue formats a gap's value: hours for times, a percentage for rates.
func metricValue(metric string, v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	if metric == skill.MetricTTA || metric == skill.MetricTTR {
		return fmt.Sprintf("%.1f h", v)
	}
	return fmt.Sprintf("%.1f%%", 100*v)
}
