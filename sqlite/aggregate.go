package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/debrief-dev/debrief"
)

var _ debrief.AggregateStore = (*Store)(nil)

// nanosPerDay is a UTC day in the unit of the time columns.
const nanosPerDay = int64(24 * time.Hour)

// dayOf is the SQL for the UTC day number (days since 1970-01-01, rounded
// down) of a time column in unix nanoseconds.
func dayOf(col string) string {
	return fmt.Sprintf("(%[1]s / %[2]d - (%[1]s < 0 AND %[1]s %% %[2]d != 0))", col, nanosPerDay)
}

// parentOf is the SQL for the parent technique id of a technique id.
func parentOf(col string) string {
	return fmt.Sprintf("CASE WHEN instr(%[1]s, '.') > 0 THEN substr(%[1]s, 1, instr(%[1]s, '.') - 1) ELSE %[1]s END", col)
}

// keyedQuery returns the common table expressions, after inc (the
// matching incidents: iid, created, source, severity, verdict), that
// define keyed (iid, created, key): each incident once per key of by.
func keyedQuery(by debrief.CountKey) (string, error) {
	const linked = ` FROM inc JOIN incident_alerts ia ON ia.incident_id = inc.iid JOIN alerts a ON a.id = ia.alert_id`
	switch by {
	case debrief.CountTechnique:
		return `keyed AS (SELECT DISTINCT inc.iid, inc.created, ` + parentOf("t.value") + ` AS key` + linked +
			`, json_each(a.technique_ids) t)`, nil
	case debrief.CountSubTechnique:
		return `it AS (SELECT DISTINCT inc.iid, inc.created, t.value AS tid` + linked + `, json_each(a.technique_ids) t),
			keyed AS (SELECT iid, created, tid AS key FROM it WHERE instr(tid, '.') > 0
				UNION ALL
				SELECT iid, min(created), min(tid) FROM it GROUP BY iid, ` + parentOf("tid") + `
				HAVING max(instr(tid, '.')) = 0)`, nil
	case debrief.CountTactic:
		return `keyed AS (SELECT DISTINCT inc.iid, inc.created, t.value AS key` + linked + `, json_each(a.all_tactics) t)`, nil
	case debrief.CountSource:
		return `keyed AS (SELECT iid, created, source AS key FROM inc)`, nil
	case debrief.CountSeverity:
		return `keyed AS (SELECT iid, created, coalesce(nullif(severity, ''), 'unknown') AS key FROM inc)`, nil
	case debrief.CountVerdict:
		return `keyed AS (SELECT iid, created, coalesce(nullif(verdict, ''), 'undetermined') AS key FROM inc)`, nil
	}
	return "", debrief.Errorf(debrief.EINVALID, "daily counts by %q: want technique, subtechnique, tactic, source, severity or verdict", by)
}

// DailyCounts counts the incidents matching f per key of by and UTC day,
// in one query (see debrief.AggregateStore).
func (s *Store) DailyCounts(ctx context.Context, f debrief.IncidentFilter, by debrief.CountKey, fn func(debrief.DayCount) error) error {
	f.Limit, f.Offset = 0, 0
	where, args, err := incidentWhere(f)
	if err != nil {
		return err
	}
	keyed, err := keyedQuery(by)
	if err != nil {
		return err
	}
	if where == "" {
		where = " WHERE "
	} else {
		where += " AND "
	}
	q := `WITH inc AS (SELECT i.id AS iid, i.created AS created, i.source AS source, i.severity AS severity,
			i.verdict AS verdict FROM incidents i` + where + `coalesce(i.created, 0) != 0),
		` + keyed + `
		SELECT key, day, count(*), min(created) FROM (
			SELECT key, ` + dayOf("created") + ` AS day, created FROM keyed
			UNION ALL
			SELECT '', ` + dayOf("created") + `, created FROM inc)
		GROUP BY key, day ORDER BY key, day`
	var stop error
	err = s.readTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c debrief.DayCount
			var day, first int64
			if err := rows.Scan(&c.Key, &day, &c.Count, &first); err != nil {
				return err
			}
			c.Day, c.First = time.Unix(0, 0).UTC().AddDate(0, 0, int(day)), time.Unix(0, first).UTC()
			if err := fn(c); err != nil {
				stop = err
				return err
			}
		}
		return rows.Err()
	})
	if stop != nil && errors.Is(err, stop) {
		return stop
	}
	if err != nil {
		return fmt.Errorf("daily counts by %s: %w", by, err)
	}
	return nil
}
