package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/jackc/pgx/v5"
)

// importTable is a table of the SQLite store and the columns it shares
// with this schema (all but the tenant and the identity columns, whose
// order the ORDER BY keeps). bool names a column that is an integer there
// and a boolean here.
type importTable struct {
	name, columns, order, bool string
}

var importTables = []importTable{
	{"incidents", incidentColumns, "id", ""},
	{"incident_tags", "incident_id, ord, tag", "incident_id, ord", ""},
	{"comments", "incident_id, at, author, body", "incident_id, at, author, body", ""},
	{"alerts", "id, " + contentColumns + ", partial_entities, hash, sort_at, partial, raw", "pk", "partial"},
	{"incident_alerts", "incident_id, alert_id, origin", "incident_id, alert_id", ""},
	{"versions", "kind, subject_id, hash, seq, sort_at, updated, status, assignee, verdict, severity, determination",
		"kind, subject_id, hash", ""},
	{"history", "kind, subject_id, at, field, from_value, to_value, changed_by, origin",
		"kind, subject_id, at, field, from_value, to_value", ""},
	{"raw_records", "kind, subject_id, hash, raw", "id", ""},
	{"playbook_runs", runColumns + ", source", "id", "live"},
	{"playbook_steps", "run_id, key, ord, kind, status, idempotency_key, attempts, plan, result, error, approved_by, " +
		"approved_at, deadline, updated", "run_id, key", ""},
	{"checkpoints", "name, value, updated_at", "name", ""},
	{"tokens", tokenColumns, "id", ""},
}

// ImportTables is the list of tables ImportSQLite copies, in order.
func ImportTables() []string {
	out := make([]string, len(importTables))
	for i, t := range importTables {
		out[i] = t.name
	}
	return out
}

// Source is what ImportSQLite reads from: a *sql.DB or, for one consistent
// snapshot, a *sql.Tx.
type Source interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// ImportSQLite copies every row of a debrief SQLite store into this store's
// tenant, in one transaction, and returns the rows copied per table. src
// reads the SQLite file through database/sql (driver "sqlite", which the
// sqlite package registers) after sqlite.Open brought its schema up to
// date. The two schemas hold the same values (see migrations/0001_init.sql),
// so nothing is re-derived: versions, derived history, raw records of old
// versions, partial entities and link origins arrive as they were, and so
// do playbook runs and steps, checkpoints and API tokens. The tenant must
// hold none of these yet. Like Write, a large import starts a check of the
// planner's statistics of the tenant in the background.
func (s *Store) ImportSQLite(ctx context.Context, src Source) (map[string]int64, error) {
	counts := map[string]int64{}
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		if err := s.wantEmpty(ctx, tx); err != nil {
			return err
		}
		for _, t := range importTables {
			c, err := s.importTable(ctx, tx, src, t)
			if err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			counts[t.name] = c
		}
		return nil
	})
	if err != nil {
		if debrief.ErrorCode(err) == debrief.EINVALID {
			return nil, err
		}
		return nil, fmt.Errorf("import: %w", err)
	}
	// The tenant is new to the planner's statistics, as after a Write.
	s.stats.grew(s.pool, s.tenant, debrief.WriteResult{
		IncidentsNew: int(counts["incidents"]), AlertsNew: int(counts["alerts"])})
	return counts, nil
}

// wantEmpty is an EINVALID error when the tenant holds rows in a table
// ImportSQLite fills.
func (s *Store) wantEmpty(ctx context.Context, tx pgx.Tx) error {
	for _, t := range importTables {
		var n int64
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+t.name+` WHERE tenant = $1`, s.tenant).Scan(&n); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		if n > 0 {
			return debrief.Errorf(debrief.EINVALID, "tenant %q already holds %d rows in %s: import into an empty one",
				s.tenant, n, t.name)
		}
	}
	return nil
}

func (s *Store) importTable(ctx context.Context, tx pgx.Tx, src Source, t importTable) (int64, error) {
	cols := strings.Split(t.columns, ", ")
	rows, err := src.QueryContext(ctx, `SELECT `+t.columns+` FROM `+t.name+` ORDER BY `+t.order)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	boolean := slices.Index(cols, t.bool) // -1 when t.bool is ""
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, append([]string{"tenant"}, cols...),
		pgx.CopyFromFunc(func() ([]any, error) {
			if !rows.Next() {
				return nil, rows.Err()
			}
			if err := rows.Scan(ptrs...); err != nil {
				return nil, err
			}
			row := make([]any, 0, len(cols)+1)
			row = append(row, s.tenant)
			for i, v := range vals {
				if i == boolean {
					n, _ := v.(int64)
					v = n != 0
				}
				row = append(row, v)
			}
			return row, nil
		}))
	if err != nil {
		return 0, err
	}
	return n, rows.Close()
}

// Count returns the rows this store's tenant has in each table that
// ImportSQLite fills.
func (s *Store) Count(ctx context.Context) (map[string]int64, error) {
	counts := map[string]int64{}
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		for _, t := range importTables {
			var n int64
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM `+t.name+` WHERE tenant = $1`, s.tenant).Scan(&n); err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
			counts[t.name] = n
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count rows: %w", err)
	}
	return counts, nil
}
