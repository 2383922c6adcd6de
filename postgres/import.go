package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/jackc/pgx/v5"
)

// importTable is a table of the SQLite store and the columns it shares
// with this schema (all but the tenant and the identity columns, whose
// order the ORDER BY keeps).
type importTable struct {
	name, columns, order string
}

var importTables = []importTable{
	{"incidents", incidentColumns, "id"},
	{"incident_tags", "incident_id, ord, tag", "incident_id, ord"},
	{"comments", "incident_id, at, author, body", "incident_id, at, author, body"},
	{"alerts", "id, " + contentColumns + ", partial_entities, hash, sort_at, partial, raw", "pk"},
	{"incident_alerts", "incident_id, alert_id, origin", "incident_id, alert_id"},
	{"versions", "kind, subject_id, hash, seq, sort_at, updated, status, assignee, verdict, severity, determination",
		"kind, subject_id, hash"},
	{"history", "kind, subject_id, at, field, from_value, to_value, changed_by, origin",
		"kind, subject_id, at, field, from_value, to_value"},
	{"raw_records", "kind, subject_id, hash, raw", "id"},
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
// versions, partial entities and link origins arrive as they were. The
// tenant must hold no incidents or alerts yet.
func (s *Store) ImportSQLite(ctx context.Context, src Source) (map[string]int64, error) {
	counts := map[string]int64{}
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		var n int64
		if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM incidents WHERE tenant = $1)
			+ (SELECT count(*) FROM alerts WHERE tenant = $1)`, s.tenant).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return debrief.Errorf(debrief.EINVALID, "tenant %q already holds %d incidents and alerts: import into an empty one", s.tenant, n)
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
	return counts, nil
}

func (s *Store) importTable(ctx context.Context, tx pgx.Tx, src Source, t importTable) (int64, error) {
	cols := strings.Split(t.columns, ", ")
	rows, err := src.QueryContext(ctx, `SELECT `+t.columns+` FROM `+t.name+` ORDER BY `+t.order)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	partial := -1 // alerts.partial: an integer there, a boolean here
	for i, c := range cols {
		if t.name == "alerts" && c == "partial" {
			partial = i
		}
	}
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
				if i == partial {
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
