package chart_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/render/chart"
)

func weeks(n int) ([]time.Time, time.Time) {
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC) // a Monday
	var out []time.Time
	for i := range n {
		out = append(out, start.AddDate(0, 0, 7*i))
	}
	return out, start.AddDate(0, 0, 7*n)
}

func timeChart() *chart.Time {
	starts, end := weeks(16)
	return &chart.Time{
		ID: "trend-overview", Title: "Incidents per week by technique", Desc: "Two techniques over 16 weeks.",
		XLabel: "week", YLabel: "incidents per week", Starts: starts, End: end, Area: true,
		Series: []chart.Series{
			{Name: "T1566 Phishing", Values: []float64{3, 4, 2, 5, 3, 4, 4, 3, 5, 4, 3, 9, 11, 10, 12, 13}},
			{Name: "T1110 Brute Force", Values: []float64{6, 5, 7, 6, 5, 6, 7, 5, 6, 6, 5, 2, 1, 2, 1, 0}},
		},
		Spans: []chart.Span{
			{From: starts[0], To: starts[12], Label: "baseline", Tone: chart.Plain},
			{From: starts[12], To: end, Label: "window", Tone: chart.Notable},
		},
		Levels: []chart.Level{
			{From: starts[0], To: starts[12], Value: 3.75, Label: "3.8/week", Colour: "#d55e00"},
			{From: starts[12], To: end, Value: 11.5, Label: "11.5/week", Colour: "#d55e00"},
		},
		Marks: []chart.Mark{{At: starts[11], Label: "change point"}},
	}
}

func barChart() *chart.Bars {
	return &chart.Bars{
		ID: "skill-ttr", Title: "Median time to resolve by technique", Desc: "Groups against the team median.",
		ValueLabel: "hours", Reference: 6.5, HasReference: true, ReferenceLabel: "team",
		Format: func(v float64) string { return fmt.Sprintf("%.1f h", v) },
		Bars: []chart.Bar{
			{Label: "T1078 Valid Accounts", Value: 14.2, Low: 10.1, High: 19.8, Tone: chart.Notable, Note: "n = 41, q = 0.003"},
			{Label: "T1566 Phishing", Value: 6.1},
			{Label: "T1059.001 PowerShell with a very long name that is clipped in the label column", Value: 3.2, Low: 2.5, High: 4.0, Tone: chart.Good},
		},
	}
}

