package postgres

import (
	"context"

	"github.com/debrief-dev/debrief"
	"github.com/jackc/pgx/v5"
)

// IncidentsMultiQuery is how Incidents read a page before it became one
// statement: a read-only transaction, the page, then tags, alert ids and
// summaries in a query each. BenchmarkIncidentsBaseline measures it.
func (s *Store) IncidentsMultiQuery(ctx context.Context, f debrief.IncidentFilter) ([]debrief.Incident, error) {
	q := &query{args: []any{s.tenant}}
	where, err := q.incidentWhere(f)
	if err != nil {
		return nil, err
	}
	sqlText := `SELECT ` + incidentSelect + ` FROM incidents i WHERE i.tenant = $1` + where +
		` ORDER BY i.created DESC NULLS LAST, i.id DESC`
	if f.Limit > 0 {
		sqlText += ` LIMIT ` + q.arg(f.Limit)
	}
	var out []debrief.Incident
	err = s.readTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, sqlText, q.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			in, err := scanIncident(rows)
			if err != nil {
				return err
			}
			out = append(out, *in)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		return summarise(ctx, tx, s.tenant, out)
	})
	return out, err
}

// AlertStates is the lookup of a batch's stored alerts, for plans.
const AlertStates = alertStates

// WatchStats makes the store's pool check a tenant's statistics after
// first new rows (and then half as many again each time), from now on.
func (s *Store) WatchStats(first int64) {
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	s.stats.first = first
	for _, g := range s.stats.tenants {
		g.next = g.alerts + g.incidents + first
	}
}

// StatsChecks waits for the running check of the pool's statistics and
// tells how many ran, how many of them analysed, and the last one's error.
func (s *Store) StatsChecks() (checks, analysed int, err error) {
	s.stats.wg.Wait()
	s.stats.mu.Lock()
	defer s.stats.mu.Unlock()
	return s.stats.checks, s.stats.analyse, s.stats.lastErr
}

// PlannedRows is how many rows of table the planner expects the store's
// tenant to have.
func (s *Store) PlannedRows(ctx context.Context, table string) (float64, error) {
	return plannedRows(ctx, s.pool, table, s.tenant)
}

// UndoOwnLabels takes the schema back to before migration 0015 (the
// incidents' own techniques and tactics): 0012's and 0014's functions
// again, without the trigger and the columns, and 0015 not recorded, so
// that the next Open applies it to what the store holds.
func (s *Store) UndoOwnLabels(ctx context.Context) error {
	return s.writeTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DROP TRIGGER incidents_summary_own ON incidents; DROP FUNCTION incident_summary_own()`); err != nil {
			return err
		}
		for _, name := range []string{"migrations/0012_incident_summary_one_join.sql", "migrations/0014_grouped_write_summaries.sql"} {
			body, err := migrations.ReadFile(name)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, string(body)); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `ALTER TABLE incidents DROP COLUMN own_techniques, DROP COLUMN own_tactics;
			DELETE FROM schema_migrations WHERE version = '0015_incident_own_labels'`)
		return err
	})
}
