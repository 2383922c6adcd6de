package server_test

import (
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/server"
)

// BenchmarkAPI measures requests over loopback against a simulated history
// (about 900 incidents): the first page of the incident list, and the JSON
// review of one incident.
func BenchmarkAPI(b *testing.B) {
	e, _ := ingested(b, func(c *server.Config) { c.Rate, c.Burst = 1e9, 1e9 })
	var page server.IncidentPage
	e.getJSON(b, "/api/v1/incidents?limit=1", &page)
	id := url.PathEscape(page.Incidents[0].ID)
	for _, bc := range []struct{ name, path string }{
		{"list100", "/api/v1/incidents?limit=100"},
		{"review-json", "/api/v1/incidents/" + id + "/review"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					get(b, e, bc.path)
				}
			})
		})
	}
}

func get(b *testing.B, e *env, path string) {
	req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+e.tokens[debrief.RoleViewer])
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		b.Error(err)
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b.Errorf("GET %s: %d", path, resp.StatusCode)
	}
}
