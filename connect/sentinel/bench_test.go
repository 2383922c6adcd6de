package sentinel_test

import (
	"testing"

	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/connect/internal/faketest"
	"github.com/debrief-dev/debrief/connect/sentinel"
)

const benchIncidents, benchAlertsPer = 2000, 5

// benchFeed is a feed of 2,000 incidents of 5 alerts from a local fake
// of the SecurityInsights API, in pages of 50 incidents, each page's
// alerts fetched 4 incidents at a time (the defaults).
func benchFeed(b *testing.B) connect.Feed {
	f := newFakeSentinel(b, benchIncidents, benchAlertsPer, t0)
	client := &connect.Client{HTTP: faketest.Loopback, Auth: faketest.AzureAuth(f.srv, sentinel.Scope)}
	return sentinel.Incidents(sentinel.Options{Client: client, BaseURL: f.srv.URL, Subscription: "sub-1", ResourceGroup: "rg-soc", Workspace: "law-soc"})
}

// BenchmarkPull pulls the incidents and their alerts into a SQLite file.
func BenchmarkPull(b *testing.B) {
	faketest.BenchPull(b, benchFeed(b), benchIncidents*benchAlertsPer)
}

// BenchmarkPullBaseline stores the same pages from memory.
func BenchmarkPullBaseline(b *testing.B) {
	faketest.BenchPullBaseline(b, benchFeed(b), benchIncidents*benchAlertsPer)
}
