package browsertest

import (
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
)

func TestAllow(t *testing.T) {
	base := "http://127.0.0.1:4000"
	for _, tc := range []struct {
		name  string
		allow func(string) bool
		url   string
		want  bool
	}{
		{"only listed", Only(base+"/a.html", base+"/b.html"), base + "/b.html", true},
		{"only other", Only(base + "/a.html"), base + "/c.html", false},
		{"only none", Only(), base + "/a.html", false},
		{"same origin", SameOrigin(base), base + "/api/v1/x?y=1", true},
		{"same origin root", SameOrigin(base), base + "/", true},
		{"other port", SameOrigin(base), "http://127.0.0.1:40001/", false},
		{"other host", SameOrigin(base), "https://example.com/x.js", false},
	} {
		if got := tc.allow(tc.url); got != tc.want {
			t.Errorf("%s: allow(%q) = %v, want %v", tc.name, tc.url, got, tc.want)
		}
	}
}

// TestRecord feeds events as Chromium sends them and checks what the
// browser keeps of each.
func TestRecord(t *testing.T) {
	b := &Browser{}
	for _, ev := range []any{
		&network.EventRequestWillBeSent{Request: &network.Request{URL: "http://h/a"}},
		&network.EventResponseReceived{Response: &network.Response{URL: "http://h/a", Status: 200}},
		&network.EventResponseReceived{Response: &network.Response{URL: "http://h/missing", Status: 404}},
		&runtime.EventConsoleAPICalled{Type: runtime.ConsoleAPICalledType("log")},
		&runtime.EventConsoleAPICalled{Type: runtime.ConsoleAPICalledType("error")},
		&runtime.EventExceptionThrown{ExceptionDetails: &runtime.ExceptionDetails{Text: "Uncaught TypeError"}},
	} {
		b.event(ev)
	}
	if got := b.Requests(); len(got) != 1 || got[0] != "http://h/a" {
		t.Errorf("requests %q, want the one request", got)
	}
	if len(b.failed) != 1 || b.failed[0] != "http://h/missing" {
		t.Errorf("failed %q, want the 404 only", b.failed)
	}
	if len(b.console) != 2 || b.console[0] != "error" || b.console[1] != "Uncaught TypeError" {
		t.Errorf("console %q, want the error call and the exception", b.console)
	}
}
