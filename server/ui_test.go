package server_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
)

// browser is an HTTP client with cookies that does not follow redirects.
func browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// fetch GETs or POSTs (when form is not nil) and returns status and body.
func fetch(t *testing.T, c *http.Client, u string, form url.Values, header ...string) (*http.Response, string) {
	t.Helper()
	method, body := "GET", io.Reader(nil)
	if form != nil {
		method, body = "POST", strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// login logs c in with secret and returns the session's CSRF token.
func login(t *testing.T, c *http.Client, base, secret string) string {
	t.Helper()
	_, page := fetch(t, c, base+"/login", nil)
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("login page without a CSRF field:\n%s", page)
	}
	resp, body := fetch(t, c, base+"/login", url.Values{"csrf": {m[1]}, "token": {secret}, "next": {"/matrix"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/matrix" {
		t.Fatalf("login: %d %s %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == "debrief_session" && (!ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode) {
			t.Errorf("session cookie %+v: want HttpOnly and SameSite=Strict", ck)
		}
	}
	_, page = fetch(t, c, base+"/incidents", nil)
	m = csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no logout form after login:\n%s", page)
	}
	return m[1]
}

func TestUISession(t *testing.T) {
	e := newEnv(t, nil)
	base := e.srv.URL
	c := browser(t)
	if resp, _ := fetch(t, c, base+"/incidents", nil); resp.StatusCode != http.StatusSeeOther ||
		!strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Fatalf("anonymous: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	const csrf = "fresh" // replaced by the login page's for each case
	bad := []struct {
		name   string
		form   url.Values
		header []string
		want   int
	}{
		{"no csrf", url.Values{"token": {e.tokens[debrief.RoleViewer]}}, nil, 403},
		{"wrong csrf", url.Values{"token": {e.tokens[debrief.RoleViewer]}, "csrf": {"x"}}, nil, 403},
		{"cross origin", url.Values{"token": {e.tokens[debrief.RoleViewer]}, "csrf": {csrf}}, []string{"Origin", "https://evil.example"}, 403},
		{"wrong token", url.Values{"token": {"dbf_nope"}, "csrf": {csrf}}, nil, 401},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, page := fetch(t, c, base+"/login", nil)
			if tc.form.Get("csrf") == csrf {
				tc.form.Set("csrf", csrfField.FindStringSubmatch(page)[1])
			}
			if resp, body := fetch(t, c, base+"/login", tc.form, tc.header...); resp.StatusCode != tc.want {
				t.Errorf("%d, want %d: %s", resp.StatusCode, tc.want, body)
			}
		})
	}
	token := login(t, c, base, e.tokens[debrief.RoleViewer])
	resp, page := fetch(t, c, base+"/matrix", nil)
	if resp.StatusCode != 200 || !strings.Contains(page, "Initial Access") || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Fatalf("matrix: %d %q", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}
	if resp, _ := fetch(t, c, base+"/logout", url.Values{"csrf": {"forged"}}); resp.StatusCode != 403 {
		t.Errorf("logout with a forged CSRF token: %d", resp.StatusCode)
	}
	if resp, _ := fetch(t, c, base+"/logout", url.Values{"csrf": {token}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("logout: %d", resp.StatusCode)
	}
	if resp, _ := fetch(t, c, base+"/incidents", nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after logout: %d, want a redirect to log in", resp.StatusCode)
	}
}

// TestUIEscapes ingests an alert whose strings are script and checks the
// pages show them as text.
func TestUIEscapes(t *testing.T) {
	e := newEnv(t, nil)
	hostile := strings.Replace(good, `"Title":"t"`, `"Title":"<script>alert(1)</script>"`, 1)
	if resp, b := e.do(t, "POST", "/api/v1/ingest", debrief.RoleAnalyst, strings.NewReader(hostile)); resp.StatusCode != 200 {
		t.Fatalf("ingest: %d %s", resp.StatusCode, b)
	}
	c := browser(t)
	login(t, c, e.srv.URL, e.tokens[debrief.RoleViewer])
	_, list := fetch(t, c, e.srv.URL+"/incidents", nil)
	m := regexp.MustCompile(`href="(/incidents/[^"?]+)"`).FindStringSubmatch(list)
	if m == nil {
		t.Fatalf("no incident link:\n%s", list)
	}
	for _, u := range []string{"/incidents", m[1]} {
		resp, page := fetch(t, c, e.srv.URL+u, nil)
		if resp.StatusCode != 200 || strings.Contains(page, "<script>alert(1)") || !strings.Contains(page, "&lt;script&gt;alert(1)") {
			t.Errorf("%s: %d, hostile title not escaped", u, resp.StatusCode)
		}
	}
}

// TestLoginRedirect logs in with tricky next parameters: only a path of
// this site is followed, else the incident list. Browsers drop tabs and
// newlines, so "/\t/evil.com" would lead to //evil.com.
func TestLoginRedirect(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct{ next, want string }{
		{"/matrix", "/matrix"},
		{"/ok?x=1", "/ok?x=1"},
		{"/incidents?severity=high&since=7d", "/incidents?severity=high&since=7d"},
		{"", "/incidents"},
		{"/\t/evil.com", "/incidents"},
		{"/\n/evil.com", "/incidents"},
		{"/\r\n/evil.com", "/incidents"},
		{"/ /evil.com", "/incidents"},
		{"/\x00/evil.com", "/incidents"},
		{"/\x7f/evil.com", "/incidents"},
		{"/%2F/evil.com", "/incidents"},
		{"/%2f/evil.com", "/incidents"},
		{"//evil.com", "/incidents"},
		{"/\\evil.com", "/incidents"},
		{"/ok\\..\\evil.com", "/incidents"},
		{"\\\\evil.com", "/incidents"},
		{"https://evil.com", "/incidents"},
		{"javascript:alert(1)", "/incidents"},
		{"evil.com", "/incidents"},
		{"\t/\t/evil.com", "/incidents"},
		{"/\u2028/evil.com", "/incidents"},
	}
	for _, tc := range tests {
		t.Run(tc.next, func(t *testing.T) {
			c := browser(t)
			_, page := fetch(t, c, e.srv.URL+"/login?next="+url.QueryEscape(tc.next), nil)
			m := csrfField.FindStringSubmatch(page)
			if m == nil {
				t.Fatalf("login page without a CSRF field:\n%s", page)
			}
			resp, body := fetch(t, c, e.srv.URL+"/login", url.Values{"csrf": {m[1]}, "token": {e.tokens[debrief.RoleViewer]}, "next": {tc.next}})
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tc.want {
				t.Errorf("next %q: %d to %q, want %q: %s", tc.next, resp.StatusCode, resp.Header.Get("Location"), tc.want, body)
			}
		})
	}
}
