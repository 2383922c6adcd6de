// Package browsertest drives a headless Chromium for the tests that open
// debrief's pages in a real browser. It finds Debian's chromium (skipping
// the test with a clear reason when there is none), starts it with the
// flags CI uses, records what the page asks for and complains about, and
// saves screenshots as test artifacts.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Chromium returns the path of the headless browser: $CHROMIUM, or the
// first of chromium, chromium-browser and google-chrome on PATH. It skips
// the test when there is none.
func Chromium(t testing.TB) string {
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

// Browser is one tab of a headless Chromium and the record of what its
// pages did: every request, every response of 400 or more, console errors
// and warnings, uncaught exceptions, browser-log errors and warnings, and
// JavaScript dialogs (which it dismisses).
type Browser struct {
	// Ctx runs chromedp actions in the tab; it ends with the test or
	// after the timeout given to Start.
	Ctx context.Context

	mu       sync.Mutex
	requests []string
	failed   []string
	console  []string
	dialogs  []string
}

// Start opens a tab in a new headless Chromium (--no-sandbox --headless
// --disable-gpu --disable-background-networking), with network events and
// the browser log enabled, for at most timeout. It skips the test when
// there is no browser, and closes the browser when the test ends.
func Start(t testing.TB, timeout time.Duration) *Browser {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(Chromium(t)),
		chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(cancelTab)
	ctx, cancelTime := context.WithTimeout(ctx, timeout)
	t.Cleanup(cancelTime)

	b := &Browser{Ctx: ctx}
	if err := chromedp.Listen(ctx, b.event); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	return b
}

func (b *Browser) event(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		b.requests = append(b.requests, e.Request.URL)
	case *network.EventResponseReceived:
		if e.Response.Status >= 400 {
			b.failed = append(b.failed, e.Response.URL)
		}
	case *runtime.EventConsoleAPICalled:
		if e.Type == "error" || e.Type == "warning" {
			b.console = append(b.console, string(e.Type))
		}
	case *runtime.EventExceptionThrown:
		b.console = append(b.console, e.ExceptionDetails.Text)
	case *log.EventEntryAdded:
		if e.Entry.Level == "error" || e.Entry.Level == "warning" {
			b.console = append(b.console, string(e.Entry.Source)+": "+e.Entry.Text)
		}
	case *page.EventJavascriptDialogOpening:
		b.dialogs = append(b.dialogs, e.Message)
		go chromedp.Call(b.Ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
	}
}

// Requests returns the URLs the tab has requested so far.
func (b *Browser) Requests() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.requests...)
}

// Check fails the test for each dialog that opened (an injected script
// ran), each console or browser-log error or warning, each response of 400
// or more, and each request that allow rejects; data: URLs are always
// allowed.
func (b *Browser) Check(t testing.TB, allow func(url string) bool) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.dialogs) > 0 {
		t.Errorf("injected script ran: dialogs %q", b.dialogs)
	}
	if len(b.console) > 0 {
		t.Errorf("console: %q", b.console)
	}
	if len(b.failed) > 0 {
		t.Errorf("failed requests: %q", b.failed)
	}
	for _, u := range b.requests {
		if !strings.HasPrefix(u, "data:") && !allow(u) {
			t.Errorf("the page requested %s", u)
		}
	}
}

// Only allows exactly the given URLs.
func Only(urls ...string) func(string) bool {
	return func(u string) bool { return slices.Contains(urls, u) }
}

// SameOrigin allows the URLs below base (a server's URL, as
// httptest.Server.URL).
func SameOrigin(base string) func(string) bool {
	return func(u string) bool { return strings.HasPrefix(u, base+"/") }
}

// Screenshot saves the page to $DEBRIEF_ARTIFACTS/<test>-<name>.png when
// that directory is set (CI keeps it), and does nothing otherwise.
func (b *Browser) Screenshot(t testing.TB, name string) {
	t.Helper()
	dir := os.Getenv("DEBRIEF_ARTIFACTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(b.Ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Error(err)
		return
	}
	file := strings.ReplaceAll(t.Name(), "/", "_") + "-" + name + ".png"
	if err := os.WriteFile(filepath.Join(dir, file), png, 0o644); err != nil {
		t.Error(err)
	}
}
