package server_test

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/server"
)

// TestUIAnalysisCharts checks that the trends and skills pages draw their
// charts inline, as SVG the page's policy allows: no style attribute, no
// script, no reference outside the page.
func TestUIAnalysisCharts(t *testing.T) {
	e := newEnv(t, nil)
	older := strings.NewReplacer(`"da1"`, `"da0"`, "2026-01-02", "2025-10-01").Replace(good)
	if resp, b := e.do(t, "POST", "/api/v1/ingest", debrief.RoleAnalyst, strings.NewReader(good+"\n"+older)); resp.StatusCode != http.StatusOK {
		t.Fatalf("ingest: %d %s", resp.StatusCode, b)
	}
	c := browser(t)
	login(t, c, e.srv.URL, e.tokens[debrief.RoleViewer])
	svg := regexp.MustCompile(`(?s)<svg [^>]*class="chart[^"]*"[^>]*>.*?</svg>`)
	for _, tc := range []struct{ path, want string }{
		{"/trends?since=2025-06-01&min_count=1", `id="trend-overview"`},
		{"/skills?since=2025-06-01&min_sample=1", `id="skill-groups-escalated"`},
	} {
		t.Run(tc.path, func(t *testing.T) {
			resp, page := fetch(t, c, e.srv.URL+tc.path, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%d\n%s", resp.StatusCode, page)
			}
			if csp := resp.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "default-src 'none'") {
				t.Errorf("policy %q", csp)
			}
			charts := svg.FindAllString(page, -1)
			if len(charts) == 0 || !strings.Contains(page, tc.want) {
				t.Fatalf("no chart %s on the page:\n%s", tc.want, page)
			}
			for _, s := range charts {
				for _, bad := range []string{" style=", "<script", "href=", "url(", "<foreignObject"} {
					if strings.Contains(s, bad) {
						t.Errorf("a chart holds %q", bad)
					}
				}
			}
		})
	}
}

// TestUIAnalysisWindows: a window without incidents (here, of an empty
// store) shows the trends and skills pages with their form and a notice to
// widen Since, not an error page with the CLI's advice; on a store older
// than the default windows, the pages say that their window ends at the
// latest incident; a query the analysis refuses shows the form too.
func TestUIAnalysisWindows(t *testing.T) {
	later := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	e := newEnv(t, func(c *server.Config) { c.Now = func() time.Time { return later } })
	c := browser(t)
	login(t, c, e.srv.URL, e.tokens[debrief.RoleViewer])
	older := strings.NewReplacer(`"da1"`, `"da0"`, "2026-01-02", "2025-10-01").Replace(good)
	for _, tc := range []struct {
		path   string
		ingest bool // first, the good incident and an older one
		status int
		want   string // an element's id
		says   string // in its text
	}{
		{"/trends", false, 200, "no-incidents", `There are no incidents in the store since 2026-06-04: widen "Since"`},
		{"/skills", false, 200, "no-incidents", `There are no incidents in the store since 2026-06-04: widen "Since"`},
		{"/trends", true, 200, "window-note", "latest incident, 2026-01-02"},
		{"/skills", false, 200, "window-note", "latest incident, 2026-01-02"},
		{"/skills?since=2026-06-01", false, 200, "no-incidents", `There are no incidents in the store since 2026-06-01: widen "Since"`},
		{"/trends?since=2026-06-01", false, 400, "query-error", "parameter window"},
	} {
		if tc.ingest {
			if resp, b := e.do(t, "POST", "/api/v1/ingest", debrief.RoleAnalyst, strings.NewReader(good+"\n"+older)); resp.StatusCode != http.StatusOK {
				t.Fatalf("ingest: %d %s", resp.StatusCode, b)
			}
		}
		resp, page := fetch(t, c, e.srv.URL+tc.path, nil)
		el := regexp.MustCompile(`<p [^>]*id="` + tc.want + `"[^>]*>([^<]*)</p>`).FindStringSubmatch(page)
		if resp.StatusCode != tc.status || el == nil || !strings.Contains(html.UnescapeString(el[1]), tc.says) ||
			!strings.Contains(page, `<input name="since"`) || strings.Contains(page, "--since") {
			t.Errorf("%s: %d, want %d with the form and #%s saying %q:\n%s", tc.path, resp.StatusCode, tc.status, tc.want, tc.says, page)
		}
	}
}

// TestUIMatrixOfAnOldStore: the matrix and technique pages count their
// default since back from the latest incident of a store older than it,
// and say that their window ends there, as the trends page does.
func TestUIMatrixOfAnOldStore(t *testing.T) {
	later := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) // eleven months after good
	e := newEnv(t, func(c *server.Config) { c.Now = func() time.Time { return later } })
	older := strings.NewReplacer(`"da1"`, `"da0"`, "2026-01-02", "2025-10-01").Replace(good) // before the 90 days
	if resp, b := e.do(t, "POST", "/api/v1/ingest", debrief.RoleAnalyst, strings.NewReader(good+"\n"+older)); resp.StatusCode != http.StatusOK {
		t.Fatalf("ingest: %d %s", resp.StatusCode, b)
	}
	c := browser(t)
	login(t, c, e.srv.URL, e.tokens[debrief.RoleViewer])
	note := regexp.MustCompile(`<p [^>]*id="window-note"[^>]*>([^<]*)</p>`)
	for _, tc := range []struct{ path, has string }{
		{"/matrix", `title="T1059 Command and Scripting Interpreter: 1 incidents"`},
		{"/matrix/techniques/T1059", "Incidents since 90d (1)"},
	} {
		resp, page := fetch(t, c, e.srv.URL+tc.path, nil)
		el := note.FindStringSubmatch(page)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, tc.has) || el == nil || !strings.Contains(el[1], "latest incident, 2026-01-02") {
			t.Errorf("%s: %d, want %q and a #window-note at the latest incident:\n%s", tc.path, resp.StatusCode, tc.has, page)
		}
	}
	// An id the catalog lacks (ATT&CK v19's T1685, kept as alerts name it)
	// is said to be unknown; one it has is not.
	for path, unknown := range map[string]bool{"/matrix/techniques/T1685": true, "/matrix/techniques/T1059": false} {
		resp, page := fetch(t, c, e.srv.URL+path, nil)
		if resp.StatusCode != http.StatusOK || strings.Contains(page, `id="unknown-technique"`) != unknown {
			t.Errorf("%s: %d, want the unknown-technique notice %v:\n%s", path, resp.StatusCode, unknown, page)
		}
	}
}