func render(t *testing.T, c chart.Renderer) string {
	t.Helper()
	var b bytes.Buffer
	if err := c.Render(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestGolden(t *testing.T) {
	single := timeChart()
	single.ID, single.Series, single.Area, single.Marks = "one", single.Series[:1], false, nil
	for name, c := range map[string]chart.Renderer{
		"TestGolden_time": timeChart(), "TestGolden_single": single, "TestGolden_bars": barChart(),
	} {
		t.Run(name, func(t *testing.T) {
			out := render(t, c)
			testutil.Golden(t, name, []byte(out))
			if again := render(t, c); again != out {
				t.Error("two renderings of the same chart differ")
			}
		})
	}
}

// parse checks that svg is well-formed XML with an svg root in the SVG
// namespace, and returns its elements and attributes.
func parse(t *testing.T, svg string) []xml.StartElement {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	var els []xml.StartElement
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not XML: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok {
			els = append(els, se.Copy())
		}
	}
	if len(els) == 0 || els[0].Name.Local != "svg" || els[0].Name.Space != "http://www.w3.org/2000/svg" {
		t.Fatalf("root is not an SVG svg element: %+v", els[:min(1, len(els))])
	}
	return els
}

func TestParsesAsXML(t *testing.T) {
	for name, c := range map[string]chart.Renderer{"time": timeChart(), "bars": barChart()} {
		t.Run(name, func(t *testing.T) {
			els := parse(t, render(t, c))
			var titles int
			for _, e := range els {
				if e.Name.Local == "title" {
					titles++
				}
			}
			if titles < 3 {
				t.Errorf("%d title elements, want the chart's and a tooltip per data element", titles)
			}
			root := map[string]string{}
			for _, a := range els[0].Attr {
				root[a.Name.Local] = a.Value
			}
			if root["role"] != "img" || root["aria-labelledby"] == "" || root["viewBox"] == "" {
				t.Errorf("root attributes %v: want role=img, aria-labelledby and a viewBox", root)
			}
		})
	}
}

// allowedElements are the elements the charts are made of.
var allowedElements = map[string]bool{"svg": true, "title": true, "desc": true, "g": true, "rect": true, "line": true,
	"polyline": true, "polygon": true, "circle": true, "path": true, "text": true}

func TestHostileLabels(t *testing.T) {
	hostile := []string{
		`<script>alert(1)</script>`,
		`"><svg onload=alert(1)>`,
		`' onmouseover='alert(1)`,
		`]]><foreignObject><iframe src="javascript:alert(1)"/></foreignObject>`,
		"ctl\x00\x01\x1b[31m\x7f",
		"bad utf8 \xff\xfe",
		`&amp; &#x3c;script&#x3e; &lt;`,
		`<!-- --><?xml-stylesheet href="http://evil.example/x.css"?>`,
	}
	starts, end := weeks(4)
	cases := []struct {
		field string
		build func(h string) chart.Renderer
	}{
		{"time title", func(h string) chart.Renderer { c := timeChart(); c.Title, c.Desc = h, h; return c }},
		{"time id", func(h string) chart.Renderer { c := timeChart(); c.ID = h; return c }},
		{"axis labels", func(h string) chart.Renderer { c := timeChart(); c.XLabel, c.YLabel = h, h; return c }},
		{"series name", func(h string) chart.Renderer { c := timeChart(); c.Series[1].Name = h; return c }},
		{"series colour", func(h string) chart.Renderer { c := timeChart(); c.Series[0].Colour = h; return c }},
		{"span label", func(h string) chart.Renderer { c := timeChart(); c.Spans[1].Label = h; return c }},
		{"level label", func(h string) chart.Renderer {
			c := timeChart()
			c.Levels[0].Label, c.Levels[0].Colour = h, h
			return c
		}},
		{"mark label", func(h string) chart.Renderer { c := timeChart(); c.Marks[0].Label = h; return c }},
		{"small time", func(h string) chart.Renderer {
			return &chart.Time{Title: h, Starts: starts, End: end, Series: []chart.Series{{Name: h, Values: []float64{1, 0, 2, 1}}}}
		}},
		{"bars title", func(h string) chart.Renderer { c := barChart(); c.Title, c.Desc, c.ValueLabel = h, h, h; return c }},
		{"bar label", func(h string) chart.Renderer { c := barChart(); c.Bars[0].Label, c.Bars[1].Note = h, h; return c }},
		{"reference label", func(h string) chart.Renderer { c := barChart(); c.ReferenceLabel, c.ID = h, h; return c }},
		{"format", func(h string) chart.Renderer {
			c := barChart()
			c.Format = func(float64) string { return h }
			return c
		}},
	}
	for _, tc := range cases {
		for i, h := range hostile {
			t.Run(fmt.Sprintf("%s/%d", tc.field, i), func(t *testing.T) {
				out := render(t, tc.build(h))
				for _, e := range parse(t, out) {
					if !allowedElements[e.Name.Local] {
						t.Errorf("injected element <%s>", e.Name.Local)
					}
					for _, a := range e.Attr {
						v := strings.ToLower(a.Value)
						if strings.HasPrefix(strings.ToLower(a.Name.Local), "on") || a.Name.Local == "href" || a.Name.Local == "style" ||
							strings.Contains(v, "javascript:") || strings.Contains(v, "url(") {
							t.Errorf("injected or unsafe attribute %s=%q on <%s>", a.Name.Local, a.Value, e.Name.Local)
						}
					}
				}
				if strings.Contains(out, "<script") || strings.Contains(out, "<!--") || strings.Contains(out, "<?") {
					t.Errorf("markup from a label survives:\n%s", out)
				}
			})
		}
	}
}

func TestInvalid(t *testing.T) {
	starts, end := weeks(3)
	for _, tc := range []struct {
		name string
		c    chart.Renderer
		want string
	}{
		{"no buckets", &chart.Time{Title: "x"}, "no buckets"},
		{"short series", &chart.Time{Title: "x", Starts: starts, End: end, Series: []chart.Series{{Name: "T1", Values: []float64{1}}}},
			`series 0 ("T1") has 1 values, want one per bucket (3)`},
		{"end too early", &chart.Time{Title: "x", Starts: starts, End: starts[2]}, "is not after the last bucket start"},
		{"unsorted", &chart.Time{Title: "x", Starts: []time.Time{starts[1], starts[0]}, End: end}, "bucket 1 starts"},
		{"no bars", &chart.Bars{Title: "x"}, "no bars"},
		{"NaN bar", &chart.Bars{Title: "x", Bars: []chart.Bar{{Label: "a", Value: math.NaN()}}}, `bar 0 ("a")`},
		{"negative reference", &chart.Bars{Title: "x", Bars: []chart.Bar{{Label: "a", Value: 1}}, HasReference: true, Reference: -1}, "reference -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.c.Render(io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestInline(t *testing.T) {
	h, err := chart.Inline(barChart())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(h), "<svg ") || !strings.HasSuffix(string(h), "</svg>\n") {
		t.Errorf("Inline gave %.60q…", h)
	}
	if _, err := chart.Inline(&chart.Bars{}); err == nil {
		t.Error("Inline of an invalid chart: no error")
	}
}

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{{0, "0"}, {12, "12"}, {3.75, "3.75"}, {12.34, "12.3"}, {123.4, "123"}, {0.051, "0.05"}, {0.5, "0.5"}, {10.04, "10"}} {
		if got := chart.Number(tc.v); got != tc.want {
			t.Errorf("Number(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

func TestScale(t *testing.T) {
	starts, end := weeks(3)            // Mondays 2026-01-05, -12, -19; end -26
	from := starts[0].AddDate(0, 0, 2) // a Wednesday: 5 of 7 days
	to := starts[2].AddDate(0, 0, 1)   // a Tuesday: 1 of 7 days
	f, notes := chart.Scale(starts, end, from, to, "week")
	if want := []float64{7.0 / 5, 1, 7}; fmt.Sprint(f) != fmt.Sprint(want) {
		t.Errorf("factors %v, want %v", f, want)
	}
	if notes[1] != "" || notes[2] != "partial week: 1 of 7 days, scaled ×7" {
		t.Errorf("notes %q", notes)
	}
	if lo, hi := chart.Whole(f); lo != 0 || hi != 2 {
		t.Errorf("Whole(%v) = [%d, %d), want [0, 2): the last week is 1 of 7 days", f, lo, hi)
	}
	if lo, hi := chart.Whole([]float64{7, 7}); lo != hi {
		t.Errorf("Whole of two slivers = [%d, %d), want empty", lo, hi)
	}
	c := timeChart()
	c.Notes = notes
	if err := c.Render(io.Discard); err == nil || !strings.Contains(err.Error(), "3 notes, want one per bucket (16)") {
		t.Errorf("notes of the wrong length: %v", err)
	}
}
