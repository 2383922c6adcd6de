package faketest

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/sqlite"
)

// BenchPull pulls feed into a new SQLite file each iteration and reports
// alerts/s end to end (requests, decoding, normalising, storing, the
// checkpoint after each group of pages). Each pull must store alerts new
// alerts.
func BenchPull(b *testing.B, feed connect.Feed, alerts int) {
	know := knowledge(b)
	ctx := context.Background()
	b.ReportAllocs()
	var stored int
	for i := 0; b.Loop(); i++ {
		st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("pull%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		res, err := connect.Pull(ctx, feed, connect.Options{Sink: &connect.Sink{Store: st, Knowledge: know}, Checkpoints: st})
		st.Close()
		if err != nil {
			b.Fatal(err)
		}
		if res.Written.AlertsNew != alerts {
			b.Fatalf("stored %d new alerts, want %d", res.Written.AlertsNew, alerts)
		}
		stored += res.Written.AlertsNew
	}
	b.ReportMetric(float64(stored)/b.Elapsed().Seconds(), "alerts/s")
}

// BenchPullBaseline is BenchPull's baseline: the pages of feed, fetched
// once before timing, decoded and stored from memory one after the other
// in transactions of about as many alerts as Pull groups (no HTTP, no
// fetching ahead, no checkpoints). The ratio of the two is what the
// network path and its pipelining cost or save.
func BenchPullBaseline(b *testing.B, feed connect.Feed, alerts int) {
	know := knowledge(b)
	ctx := context.Background()
	pages := Pages(b, feed)
	var size int64
	for _, p := range pages {
		size += int64(len(p))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	stored, runs := 0, 0
	for ; b.Loop(); runs++ {
		st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("base%d.db", runs)))
		if err != nil {
			b.Fatal(err)
		}
		sink := &connect.Sink{Store: st, Knowledge: know}
		var group connect.Batch
		flush := func() {
			res, err := sink.Commit(ctx, group, "group")
			if err != nil {
				b.Fatal(err)
			}
			stored += res.Written.AlertsNew
			group = connect.Batch{}
		}
		for j, p := range pages {
			batch, err := sink.Decode(ctx, feed.Decoder(), bytes.NewReader(p), fmt.Sprintf("page %d", j+1))
			if err != nil {
				b.Fatal(err)
			}
			group.Records = append(group.Records, batch.Records...)
			if group.Result.Alerts += batch.Result.Alerts; group.Result.Alerts >= 2000 {
				flush()
			}
		}
		flush()
		st.Close()
	}
	if want := alerts * runs; stored != want {
		b.Fatalf("stored %d new alerts, want %d", stored, want)
	}
	b.ReportMetric(float64(stored)/b.Elapsed().Seconds(), "alerts/s")
}

// Pages walks feed from its first page to its last and returns the
// bodies.
func Pages(tb testing.TB, feed connect.Feed) [][]byte {
	tb.Helper()
	cursor, err := feed.First(time.Time{})
	if err != nil {
		tb.Fatal(err)
	}
	var pages [][]byte
	for cursor != "" {
		p, err := feed.Fetch(context.Background(), cursor)
		if err != nil {
			tb.Fatal(err)
		}
		pages, cursor = append(pages, p.Body), p.Next
	}
	return pages
}

func knowledge(tb testing.TB) ingest.Knowledge {
	cat, err := attack.Embedded()
	if err != nil {
		tb.Fatal(err)
	}
	return ingest.Catalog(cat)
}
