package analysishtml_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"html"
	"io"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/render/analysishtml"
	"github.com/debrief-dev/debrief/simulate"
	"github.com/debrief-dev/debrief/skill"
	"github.com/debrief-dev/debrief/trend"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// trendResult is a hand-made result: a phishing wave in the window, brute
// force fading, and a new technique.
func trendResult() *trend.Result {
	var starts []time.Time
	for i := range 16 {
		starts = append(starts, day("2026-01-05").AddDate(0, 0, 7*i))
	}
	return &trend.Result{
		By: trend.ByTechnique, Window: trend.Span{From: day("2026-03-30"), To: day("2026-04-27")},
		Baseline: trend.Span{From: day("2026-01-05"), To: day("2026-03-30")}, MinCount: 10, FDR: 0.05, Dispersion: 1.3, Tested: 3,
		Series: &trend.Table{By: trend.ByTechnique, Period: trend.Week, Starts: starts, Series: []trend.Series{
			{Key: "T1110", Name: "Brute Force", Total: 70, Counts: []int{6, 5, 7, 6, 5, 6, 7, 5, 6, 6, 5, 6, 2, 1, 2, 1}},
			{Key: "T1566", Name: "Phishing", Total: 89, Counts: []int{3, 4, 2, 5, 3, 4, 4, 3, 5, 4, 3, 4, 11, 10, 12, 12},
				ChangePoints: []trend.ChangePoint{{Index: 12, At: starts[12], Before: 3.7, After: 11.25, Score: 61}}},
			{Key: "T1059", Name: "Command and Scripting Interpreter", Total: 24, Counts: []int{2, 1, 2, 2, 1, 2, 2, 1, 2, 2, 1, 2, 1, 2, 0, 1}},
			{Key: "T1621", Name: "Multi-Factor Authentication Request Generation", Total: 7, Counts: []int{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 4}},
		}},
		Emerging: []trend.Change{{ID: "T1566", Name: "Phishing", Recent: 45, Baseline: 44, RecentRate: 11.25, BaselineRate: 3.67, RateRatio: 3.06, Dispersion: 1.3, P: 1e-9, Q: 3e-9}},
		Fading:   []trend.Change{{ID: "T1110", Name: "Brute Force", Recent: 6, Baseline: 70, RecentRate: 1.5, BaselineRate: 5.83, RateRatio: 0.27, Dispersion: 1.3, P: 2e-5, Q: 3e-5}},
		New:      []trend.Change{{ID: "T1621", Name: "Multi-Factor Authentication Request Generation", Recent: 7, RecentRate: 1.75, FirstSeen: day("2026-04-08").Add(9 * time.Hour)}},
	}
}

