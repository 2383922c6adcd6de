package graph_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/connect/graph"
	"github.com/debrief-dev/debrief/connect/internal/faketest"
)

// benchFeed is a feed of 2,000 incidents of 5 alerts (pages of 50, as
// Graph serves them) from a local server of pages rendered beforehand.
func benchFeed(b *testing.B) (connect.Feed, int) {
	const incidents, per, top = 2000, 5, 50
	pages, _ := benchPages(incidents, per, top)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, _ := strconv.Atoi(r.URL.Query().Get("$skiptoken"))
		body := strings.ReplaceAll(pages[i], "BASE", "http://"+r.Host)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	}))
	b.Cleanup(srv.Close)
	return graph.Incidents(graph.Options{Client: &connect.Client{HTTP: faketest.Loopback}, BaseURL: srv.URL + "/v1.0", PageSize: top}), incidents * per
}

// BenchmarkPull pulls the incidents into a SQLite file.
func BenchmarkPull(b *testing.B) {
	feed, alerts := benchFeed(b)
	faketest.BenchPull(b, feed, alerts)
}

// BenchmarkPullBaseline stores the same pages from memory.
func BenchmarkPullBaseline(b *testing.B) {
	feed, alerts := benchFeed(b)
	faketest.BenchPullBaseline(b, feed, alerts)
}

// benchPages renders the pages of the benchmark; BASE stands for the
// server's address in next links.
func benchPages(n, per, top int) ([]string, int64) {
	var pages []string
	var size int64
	for skip := 0; skip < n; skip += top {
		var parts []string
		for i := skip; i < min(skip+top, n); i++ {
			parts = append(parts, incidentJSON(incident{id: strconv.Itoa(100000 + i), updated: t0.Add(time.Duration(i) * time.Second), alerts: per}))
		}
		next := ""
		if skip+top < n {
			next = `,"@odata.nextLink":"BASE/v1.0/security/incidents?$skiptoken=` + strconv.Itoa(skip+top) + `"`
		}
		p := `{"value":[` + strings.Join(parts, ",") + `]` + next + `}`
		pages = append(pages, p)
		size += int64(len(p))
	}
	// pages are looked up by skip token: index them by offset.
	byOffset := make([]string, n)
	for i, p := range pages {
		byOffset[i*top] = p
	}
	return byOffset, size
}
