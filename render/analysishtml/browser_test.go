package analysishtml_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/debrief-dev/debrief/internal/browsertest"
	"github.com/debrief-dev/debrief/render/analysishtml"
	"github.com/debrief-dev/debrief/skill"
)

// TestBrowser opens a trends and a skills page whose names hold script
// injections in headless Chromium: no script runs, nothing is requested
// but the page, the browser logs no error (a blocked style or a policy
// violation would be one), the stylesheet applies (its hash is in the
// policy) and the charts are drawn.
func TestBrowser(t *testing.T) {
	x := `<script>alert(1)</script><img src=x onerror=alert(2)>`
	tr := trendResult()
	tr.Series.Series[1].Name, tr.Emerging[0].Name = x, x
	sr := skillResult()
	sr.By = skill.ByAnalyst
	sr.Groups[1].ID, sr.Gaps[0].ID, sr.Gaps[0].Name = x, x, x
	pages := map[string][]byte{
		"/trends.html": []byte(render(t, analysishtml.Trends, tr, nil)),
		"/skills.html": []byte(render(t, analysishtml.Skills, sr, nil)),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(p)
	}))
	defer srv.Close()

	br := browsertest.Start(t, 60*time.Second)
	for _, tc := range []struct{ path, chart string }{
		{"/trends.html", "#overview svg.chart polyline"},
		{"/skills.html", "#charts svg.chart rect"},
	} {
		if err := chromedp.Do(br.Ctx, chromedp.Navigate(srv.URL+tc.path), chromedp.WaitVisible(chromedp.CSS(tc.chart)),
			chromedp.Sleep(300*time.Millisecond)); err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		br.Screenshot(t, strings.TrimSuffix(tc.path[1:], ".html"))
		collapse, err := chromedp.Run(br.Ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("table")).borderCollapse`))
		if err != nil || collapse != "collapse" {
			t.Errorf("%s: table border-collapse %q (%v): the stylesheet did not apply", tc.path, collapse, err)
		}
	}
	br.Check(t, browsertest.Only(srv.URL+"/trends.html", srv.URL+"/skills.html"))
}