func skillResult() *skill.Result {
	team := skill.Metrics{Incidents: 400, Acknowledge: skill.Times{N: 390, Median: 0.8, P90: 3.1}, Resolve: skill.Times{N: 360, Median: 6.5, P90: 30},
		Misclassified: skill.Rate{Count: 12, Of: 150, Value: 0.08}, Undetermined: skill.Rate{Count: 20, Of: 360, Value: 0.0556},
		Reopened: skill.Rate{Count: 9, Of: 360, Value: 0.025}, Escalated: skill.Rate{Count: 40, Of: 400, Value: 0.1}}
	g := func(id, name string, n int, tta, ttr, mis float64) skill.Group {
		return skill.Group{ID: id, Name: name, Metrics: skill.Metrics{Incidents: n, Acknowledge: skill.Times{N: n, Median: tta, P90: 3 * tta},
			Resolve: skill.Times{N: n - 2, Median: ttr, P90: 4 * ttr}, Misclassified: skill.Rate{Count: int(mis * 40), Of: 40, Value: mis},
			Undetermined: skill.Rate{Count: 1, Of: n - 2, Value: 1 / float64(n-2)}, Escalated: skill.Rate{Count: 2, Of: n, Value: 2 / float64(n)}}}
	}
	return &skill.Result{By: skill.ByTechnique, MinSample: 20, FDR: 0.05, Team: team,
		Groups: []skill.Group{g("T1566", "Phishing", 120, 0.7, 5.9, 0.05), g("T1078", "Valid Accounts", 60, 0.9, 14.2, 0.2), g("T1059", "Command and Scripting Interpreter", 44, 0.4, 3.1, 0.1)},
		Gaps: []skill.Gap{
			{ID: "T1078", Name: "Valid Accounts", Metric: skill.MetricTTR, Team: 6.5, Group: 14.2, Ratio: 2.1, Interval: [2]float64{10.1, 19.8}, N: 58, P: 1e-4, Q: 6e-4,
				Practise: &skill.Practice{URL: "https://attack.mitre.org/techniques/T1078", DetectionStrategies: []skill.Ref{{ID: "DET0001", Name: "Detection of Valid Accounts", URL: "https://attack.mitre.org/detectionstrategies/DET0001"}},
					DataComponents: []skill.Ref{{ID: "DC0002", Name: "User Account Authentication"}}, Incidents: []string{"defender:1042", "defender:1007"}}},
			{ID: "T1078", Name: "Valid Accounts", Metric: skill.MetricMisclassified, Team: 0.08, Group: 0.2, Ratio: 2.4, Interval: [2]float64{0.1, 0.35}, N: 40, P: 0.004, Q: 0.012},
		},
		Strengths: []skill.Gap{{ID: "T1059", Name: "Command and Scripting Interpreter", Metric: skill.MetricTTR, Team: 6.5, Group: 3.1, Ratio: 0.5, Interval: [2]float64{2.4, 4.2}, N: 42, P: 0.001, Q: 0.004}},
	}
}

// render writes r's page with write (Trends or Skills) and returns it.
func render[R any](t *testing.T, write func(io.Writer, R, *attack.Catalog) error, r R, cat *attack.Catalog) string {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b, r, cat); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func catalog(t testing.TB) *attack.Catalog {
	t.Helper()
	return testutil.Load(t, attack.Embedded)
}

func TestGolden(t *testing.T) {
	cat := catalog(t)
	out := render(t, analysishtml.Trends, trendResult(), cat)
	testutil.Golden(t, "TestGolden_trends", []byte(out))
	checkPage(t, out)
	out = render(t, analysishtml.Skills, skillResult(), cat)
	testutil.Golden(t, "TestGolden_skills", []byte(out))
	checkPage(t, out)
}

var (
	svgPattern     = regexp.MustCompile(`(?s)<svg .*?</svg>`)
	stylePattern   = regexp.MustCompile(`(?s)<style>(.*?)</style>`)
	handlerPattern = regexp.MustCompile(`<[a-zA-Z][^>]*\son[a-z]+\s*=[^>]*>`)
	policyPattern  = regexp.MustCompile(`http-equiv="Content-Security-Policy" content="([^"]*)"`)
)

// checkPage checks what every page must be: its style allowed by hash in
// its policy and nothing else, no script, no style attribute, nothing from
// the network, and each chart well-formed XML.
func checkPage(t *testing.T, page string) {
	t.Helper()
	style, policy := stylePattern.FindStringSubmatch(page), policyPattern.FindStringSubmatch(page)
	if style == nil || policy == nil {
		t.Fatal("no <style> or no Content-Security-Policy")
	}
	sum := sha256.Sum256([]byte(style[1]))
	want := "style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	if pol := html.UnescapeString(policy[1]); !strings.Contains(pol, want) || !strings.Contains(pol, "default-src 'none'") {
		t.Errorf("policy %q lacks %q or default-src 'none'", pol, want)
	}
	for _, bad := range []string{"<script", " style=", "src=\"http", "url(http", "@import"} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	svgs := svgPattern.FindAllString(page, -1)
	if len(svgs) == 0 {
		t.Error("no chart")
	}
	for _, s := range svgs {
		d := xml.NewDecoder(strings.NewReader(s))
		for {
			_, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("chart is not XML: %v\n%s", err, s)
			}
		}
	}
}

