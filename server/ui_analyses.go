package server

import (
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/debrief-dev/debrief/skill"
	"github.com/debrief-dev/debrief/trend"
)

// trendsView is the trends page: each changed key with a sparkline of
// its series.
type trendsView struct {
	Result *trend.Result
	Query  map[string]string
	Parts  []trendPart
}

type trendPart struct {
	Title string
	Rows  []trendRow
}

type trendRow struct {
	trend.Change
	Points string // SVG polyline points of the key's series
}

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
	res, err := s.trendResult(r)
	if err != nil {
		return err
	}
	series := map[string][]int{}
	if res.Series != nil {
		for _, se := range res.Series.Series {
			series[se.Key] = se.Counts
		}
	}
	v := trendsView{Result: res, Query: queryMap(r, "since", "window", "by", "period")}
	for _, part := range []struct {
		title string
		cs    []trend.Change
	}{{"Emerging", res.Emerging}, {"Fading", res.Fading}, {"New", res.New}} {
		p := trendPart{Title: part.title}
		for _, c := range part.cs {
			p.Rows = append(p.Rows, trendRow{Change: c, Points: sparkline(series[c.ID])})
		}
		v.Parts = append(v.Parts, p)
	}
	return s.page(w, r, http.StatusOK, "trends", "Trends", v)
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
	Result *skill.Result
	Query  map[string]string
}

func (s *Server) skillsPage(w http.ResponseWriter, r *http.Request) error {
	res, err := s.skillResult(r)
	if err != nil {
		return err
	}
	return s.page(w, r, http.StatusOK, "skills", "Skills", skillsView{Result: res, Query: queryMap(r, "since", "by", "min_sample")})
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
