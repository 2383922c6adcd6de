package postgres_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/postgres"
	"github.com/jackc/pgx/v5"
)

// TestStatsNewTenant writes a tenant into a schema ANALYZE saw before it
// came: the planner expects one row of it, and looks its alerts up by
// reading the whole tenant through alerts_created. Once the tenant's new
// rows pass the store's threshold, the store checks the estimate and
// analyses, and the lookup probes the primary key; the next check finds
// the statistics fresh and does not analyse again.
func TestStatsNewTenant(t *testing.T) {
	dsn := freshSchema(t)
	big := openStore(t, dsn, "big")
	defer big.Close()
	big.WatchStats(1 << 40) // off
	// Autovacuum would analyse tables this small on its own at any moment.
	execSQL(t, dsn, `ALTER TABLE alerts SET (autovacuum_enabled = false);
		ALTER TABLE incidents SET (autovacuum_enabled = false)`)
	writeAlerts(t, big, 0, 6000)
	execSQL(t, dsn, `ANALYZE alerts, incidents`) // as autovacuum would have, before the new tenant came
	fresh, err := big.ForTenant("fresh")
	if err != nil {
		t.Fatal(err)
	}
	writeAlerts(t, fresh, 100000, 2000)
	ids := make([]string, 200)
	for i := range ids {
		ids[i] = benchAlert(100000 + 10*i).ID
	}
	if est := plannedRows(t, fresh); est > 10 {
		t.Fatalf("before: the planner expects %v rows of the new tenant: the test needs statistics that do not know it", est)
	}
	if ix := lookupIndex(t, dsn, ids); ix != "alerts_created" {
		t.Logf("before: the lookup uses %s (alerts_created expected on PostgreSQL 15)", ix)
	}

	big.WatchStats(1000)
	writeAlerts(t, fresh, 102000, 1000) // 3,000 rows, the planner expects one
	if checks, analysed, err := big.StatsChecks(); checks != 1 || analysed != 1 || err != nil {
		t.Fatalf("after the threshold: %d checks, %d analysed, error %v; want one, analysed", checks, analysed, err)
	}
	if est := plannedRows(t, fresh); est < 1500 {
		t.Errorf("after: the planner expects %v rows of the new tenant's 3,000", est)
	}
	if ix := lookupIndex(t, dsn, ids); ix != "alerts_pkey" {
		t.Errorf("after: the lookup uses %s, want alerts_pkey", ix)
	}

	writeAlerts(t, fresh, 103000, 2000) // next check at 3,000 + 1,500: the estimate holds
	if checks, analysed, err := big.StatsChecks(); checks != 2 || analysed != 1 || err != nil {
		t.Errorf("second check: %d checks, %d analysed, error %v; want two, one analysed", checks, analysed, err)
	}
}

// TestStatsCloseWaits closes a store right after the write that starts a
// check: Close lets it finish, and the statistics know the tenant.
func TestStatsCloseWaits(t *testing.T) {
	dsn := freshSchema(t)
	s := openStore(t, dsn, "new")
	execSQL(t, dsn, `ALTER TABLE alerts SET (autovacuum_enabled = false)`)
	s.WatchStats(500)
	writeAlerts(t, s, 0, 1000)
	s.Close()
	other := openStore(t, dsn, "new")
	defer other.Close()
	if est := plannedRows(t, other); est < 500 {
		t.Errorf("after Close: the planner expects %v of the tenant's 1,000 rows", est)
	}
}

func writeAlerts(t *testing.T, s *postgres.Store, from, n int) {
	t.Helper()
	for lo := from; lo < from+n; lo += 1000 {
		recs := make([]debrief.Record, 0, 1000)
		for i := lo; i < min(lo+1000, from+n); i++ {
			a := benchAlert(i)
			a.Raw = nil
			recs = append(recs, debrief.Record{Alert: &a})
		}
		if _, err := s.Write(context.Background(), recs); err != nil {
			t.Fatal(err)
		}
	}
}

func plannedRows(t *testing.T, s *postgres.Store) float64 {
	t.Helper()
	est, err := s.PlannedRows(context.Background(), "alerts")
	if err != nil {
		t.Fatal(err)
	}
	return est
}

// lookupIndex is the index the plan of a batch's alert lookup in tenant
// "fresh" scans.
func lookupIndex(t *testing.T, dsn string, ids []string) string {
	t.Helper()
	var plan []byte
	withConn(t, dsn, func(c *pgx.Conn) error {
		return c.QueryRow(context.Background(), `EXPLAIN (FORMAT JSON) `+postgres.AlertStates, "fresh", ids).Scan(&plan)
	})
	var out []struct {
		Plan struct {
			Index string `json:"Index Name"`
			Type  string `json:"Node Type"`
		}
	}
	if err := json.Unmarshal(plan, &out); err != nil || len(out) != 1 {
		t.Fatalf("plan %s: %v", plan, err)
	}
	if out[0].Plan.Index == "" {
		return out[0].Plan.Type
	}
	return out[0].Plan.Index
}

func execSQL(t *testing.T, dsn, text string) {
	t.Helper()
	withConn(t, dsn, func(c *pgx.Conn) error {
		_, err := c.Exec(context.Background(), text)
		return err
	})
}

func withConn(t *testing.T, dsn string, fn func(*pgx.Conn) error) {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if err := fn(c); err != nil {
		t.Fatal(err)
	}
}
