package graph_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/connect/graph"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/sqlite"
)

// BenchmarkPull pulls 2,000 incidents of 5 alerts (pages of 50, as Graph
// serves them) from a local server into a SQLite file.
func BenchmarkPull(b *testing.B) {
	const incidents, per, top = 2000, 5, 50
	pages, size := benchPages(incidents, per, top)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i, _ := strconv.Atoi(r.URL.Query().Get("$skiptoken"))
		body := strings.ReplaceAll(pages[i], "BASE", "http://"+r.Host)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	}))
	defer srv.Close()
	cat, err := attack.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.SetBytes(size)
	var alerts int
	for i := 0; b.Loop(); i++ {
		st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("pull%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		feed := graph.Incidents(graph.Options{Client: &connect.Client{}, BaseURL: srv.URL + "/v1.0", PageSize: top})
		res, err := connect.Pull(ctx, feed, connect.Options{Sink: &connect.Sink{Store: st, Knowledge: ingest.Catalog(cat)}, Checkpoints: st})
		if err != nil {
			b.Fatal(err)
		}
		if res.Written.AlertsNew != incidents*per {
			b.Fatalf("stored %d alerts, want %d", res.Written.AlertsNew, incidents*per)
		}
		alerts += res.Alerts
		st.Close()
	}
	b.ReportMetric(float64(alerts)/b.Elapsed().Seconds(), "alerts/s")
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
