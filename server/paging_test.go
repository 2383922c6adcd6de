package server_test

import (
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/server"
)

// TestIncidentPagingAfter follows the list's next cursors (the Link
// header) page by page: the pages together are the whole list, filters
// hold on every page, and a bad cursor or one with offset is a 400.
func TestIncidentPagingAfter(t *testing.T) {
	e, _ := ingested(t, func(c *server.Config) { c.Rate, c.Burst = 1e6, 1e6 })
	ids := func(p server.IncidentPage) []string {
		var out []string
		for _, in := range p.Incidents {
			out = append(out, in.ID)
		}
		return out
	}
	for _, query := range []string{"limit=7", "limit=3&severity=high,critical", "limit=1000"} {
		var all server.IncidentPage
		e.getJSON(t, "/api/v1/incidents?limit=1000&"+strings.TrimPrefix(query, "limit=7"), &all)
		var got []string
		path := "/api/v1/incidents?" + query
		for n := 0; path != ""; n++ {
			if n > 500 {
				t.Fatalf("%s: more than 500 pages", query)
			}
			resp, b := e.do(t, "GET", path, debrief.RoleViewer, nil)
			var page server.IncidentPage
			if err := json.Unmarshal(b, &page); resp.StatusCode != http.StatusOK || err != nil {
				t.Fatalf("GET %s: %d %v %s", path, resp.StatusCode, err, b)
			}
			got = append(got, ids(page)...)
			link := resp.Header.Get("Link")
			if (link == "") != (page.Next == "") {
				t.Fatalf("%s: Link %q with next %q", path, link, page.Next)
			}
			if n > 0 && page.NextOffset != nil {
				t.Errorf("%s: next_offset %d on a page read by cursor", path, *page.NextOffset)
			}
			path = ""
			if page.Next != "" {
				path = strings.TrimSuffix(strings.TrimPrefix(link, "<"), `>; rel="next"`)
				if !strings.Contains(path, "after="+page.Next) || strings.Contains(path, "offset=") {
					t.Fatalf("next link %q does not read on after %s", link, page.Next)
				}
			}
		}
		if want := ids(all); len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("%s: pages hold %d incidents, the list %d (or not in its order)", query, len(got), len(want))
		}
	}
	for _, bad := range []string{"after=nonsense!", "after=" + "bm90LWEtY3Vyc29y", "after=LS5kZWZlbmRlcjox&offset=5"} {
		if resp, b := e.do(t, "GET", "/api/v1/incidents?"+bad, debrief.RoleViewer, nil); resp.StatusCode != http.StatusBadRequest ||
			!strings.Contains(string(b), "after") {
			t.Errorf("%s: %d %s, want 400 naming after", bad, resp.StatusCode, b)
		}
	}
}

// TestUIIncidentPaging: the incident page's "older" link reads on by
// cursor, and the page it leads to links back to the newest.
func TestUIIncidentPaging(t *testing.T) {
	e, _ := ingested(t, func(c *server.Config) { c.Rate, c.Burst = 1e6, 1e6 })
	c := browser(t)
	login(t, c, e.srv.URL, e.tokens[debrief.RoleViewer])
	rows := regexp.MustCompile(`<a href="/incidents/([^"]+)">`)
	next := regexp.MustCompile(`<a href="([^"]+)" id="next">older →</a>`)
	_, first := fetch(t, c, e.srv.URL+"/incidents?limit=5&severity=high,critical", nil)
	m := next.FindStringSubmatch(first)
	if m == nil || !strings.Contains(m[1], "after=") || !strings.Contains(m[1], "severity=") {
		t.Fatalf("first page: no older link by cursor keeping the filter:\n%s", first)
	}
	resp, second := fetch(t, c, e.srv.URL+html.UnescapeString(m[1]), nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(second, `id="prev">← newest</a>`) {
		t.Fatalf("second page: %d, want a link to the newest:\n%s", resp.StatusCode, second)
	}
	seen := map[string]bool{}
	for _, r := range rows.FindAllStringSubmatch(first, -1) {
		seen[r[1]] = true
	}
	got := rows.FindAllStringSubmatch(second, -1)
	if len(seen) != 5 || len(got) == 0 {
		t.Fatalf("pages hold %d and %d incidents", len(seen), len(got))
	}
	for _, r := range got {
		if seen[r[1]] {
			t.Errorf("incident %s on both pages", r[1])
		}
	}
}
