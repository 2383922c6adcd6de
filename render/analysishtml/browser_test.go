package analysishtml_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/debrief-dev/debrief/render/analysishtml"
	"github.com/debrief-dev/debrief/skill"
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

// TestBrowser opens a trends and a skills page whose names hold script
// injections in headless Chromium: no script runs, nothing is requested
// but the page, the browser logs no error (a blocked style or a policy
// violation would be one), the stylesheet applies (its hash is in the
// policy) and the charts are drawn.
func TestBrowser(t *testing.T) {
	exe := chromium(t)
	x := `<script>alert(1)</script><img src=x onerror=alert(2)>`
	tr := trendResult()
	tr.Series.Series[1].Name, tr.Emerging[0].Name = x, x
	sr := skillResult()
	sr.By = skill.ByAnalyst
	sr.Groups[1].ID, sr.Gaps[0].ID, sr.Gaps[0].Name = x, x, x
	pages := map[string][]byte{}
	var b bytes.Buffer
	if err := analysishtml.Trends(&b, tr, nil); err != nil {
		t.Fatal(err)
	}
	pages["/trends.html"] = bytes.Clone(b.Bytes())
	b.Reset()
	if err := analysishtml.Skills(&b, sr, nil); err != nil {
		t.Fatal(err)
	}
	pages["/skills.html"] = bytes.Clone(b.Bytes())
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

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	var mu sync.Mutex
	var requests, dialogs, logs []string
	err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			requests = append(requests, e.Request.URL)
		case *page.EventJavascriptDialogOpening:
			dialogs = append(dialogs, e.Message)
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		case *log.EventEntryAdded:
			if e.Entry.Level == "error" || e.Entry.Level == "warning" {
				logs = append(logs, string(e.Entry.Source)+": "+e.Entry.Text)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, chart string }{
		{"/trends.html", "#overview svg.chart polyline"},
		{"/skills.html", "#charts svg.chart rect"},
	} {
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+tc.path), chromedp.WaitVisible(chromedp.CSS(tc.chart)),
			chromedp.Sleep(300*time.Millisecond)); err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		collapse, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("table")).borderCollapse`))
		if err != nil || collapse != "collapse" {
			t.Errorf("%s: table border-collapse %q (%v): the stylesheet did not apply", tc.path, collapse, err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(dialogs) > 0 {
		t.Errorf("injected script ran: dialogs %q", dialogs)
	}
	if len(logs) > 0 {
		t.Errorf("browser log: %q", logs)
	}
	for _, u := range requests {
		if u != srv.URL+"/trends.html" && u != srv.URL+"/skills.html" && !strings.HasPrefix(u, "data:") {
			t.Errorf("the page requested %s", u)
		}
	}
}
