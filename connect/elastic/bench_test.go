package elastic_test

import (
	"testing"

	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/connect/elastic"
	"github.com/debrief-dev/debrief/connect/internal/faketest"
)

const benchAlerts = 10000

// benchFeed is a feed of 10,000 alerts from a local fake of
// Elasticsearch, in pages of 1,000 hits (the default) through a PIT.
func benchFeed(b *testing.B) connect.Feed {
	f := newFakeES(b, benchAlerts, t0)
	client := &connect.Client{HTTP: faketest.Loopback, Auth: connect.APIKey("a2V5aWQ6c2VjcmV0")}
	return elastic.Alerts(elastic.Options{Client: client, BaseURL: f.srv.URL})
}

// BenchmarkPull pulls the alerts into a SQLite file.
func BenchmarkPull(b *testing.B) {
	faketest.BenchPull(b, benchFeed(b), benchAlerts)
}

// BenchmarkPullBaseline stores the same pages from memory.
func BenchmarkPullBaseline(b *testing.B) {
	faketest.BenchPullBaseline(b, benchFeed(b), benchAlerts)
}
