package defender_test

import (
	"testing"
	"time"

	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/connect/defender"
	"github.com/debrief-dev/debrief/connect/internal/faketest"
)

const benchIncidents, benchAlertsPer = 2000, 5

// benchFeed is a feed of 2,000 incidents of 5 alerts from a local fake
// of the incidents API, in pages of 100 (the API's largest).
func benchFeed(b *testing.B) connect.Feed {
	f := newFakeDefender(b, benchIncidents, benchAlertsPer, t0)
	client := &connect.Client{HTTP: faketest.Loopback, Auth: faketest.AzureAuth(f.srv, defender.Scope)}
	return defender.Incidents(defender.Options{Client: client, BaseURL: f.srv.URL, Now: func() time.Time { return t0.Add(30 * 24 * time.Hour) }})
}

// BenchmarkPull pulls the incidents into a SQLite file.
func BenchmarkPull(b *testing.B) {
	faketest.BenchPull(b, benchFeed(b), benchIncidents*benchAlertsPer)
}

// BenchmarkPullBaseline stores the same pages from memory.
func BenchmarkPullBaseline(b *testing.B) {
	faketest.BenchPullBaseline(b, benchFeed(b), benchIncidents*benchAlertsPer)
}
