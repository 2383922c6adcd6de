package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The planner knows a tenant by the most common values that ANALYZE
// sampled from each table's tenant column. A tenant that arrived after the
// last ANALYZE is not among them, and the planner takes it for one row: the
// lookup of a batch's alerts (tenant = $1 AND id = ANY($2)) then reads every
// row of the tenant through alerts_created, filtering, instead of probing
// the primary key. Autovacuum analyses a table only after a tenth of it
// changed, which on a large shared table is a tenant of a million rows.
//
// So a Store watches what it writes. When the new rows it has given a
// tenant reach a threshold (checkFirst, then half as many again each time),
// it asks the planner in the background how many rows it expects of the
// tenant in alerts and incidents. Rows this process wrote are a lower bound
// of what is there; an estimate below half of it is stale, and the tables
// a tenant's lookups plan on are analysed (ANALYZE samples a fixed number
// of rows, so its cost does not grow with the table). A tenant growing to
// n rows is analysed about log2(n/checkFirst) times at most. A check that
// fails (the role may not own the tables: ANALYZE then skips them with a
// warning) is done again at the tenant's next threshold; autovacuum still
// analyses as it always did.

// Watch thresholds and bounds.
const (
	checkFirst     = 5000             // new rows of a tenant before its first check
	analyzeTimeout = time.Minute      // the longest a check and its ANALYZE may run
	closeGrace     = 5 * time.Second  // how long Close lets a running ANALYZE finish
	checkTimeout   = 10 * time.Second // the planner's estimates (two EXPLAINs)
)

// analyzedTables are the tables whose lookups by tenant have more than one
// index to choose from, or that the lookups join (versions).
const analyzedTables = `incidents, alerts, incident_alerts, versions, raw_records`

// statsWatch counts the rows the stores of one pool add to each tenant and
// runs the checks, one at a time, in the background.
type statsWatch struct {
	mu      sync.Mutex
	tenants map[string]*growth
	first   int64 // checkFirst, or a test's
	busy    bool  // a check runs
	closed  bool
	wg      sync.WaitGroup
	ctx     context.Context // cancelled by close, after closeGrace
	cancel  context.CancelFunc
	checks  int // checks done, for tests
	analyse int // of which ANALYZE ran
	lastErr error
}

// growth is what this process has added to one tenant.
type growth struct {
	alerts, incidents int64
	next              int64 // check when alerts+incidents reach it
}

func newStatsWatch() *statsWatch {
	ctx, cancel := context.WithCancel(context.Background())
	return &statsWatch{tenants: map[string]*growth{}, first: checkFirst, ctx: ctx, cancel: cancel}
}

// grew records the new rows of a write to tenant and starts a check when
// they reach the tenant's threshold and no other check runs (the next
// write tries again then). It never waits for the database.
func (w *statsWatch) grew(pool *pgxpool.Pool, tenant string, res debrief.WriteResult) {
	if res.AlertsNew+res.IncidentsNew == 0 {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	g := w.tenants[tenant]
	if g == nil {
		g = &growth{next: w.first}
		w.tenants[tenant] = g
	}
	g.alerts += int64(res.AlertsNew)
	g.incidents += int64(res.IncidentsNew)
	total := g.alerts + g.incidents
	if total < g.next || w.busy || w.closed {
		return
	}
	g.next = total + max(w.first, total/2)
	w.busy = true
	w.wg.Add(1)
	go w.run(pool, tenant, *g)
}

// run is one check in the background.
func (w *statsWatch) run(pool *pgxpool.Pool, tenant string, g growth) {
	defer w.wg.Done()
	ctx, cancel := context.WithTimeout(w.ctx, analyzeTimeout)
	defer cancel()
	analysed, err := check(ctx, pool, tenant, g)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.busy = false
	w.checks++
	if analysed {
		w.analyse++
	}
	w.lastErr = err
}

// close stops new checks and waits for a running one: closeGrace, then
// it is cancelled.
func (w *statsWatch) close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	done := make(chan struct{})
	go func() { w.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(closeGrace):
		w.cancel()
		<-done
	}
	w.cancel()
}

// check analyses the tenant's tables when the planner expects fewer than
// half the rows g says are there, and tells whether it did.
func check(ctx context.Context, pool *pgxpool.Pool, tenant string, g growth) (bool, error) {
	stale, err := staleStats(ctx, pool, tenant, g)
	if err != nil || !stale {
		return false, err
	}
	if _, err := pool.Exec(ctx, `ANALYZE `+analyzedTables); err != nil {
		return false, fmt.Errorf("analyze: %w", err)
	}
	return true, nil
}

// staleStats tells whether the planner expects fewer than half of the rows
// g knows the tenant has in alerts or incidents.
func staleStats(ctx context.Context, pool *pgxpool.Pool, tenant string, g growth) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, checkTimeout)
	defer cancel()
	for _, t := range []struct {
		table string
		rows  int64
	}{{"alerts", g.alerts}, {"incidents", g.incidents}} {
		if t.rows == 0 {
			continue
		}
		est, err := plannedRows(ctx, pool, t.table, tenant)
		if err != nil {
			return false, err
		}
		if 2*est < float64(t.rows) {
			return true, nil
		}
	}
	return false, nil
}

// plannedRows is how many rows of table the planner expects the tenant to
// have.
func plannedRows(ctx context.Context, pool *pgxpool.Pool, table, tenant string) (float64, error) {
	var plan []byte
	if err := pool.QueryRow(ctx, `EXPLAIN (FORMAT JSON) SELECT 1 FROM `+table+` WHERE tenant = $1`,
		tenant).Scan(&plan); err != nil {
		return 0, fmt.Errorf("estimate %s: %w", table, err)
	}
	var out []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		}
	}
	if err := json.Unmarshal(plan, &out); err != nil || len(out) != 1 {
		return 0, fmt.Errorf("estimate %s: want a JSON plan, got %.100q", table, plan)
	}
	return out[0].Plan.Rows, nil
}
