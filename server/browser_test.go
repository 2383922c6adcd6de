package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/browsertest"
	"github.com/debrief-dev/debrief/server"
)

// TestBrowser logs in with a token in headless Chromium, opens an
// incident with its review, the ATT&CK matrix with its coverage layer and a
// cell's page, approves a playbook step, and draws the trends and skills
// charts: no console error, no dialog, no failed request, and no request
// leaves the server's origin.
func TestBrowser(t *testing.T) {
	e, runs := withRuns(t, 1, func(c *server.Config) { c.Rules = []string{"testdata/rules"} })
	older := strings.NewReplacer(`"da1"`, `"da0"`, "2026-01-02", "2025-10-01").Replace(good) // a baseline for the trends
	if resp, b := e.do(t, "POST", "/api/v1/ingest", debrief.RoleAnalyst, strings.NewReader(good+"\n"+older)); resp.StatusCode != http.StatusOK {
		t.Fatalf("ingest: %d %s", resp.StatusCode, b)
	}
	br := browsertest.Start(t, 90*time.Second)
	ctx := br.Ctx
	base := e.srv.URL
	steps := []struct {
		name    string
		actions []chromedp.Action[chromedp.Void]
	}{
		{"login", []chromedp.Action[chromedp.Void]{chromedp.Navigate(base + "/incidents"), chromedp.WaitVisible(chromedp.CSS("#token")),
			chromedp.SendKeys(chromedp.CSS("#token"), e.tokens[debrief.RoleAnalyst]), chromedp.Click(chromedp.CSS("#login")),
			chromedp.WaitVisible(chromedp.CSS("#incidents"))}},
		{"incident", []chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS("#incidents tbody a")),
			chromedp.WaitVisible(chromedp.CSS("#review")), chromedp.Sleep(time.Second)}},
		{"matrix", []chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS(`nav a[href="/matrix"]`)),
			chromedp.WaitVisible(chromedp.CSS("#matrix .heat1, #matrix .heat5")), chromedp.WaitVisible(chromedp.CSS("#coverage")),
			chromedp.Sleep(300 * time.Millisecond)}},
		{"technique", []chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS("#matrix .heat1")),
			chromedp.WaitVisible(chromedp.CSS("#technique-incidents")), chromedp.WaitVisible(chromedp.CSS("#technique-rules"))}},
		{"playbooks", []chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS(`nav a[href="/playbooks"]`)),
			chromedp.WaitVisible(chromedp.CSS("#runs button.approve")), chromedp.Click(chromedp.CSS("#runs button.approve")),
			chromedp.WaitVisible(chromedp.CSS("#message"))}},
		{"trends", []chromedp.Action[chromedp.Void]{chromedp.Navigate(base + "/trends?since=2025-06-01&min_count=1"),
			chromedp.WaitVisible(chromedp.CSS("main h1")), chromedp.WaitVisible(chromedp.CSS("#trend-overview-chart svg.chart polyline"))}},
		{"skills", []chromedp.Action[chromedp.Void]{chromedp.Navigate(base + "/skills?since=2025-06-01&min_sample=1"),
			chromedp.WaitVisible(chromedp.CSS("#team")), chromedp.WaitVisible(chromedp.CSS("#skill-charts svg.chart text"))}},
	}
	for _, st := range steps {
		if err := chromedp.Do(ctx, st.actions...); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		br.Screenshot(t, st.name)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/matrix")); err != nil {
		t.Fatal(err)
	}
	hot, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`#matrix .heat1`), "title"))
	if err != nil || !strings.HasPrefix(hot.Value, "T1059 ") {
		t.Errorf("hot cell %+v (%v), want the ingested technique T1059", hot, err)
	}
	if run, err := e.st.Run(ctx, runs[0]); err != nil || run.Status != debrief.RunSucceeded {
		t.Errorf("the approved run: %+v %v, want succeeded", run, err)
	}
	br.Check(t, browsertest.SameOrigin(base))
	sawReview := false
	for _, u := range br.Requests() {
		sawReview = sawReview || strings.HasSuffix(u, "/review.html")
	}
	if !sawReview {
		t.Errorf("the incident page did not load its review; requests: %q", br.Requests())
	}
}
