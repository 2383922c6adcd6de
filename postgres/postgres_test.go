package postgres_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/postgres"
	"github.com/debrief-dev/debrief/storetest"
	"github.com/jackc/pgx/v5"
)

// testDSN returns the server the tests use, or skips the test.
func testDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv("DEBRIEF_TEST_POSTGRES")
	if dsn == "" {
		tb.Skip("DEBRIEF_TEST_POSTGRES is unset: set it to a PostgreSQL DSN (e.g. postgres://postgres@localhost:5432/postgres) to run the PostgreSQL store tests; .ci/run starts a throwaway server")
	}
	return dsn
}

var schemas atomic.Int64

// freshSchema creates an empty schema, dropped when the test ends, and
// returns a DSN whose search_path is that schema.
func freshSchema(tb testing.TB) string {
	tb.Helper()
	dsn := testDSN(tb)
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		tb.Fatalf("connect to DEBRIEF_TEST_POSTGRES: %v", err)
	}
	defer c.Close(ctx)
	name := fmt.Sprintf("debrief_test_%d_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6, schemas.Add(1))
	if _, err := c.Exec(ctx, `CREATE SCHEMA `+name); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			tb.Errorf("connect to drop schema %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, `DROP SCHEMA `+name+` CASCADE`); err != nil {
			tb.Errorf("drop schema %s: %v", name, err)
		}
	})
	return withParam(dsn, "search_path", name)
}

// withParam adds a run-time parameter to a URL or key=value DSN.
func withParam(dsn, key, value string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		return dsn + sep + key + "=" + value
	}
	return dsn + " " + key + "=" + value
}

func openStore(tb testing.TB, dsn, tenant string) *postgres.Store {
	tb.Helper()
	s, err := postgres.OpenTenant(context.Background(), dsn, tenant)
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) debrief.Store {
		return openStore(t, freshSchema(t), postgres.DefaultTenant)
	})
}

// TestStoreTenants runs the suite with every store a tenant of its own in
// one schema: tenants must not see each other's data.
func TestStoreTenants(t *testing.T) {
	dsn := freshSchema(t)
	var n atomic.Int64
	storetest.Run(t, func(t *testing.T) debrief.Store {
		return openStore(t, dsn, fmt.Sprintf("customer-%d", n.Add(1)))
	})
}

// TestNUL writes strings with NUL characters, which PostgreSQL cannot hold:
// they are stored as U+FFFD, and the record stays unchanged on re-ingest.
func TestNUL(t *testing.T) {
	s := openStore(t, freshSchema(t), postgres.DefaultTenant)
	defer s.Close()
	ctx := context.Background()
	a := debrief.Alert{ID: "wazuh:1", Source: debrief.SourceWazuh, SourceID: "1", Title: "bad\x00title",
		Created:  time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Entities: []debrief.Entity{{Kind: debrief.EntityFile, ID: "c:\\x\x00.exe"}}}
	for i, want := range []debrief.WriteResult{{AlertsNew: 1}, {AlertsUnchanged: 1}} {
		res, err := s.Write(ctx, []debrief.Record{{Alert: &a}})
		if err != nil {
			t.Fatalf("write %d: %v", i+1, err)
		}
		if res != want {
			t.Errorf("write %d: %+v, want %+v", i+1, res, want)
		}
	}
	got, err := s.Alert(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "bad\uFFFDtitle" || len(got.Entities) != 1 || got.Entities[0].ID != "c:\\x\uFFFD.exe" {
		t.Errorf("read back title %q, entities %+v", got.Title, got.Entities)
	}
}

// TestConcurrentWriters writes overlapping batches from several stores on
// one tenant at once: each alert is new exactly once.
func TestConcurrentWriters(t *testing.T) {
	dsn := freshSchema(t)
	const writers, perBatch = 4, 300
	errs := make(chan error, writers)
	results := make(chan debrief.WriteResult, writers)
	for w := range writers {
		go func() {
			s, err := postgres.Open(context.Background(), dsn)
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			recs := make([]debrief.Record, perBatch)
			for i := range recs {
				a := benchAlert(w*perBatch/2 + i) // half of each batch is also the next writer's
				recs[i] = debrief.Record{Alert: &a}
			}
			res, err := s.Write(context.Background(), recs)
			errs <- err
			results <- res
		}()
	}
	var sum debrief.WriteResult
	for range writers {
		if err := <-errs; err != nil {
			t.Fatalf("write: %v", err)
		}
		sum.Add(<-results)
	}
	if distinct := (writers + 1) * perBatch / 2; sum.AlertsNew != distinct || sum.AlertsUnchanged != writers*perBatch-distinct {
		t.Errorf("results %+v, want %d new and the rest unchanged", sum, distinct)
	}
}
