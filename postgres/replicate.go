package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/jackc/pgx/v5"
)

// replicaMark separates an id from the number of its copy: "graph:123#r7".
const replicaMark = "#r"

// replicaTables are the tables Replicate copies, with the columns that
// hold ids of incidents or alerts and those that hold times. A table's
// other columns are copied as they are; identity columns are numbered
// anew.
var replicaTables = []struct {
	name  string
	ids   []string
	times []string
}{
	{"incidents", []string{"id", "source_id", "redirect_to"}, []string{"first_activity", "first_alert", "created",
		"first_triage", "contained", "resolved", "last_activity", "updated", "sort_at"}},
	{"incident_tags", []string{"incident_id"}, nil},
	{"comments", []string{"incident_id"}, []string{"at"}},
	{"alerts", []string{"id", "source_id", "incident_id"}, []string{"first_activity", "last_activity", "created",
		"updated", "resolved", "sort_at"}},
	{"incident_alerts", []string{"incident_id", "alert_id"}, nil},
	{"versions", []string{"subject_id"}, []string{"sort_at", "updated"}},
	{"history", []string{"subject_id"}, []string{"at"}},
	{"raw_records", []string{"subject_id"}, nil},
}

// Replicate multiplies the store's tenant for load tests and capacity
// planning: it adds copies copies of every incident and alert the tenant
// holds (with their tags, comments, links, versions, history and raw
// records), the k-th copy's ids marked "#r<k>" and its times moved back
// by k×shift. It runs inside the database (INSERT … SELECT over
// generate_series, one transaction under the tenant's write lock), so a
// history of ten thousand incidents becomes a million in a few minutes,
// with the same shape as the original. Copies are never copied again:
// calling it twice adds copies of the originals only, and fails on the
// ids the first call made. It returns the incidents the tenant holds
// after it.
func (s *Store) Replicate(ctx context.Context, copies int, shift time.Duration) (int64, error) {
	if copies < 1 || shift < 0 {
		return 0, debrief.Errorf(debrief.EINVALID, "replicate: copies %d must be positive and shift %s not negative", copies, shift)
	}
	var n int64
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		for _, t := range replicaTables {
			cols, err := tableColumns(ctx, tx, t.name)
			if err != nil {
				return err
			}
			sql := replicaInsert(t.name, cols, t.ids, t.times)
			if _, err := tx.Exec(ctx, sql, s.tenant, copies, shift.Nanoseconds()); err != nil {
				return fmt.Errorf("%s: %w", t.name, err)
			}
		}
		if _, err := tx.Exec(ctx, `ANALYZE incidents, incident_alerts, alerts, incident_tags`); err != nil {
			return fmt.Errorf("analyze: %w", err)
		}
		return tx.QueryRow(ctx, `SELECT count(*) FROM incidents WHERE tenant = $1`, s.tenant).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("replicate: %w", err)
	}
	return n, nil
}

// tableColumns lists a table's columns other than identity ones, in order.
func tableColumns(ctx context.Context, q querier, table string) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 AND is_identity = 'NO'
		ORDER BY ordinal_position`, table)
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", table, err)
	}
	cols, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", table, err)
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("table %s has no columns", table)
	}
	return cols, nil
}

// replicaInsert is the statement that copies table's rows of tenant $1,
// $2 times, moving its times back by k×$3 nanoseconds ($1, $2, $3 are
// tenant, copies and shift). Unknown times (NULL, or 0 in keys) stay so.
func replicaInsert(table string, cols, ids, times []string) string {
	idSet, timeSet := set(ids), set(times)
	sel := make([]string, len(cols))
	for i, c := range cols {
		q := `"` + c + `"`
		switch {
		case idSet[c]:
			sel[i] = q + ` || '` + replicaMark + `' || k`
		case timeSet[c]:
			sel[i] = `CASE WHEN coalesce(` + q + `, 0) = 0 THEN ` + q + ` ELSE ` + q + ` - k * $3::bigint END`
		default:
			sel[i] = q
		}
	}
	keyCol := ids[0]
	return `INSERT INTO ` + table + ` ("` + strings.Join(cols, `", "`) + `") SELECT ` + strings.Join(sel, ", ") +
		` FROM ` + table + `, generate_series(1, $2::int) k WHERE tenant = $1 AND strpos("` + keyCol + `", '` +
		replicaMark + `') = 0 AND $3::bigint >= 0` // every statement takes the three arguments
}

func set(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// ReplicaID is the id Replicate gives the k-th copy of id.
func ReplicaID(id string, k int) string { return id + replicaMark + strconv.Itoa(k) }