func TestHostileNames(t *testing.T) {
	x := `<script>alert(1)</script>"'><img src=x onerror=alert(2)>`
	tr := trendResult()
	tr.Series.Series[1].Key, tr.Series.Series[1].Name = "T1566"+x, x
	tr.Emerging[0].ID, tr.Emerging[0].Name = "T1566"+x, x
	tr.New[0].Name = x
	sr := skillResult()
	sr.By = skill.ByAnalyst
	sr.Groups[1].ID, sr.Gaps[0].ID, sr.Gaps[0].Name = x, x, x
	sr.Gaps[0].Practise.Incidents = []string{x}
	sr.Gaps[0].Practise.DetectionStrategies[0].URL = "javascript:alert(3)"
	for name, page := range map[string]string{"trends": render(t, analysishtml.Trends, tr, nil), "skills": render(t, analysishtml.Skills, sr, nil)} {
		t.Run(name, func(t *testing.T) {
			checkPage(t, page)
			for _, bad := range []string{"<script>", "<img", "javascript:"} {
				if strings.Contains(page, bad) {
					t.Errorf("%q appears unescaped", bad)
				}
			}
			if m := handlerPattern.FindString(page); m != "" {
				t.Errorf("an element has an event handler: %s", m)
			}
			if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
				t.Error("the hostile name is not shown escaped")
			}
		})
	}
}

// TestOddValues checks that values a bar cannot show (a negative median
// from clocks that disagree, NaN) leave the bar out instead of failing
// the page.
func TestOddValues(t *testing.T) {
	r := skillResult()
	r.Groups[0].Acknowledge.Median = -0.5
	r.Groups[1].Resolve.Median = math.NaN()
	r.Gaps[0].Interval = [2]float64{-1, math.NaN()}
	r.Strengths[0].Group = -2
	page := render(t, analysishtml.Skills, r, nil)
	checkPage(t, page)
	for _, mc := range analysishtml.SkillCharts(r) {
		if mc.Metric.Name == skill.MetricTTR && (len(mc.Flagged.Bars) != 1 || mc.Flagged.Bars[0].High != 0 || len(mc.Groups.Bars) != 2) {
			t.Errorf("TTR charts %+v %+v: want the gap without its interval and two groups", mc.Flagged.Bars, mc.Groups.Bars)
		}
	}
}

func TestErrors(t *testing.T) {
	if err := analysishtml.Trends(io.Discard, &trend.Result{}, nil); err == nil {
		t.Error("Trends of a result without series: no error")
	}
	if err := analysishtml.Skills(io.Discard, nil, nil); err == nil {
		t.Error("Skills of nil: no error")
	}
}

func TestTrendChange(t *testing.T) {
	r := trendResult()
	c := analysishtml.TrendChange(r, r.Emerging[0], "emerging")
	if c == nil || len(c.Series) != 1 || len(c.Levels) != 2 || len(c.Spans) != 2 {
		t.Fatalf("chart %+v: want one series, two levels, two spans", c)
	}
	if got := c.Series[0].Values[12:]; !slices.Equal(got, []float64{11, 10, 12, 12}) {
		t.Errorf("window values %v, want the T1566 series", got)
	}
	if len(c.Marks) != 1 || !c.Marks[0].At.Equal(r.Series.Series[1].ChangePoints[0].At) {
		t.Errorf("marks %+v, want the series' change point", c.Marks)
	}
	if c.Levels[0].Value != r.Emerging[0].BaselineRate || c.Levels[1].Value != r.Emerging[0].RecentRate {
		t.Errorf("levels %+v, want the baseline and recent rates per week", c.Levels)
	}
	r.Window.To = r.Window.To.AddDate(0, 0, -3) // the last week cut to its first 4 days
	if c := analysishtml.TrendChange(r, r.Emerging[0], "emerging"); c.Series[0].Values[15] != 12*1.75 || !strings.Contains(c.Notes[15], "4 of 7 days") {
		t.Errorf("last partial week %v (%q), want 12 incidents scaled to 7 days", c.Series[0].Values[15], c.Notes[15])
	}
	r.Window.To = r.Window.To.AddDate(0, 0, -2) // the last week cut to its first 2 days: left out
	if c := analysishtml.TrendChange(r, r.Emerging[0], "emerging"); len(c.Starts) != 15 || !c.End.Equal(r.Series.Starts[15]) {
		t.Errorf("%d buckets to %s, want the last (2 of 7 days) left out", len(c.Starts), c.End)
	}
	r.Series.Period = trend.Day
	if c := analysishtml.TrendChange(r, r.Emerging[0], "emerging"); c.Levels[1].Value != r.Emerging[0].RecentRate/7 {
		t.Errorf("daily level %v, want the weekly rate / 7", c.Levels[1].Value)
	}
	if c := analysishtml.TrendChange(r, trend.Change{ID: "T9999"}, "new"); c != nil {
		t.Errorf("chart of a key without series: %+v", c)
	}
}

