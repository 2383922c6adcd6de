package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/jackc/pgx/v5"
)

var _ debrief.AggregateStore = (*Store)(nil)

// nanosPerDay is a UTC day in the unit of the time columns.
const nanosPerDay = int64(24 * time.Hour)

// dayOf is the SQL for the UTC day number (days since 1970-01-01, rounded
// down) of a time column in unix nanoseconds.
func dayOf(col string) string {
	return fmt.Sprintf("(%[1]s - ((%[1]s %% %[2]d) + %[2]d) %% %[2]d) / %[2]d", col, nanosPerDay)
}

// parentOf is the SQL for the parent technique id of a technique id.
func parentOf(col string) string { return "split_part(" + col + ", '.', 1)" }

// keyedQuery returns the common table expressions, after inc (the
// matching incidents: iid, created, source, severity, verdict,
// own_techniques, own_tactics), that define keyed (iid, created, key):
// each incident once per key of by.
func keyedQuery(by debrief.CountKey) (string, error) {
	// Each incident's technique ids and tactics (jsonb arrays): those of
	// each of its alerts, and its own.
	const labels = ` FROM (SELECT inc.iid, inc.created, a.technique_ids AS techs, a.all_tactics AS tactics
		FROM inc JOIN incident_alerts ia ON ia.tenant = $1 AND ia.incident_id = inc.iid
		JOIN alerts a ON a.tenant = ia.tenant AND a.id = ia.alert_id
		UNION ALL
		SELECT iid, created, own_techniques, own_tactics FROM inc) l`
	switch by {
	case debrief.CountTechnique:
		return `keyed AS (SELECT DISTINCT l.iid, l.created, ` + parentOf("t.value") + ` AS key` + labels +
			` CROSS JOIN LATERAL jsonb_array_elements_text(l.techs) t (value))`, nil
	case debrief.CountSubTechnique:
		return `it AS (SELECT DISTINCT l.iid, l.created, t.value AS tid` + labels +
			` CROSS JOIN LATERAL jsonb_array_elements_text(l.techs) t (value)),
			keyed AS (SELECT iid, created, tid AS key FROM it WHERE strpos(tid, '.') > 0
				UNION ALL
				SELECT iid, min(created), min(tid) FROM it GROUP BY iid, ` + parentOf("tid") + `
				HAVING max(strpos(tid, '.')) = 0)`, nil
	case debrief.CountTactic:
		return `keyed AS (SELECT DISTINCT l.iid, l.created, t.value AS key` + labels +
			` CROSS JOIN LATERAL jsonb_array_elements_text(l.tactics) t (value))`, nil
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
	q := &query{args: []any{s.tenant}}
	where, err := q.incidentWhere(f)
	if err != nil {
		return err
	}
	keyed, err := keyedQuery(by)
	if err != nil {
		return err
	}
	text := `WITH inc AS (SELECT i.id AS iid, i.created AS created, i.source AS source, i.severity AS severity,
			i.verdict AS verdict, i.own_techniques AS own_techniques, i.own_tactics AS own_tactics
			FROM incidents i WHERE i.tenant = $1` + where + ` AND coalesce(i.created, 0) <> 0),
		` + keyed + `
		SELECT key, day, count(*), min(created) FROM (
			SELECT key, ` + dayOf("created") + ` AS day, created FROM keyed
			UNION ALL
			SELECT '', ` + dayOf("created") + `, created FROM inc) k
		GROUP BY key, day ORDER BY key COLLATE "C", day`
	var stop error
	err = s.readTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, text, q.args...)
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
