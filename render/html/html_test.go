package html_test

import (
	"bytes"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief/internal/testutil"
	rhtml "github.com/debrief-dev/debrief/render/html"
	"github.com/debrief-dev/debrief/review"
	"github.com/debrief-dev/debrief/review/reviewtest"
)

func render(t testing.TB, r *review.Review) string {
	t.Helper()
	var b bytes.Buffer
	if err := (rhtml.Renderer{}).Render(&b, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestRender(t *testing.T) {
	opts := reviewtest.Options(t)
	opts.Sections = reviewtest.Sections()
	r, err := review.Build(reviewtest.Slice(reviewtest.Incident()), opts)
	if err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, "TestRender", []byte(render(t, r)))
}

// allowed are the elements the page is made of; any other element in the
// output was injected.
func allowed() map[string]bool {
	m := map[string]bool{}
	for _, t := range strings.Fields(`html head meta title style body header main footer section h1 h2 h3 p ul ol li
		dl dt dd table thead tbody tr th td a span div strong b small code details summary svg rect line text i
		figure desc g path polyline polygon circle`) {
		m[t] = true
	}
	return m
}

var (
	tagPattern  = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>`)
	attrPattern = regexp.MustCompile(`\s([a-zA-Z-]+)=("[^"]*"|'[^']*'|[^\s>]+)`)
)

func TestHostileTextIsEscaped(t *testing.T) {
	opts := reviewtest.Options(t)
	sections := reviewtest.Sections()
	x := reviewtest.XSS()
	sections[1].Summary, sections[1].Facts = x[0], []review.Fact{{Label: x[1], Value: x[3]}}
	sections[1].Tables = []review.Table{{Title: x[4], Columns: []string{x[0]}, Rows: [][]string{{x[1]}}}}
	opts.Sections = sections
	r, err := review.Build(reviewtest.Slice(reviewtest.Hostile()), opts)
	if err != nil {
		t.Fatal(err)
	}
	out := strings.Replace(render(t, r), `<link rel="icon" href="data:,">`, "", 1) // the page's own icon
	for _, m := range tagPattern.FindAllStringSubmatch(out, -1) {
		if !allowed()[strings.ToLower(m[1])] {
			t.Errorf("injected element: %s", m[0])
		}
		for _, a := range attrPattern.FindAllStringSubmatch(m[2], -1) {
			name, value := strings.ToLower(a[1]), strings.ToLower(html.UnescapeString(strings.Trim(a[2], `"'`)))
			if strings.HasPrefix(name, "on") || strings.Contains(value, "javascript:") {
				t.Errorf("injected attribute in %s", m[0])
			}
		}
	}
	for _, s := range x {
		if strings.ContainsAny(s, `<>"'&`) && strings.Contains(out, s) {
			t.Errorf("%q appears unescaped", s)
		}
	}
	for _, field := range []string{
		"&lt;script&gt;alert(1)&lt;/script&gt; incident",                                 // incident title
		"&lt;script&gt;alert(1)&lt;/script&gt; Email messages containing malicious file", // alert title
		"&lt;/style&gt;&lt;svg onload=alert(4)&gt;",                                      // assignee
		"&#39; onmouseover=&#39;alert(5)",                                                // determination
		"&#34;&gt;&lt;img src=x onerror=alert(2)&gt; ws-alice-01",                        // entity name
		"javascript:alert(3)",                                                            // detection source, as text
	} {
		if !strings.Contains(out, field) {
			t.Errorf("output does not show %q as text", field)
		}
	}
	if strings.Contains(out, "ZgotmplZ") {
		t.Error("the template refused a value (ZgotmplZ): a trusted value is built unsafely")
	}
}

func TestSelfContained(t *testing.T) {
	out := render(t, reviewtest.Build(t, reviewtest.Hostile()))
	// The one link allowed: an empty inline icon, so browsers do not ask
	// the server for /favicon.ico.
	const icon = `<link rel="icon" href="data:,">`
	if strings.Count(out, icon) != 1 {
		t.Errorf("page lacks %s", icon)
	}
	out = strings.Replace(out, icon, "", 1)
	if !strings.Contains(out, "Content-Security-Policy\" content=\"default-src 'none'") {
		t.Error("page lacks its Content-Security-Policy")
	}
	external := regexp.MustCompile(`(?i)<(script|link|img|iframe|object|embed|source|video|audio)\b[^>]*`)
	for _, m := range external.FindAllString(out, -1) {
		t.Errorf("page loads or embeds something: %s", m)
	}
	for _, bad := range []string{"@import", "url(", "<script", "<link", "@font-face"} {
		if strings.Contains(strings.ToLower(out), bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if !strings.Contains(out, "<style>") || !strings.Contains(out, "<svg") || !strings.Contains(out, "@media print") {
		t.Error("page lacks its inline style, its SVG chart or its print style")
	}
}

func TestMatrixAndChart(t *testing.T) {
	out := render(t, reviewtest.Build(t, reviewtest.Incident()))
	for _, want := range []string{
		`<div class="tac gap">`, // Defense Evasion
		`<b>T1003.001</b> OS Credential Dumping: LSASS Memory`,
		`<title>1 high alert</title>`,
		`>First triage</text>`,
		`<div class="answer" contenteditable="true"></div>`,
		`<strong>RS.MA-02</strong>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if n := strings.Count(out, `<div class="tac `); n != 14 {
		t.Errorf("matrix has %d tactics, want 14", n)
	}
}
