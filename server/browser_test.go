package server_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/server"
)

// chromium finds Debian's headless browser, or skips the test.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium on PATH (apt-get install chromium; .ci/run installs it): skipping the browser test")
	return ""
}

// watch records what a page asks for and complains about.
type watch struct {
	mu       sync.Mutex
	requests []string
	failed   []string // responses of 400 and more
	console  []string // errors, exceptions and browser-log warnings
}

func (w *watch) event(ev any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		w.requests = append(w.requests, e.Request.URL)
	case *network.EventResponseReceived:
		if e.Response.Status >= 400 {
			w.failed = append(w.failed, e.Response.URL)
		}
	case *runtime.EventConsoleAPICalled:
		if e.Type == "error" || e.Type == "warning" {
			w.console = append(w.console, string(e.Type))
		}
	case *runtime.EventExceptionThrown:
		w.console = append(w.console, e.ExceptionDetails.Text)
	case *log.EventEntryAdded:
		if e.Entry.Level == "error" || e.Entry.Level == "warning" {
			w.console = append(w.console, string(e.Entry.Source)+": "+e.Entry.Text)
		}
	}
}

// TestBrowser logs in with a token in headless Chromium, opens an
// incident with its review, the ATT&CK matrix with its coverage layer and a
// cell's page, and approves a playbook step: no console error, no failed
// request, and no request leaves the server's origin.
func TestBrowser(t *testing.T) {
	exe := chromium(t)
	e, runs := withRuns(t, 1, func(c *server.Config) { c.Rules = []string{"testdata/rules"} })
	older := strings.NewReplacer(`"da1"`, `"da0"`, "2026-01-02", "2025-10-01").Replace(good) // a baseline for the trends
	if resp, b := e.do(t, "POST", "/api/v1/ingest", debrief.RoleAnalyst, strings.NewReader(good+"\n"+older)); resp.StatusCode != http.StatusOK {
		t.Fatalf("ingest: %d %s", resp.StatusCode, b)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	w := &watch{}
	if err := chromedp.Listen(ctx, w.event); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
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
		screenshot(t, ctx, st.name)
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
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.console) > 0 {
		t.Errorf("console: %q", w.console)
	}
	if len(w.failed) > 0 {
		t.Errorf("failed requests: %q", w.failed)
	}
	sawReview := false
	for _, u := range w.requests {
		if !strings.HasPrefix(u, base+"/") && !strings.HasPrefix(u, "data:") {
			t.Errorf("the UI requested %s, outside %s", u, base)
		}
		sawReview = sawReview || strings.HasSuffix(u, "/review.html")
	}
	if !sawReview {
		t.Errorf("the incident page did not load its review; requests: %q", w.requests)
	}
}

// screenshot saves the page to $DEBRIEF_ARTIFACTS/<test>-<name>.png when
// that directory is set (CI keeps it).
func screenshot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("DEBRIEF_ARTIFACTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Error(err)
	}
	if err := os.WriteFile(filepath.Join(dir, t.Name()+"-"+name+".png"), png, 0o644); err != nil {
		t.Error(err)
	}
}
