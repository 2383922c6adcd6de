package html_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/debrief-dev/debrief/internal/browsertest"
	"github.com/debrief-dev/debrief/render/html"
	"github.com/debrief-dev/debrief/review/reviewtest"
)

// TestBrowserHostileReview opens the review of an incident whose every
// alert-derived field holds script injections in a real headless Chromium:
// no dialog may open (no injected script ran), the browser logs no error,
// the page may request nothing but itself, and the hostile title must show
// as text.
func TestBrowserHostileReview(t *testing.T) {
	var doc bytes.Buffer
	if err := (html.Renderer{}).Render(&doc, reviewtest.Build(t, reviewtest.Hostile())); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(doc.Bytes())
	}))
	defer srv.Close()

	b := browsertest.Start(t, 60*time.Second)
	if err := chromedp.Do(b.Ctx, chromedp.Navigate(srv.URL+"/review.html"), chromedp.WaitReady(chromedp.CSS("body")),
		chromedp.Sleep(500*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	b.Screenshot(t, "review")
	title, err := chromedp.Run(b.Ctx, chromedp.TextContent(chromedp.CSS("h1")))
	if err != nil {
		t.Fatal(err)
	}
	b.Check(t, browsertest.Only(srv.URL+"/review.html"))
	if !strings.Contains(title, "<script>alert(1)</script>") {
		t.Errorf("h1 = %q, want the hostile title shown as text", title)
	}
}