func TestSkillCharts(t *testing.T) {
	r := skillResult()
	for _, mc := range analysishtml.SkillCharts(r) {
		switch mc.Metric.Name {
		case skill.MetricTTR:
			if mc.Flagged == nil || len(mc.Flagged.Bars) != 2 || mc.Flagged.Reference != 6.5 {
				t.Fatalf("TTR flagged chart %+v: want the gap and the strength against the team's 6.5 h", mc.Flagged)
			}
			if b := mc.Flagged.Bars[0]; b.Value != 14.2 || b.Low != 10.1 || b.High != 19.8 {
				t.Errorf("gap bar %+v, want 14.2 in [10.1, 19.8]", b)
			}
			if n := len(mc.Groups.Bars); n != 3 {
				t.Errorf("%d group bars, want 3", n)
			}
		case skill.MetricReopened:
			if mc.Flagged != nil {
				t.Errorf("reopened has no gap, got a chart %+v", mc.Flagged)
			}
		}
	}
}

// TestSimulated renders the analyses of a simulated history: every flagged
// key is on the page, with a chart.
func TestSimulated(t *testing.T) {
	if testing.Short() {
		t.Skip("simulates 120 days")
	}
	cat := catalog(t)
	ins := simulated(t, cat, 120)
	tr, err := trend.Analyse(ins, trend.Options{Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	page := render(t, analysishtml.Trends, tr, cat)
	checkPage(t, page)
	for _, c := range slices.Concat(tr.Emerging, tr.Fading, tr.New) {
		if !strings.Contains(page, `id="trend-`) || !strings.Contains(page, html.EscapeString(c.ID)) {
			t.Errorf("%s is not on the trends page", c.ID)
		}
	}
	sr, err := skill.Analyse(ins, skill.Options{Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	page = render(t, analysishtml.Skills, sr, cat)
	checkPage(t, page)
	for _, g := range sr.Gaps {
		if !strings.Contains(page, `id="skill-flagged-`+g.Metric+`"`) {
			t.Errorf("gap %s %s has no chart", g.ID, g.Metric)
		}
	}
	t.Logf("trends: %d emerging, %d fading, %d new; skills: %d gaps, %d strengths", len(tr.Emerging), len(tr.Fading), len(tr.New), len(sr.Gaps), len(sr.Strengths))
}

// simulated returns the incidents of a simulated history of days days in
// their final state, with techniques and tactics from their alerts.
func simulated(t testing.TB, cat *attack.Catalog, days int) []debrief.Incident {
	t.Helper()
	gn, err := simulate.NewGenerator(simulate.Options{Seed: 3, Days: days, Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	index := map[string]int{}
	var ins []debrief.Incident
	for ev, err := range gn.Events(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Incident == nil {
			continue
		}
		in := *ev.Incident
		for _, a := range in.Alerts {
			for _, tc := range a.Techniques {
				in.Techniques = append(in.Techniques, tc.ID, tc.ID.Parent())
				in.Tactics = append(in.Tactics, tc.Tactics...)
			}
		}
		slices.Sort(in.Techniques)
		slices.Sort(in.Tactics)
		in.Techniques, in.Tactics, in.Alerts = slices.Compact(in.Techniques), slices.Compact(in.Tactics), nil
		if i, ok := index[in.ID]; ok {
			ins[i] = in
		} else {
			index[in.ID] = len(ins)
			ins = append(ins, in)
		}
	}
	return ins
}
