package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
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
