package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
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
// matching incidents: iid, created, source, severity, verdict,
// own_techniques, own_tactics), that define keyed (iid, created, key):
// each incident once per key of by.
func keyedQuery(by debrief.CountKey) (string, error) {
	// Each incident's technique ids and tactics (JSON arrays): those of
	// each of its alerts, and its own.
	const labels = ` FROM (SELECT inc.iid, inc.created, a.technique_ids AS techs, a.all_tactics AS tactics
		FROM inc JOIN incident_alerts ia ON ia.incident_id = inc.iid JOIN alerts a ON a.id = ia.alert_id
		UNION ALL
		SELECT iid, created, own_techniques, own_tactics FROM inc) l`
	switch by {
	case debrief.CountTechnique:
		return `keyed AS (SELECT DISTINCT l.iid, l.created, ` + parentOf("t.value") + ` AS key` + labels +
			`, json_each(l.techs) t)`, nil
	case debrief.CountSubTechnique:
		return `it AS (SELECT DISTINCT l.iid, l.created, t.value AS tid` + labels + `, json_each(l.techs) t),
			keyed AS (SELECT iid, created, tid AS key FROM it WHERE instr(tid, '.') > 0
				UNION ALL
				SELECT iid, min(created), min(tid) FROM it GROUP BY iid, ` + parentOf("tid") + `
				HAVING max(instr(tid, '.')) = 0)`, nil
	case debrief.CountTactic:
		return `keyed AS (SELECT DISTINCT l.iid, l.created, t.value AS key` + labels + `, json_each(l.tactics) t)`, nil
	case debrief.CountSource:
		return `keyed AS (SELECT iid, created, source AS key FROM inc)`, nil
	case debrief.CountSeverity:
		return `keyed AS (SELECT iid, created, coalesce(nullif(severity, ''), 'unknown') AS key FROM inc)`, nil
	case debrief.CountVerdict:
		return `keyed AS (SELECT iid, created, coalesce(nullif(verdict, ''), 'undetermined') AS key FROM inc)`, nil
	}
	return "", debrief.Errorf(debrief.EINVALID, "daily counts by %q: want technique, subtechnique, tactic, source, severity or verdict", by)
}

// DailyCounts counts the incidents matching f per key of by and UTC day
// (see debrief.AggregateStore). When f only bounds the created time, the
// whole days come from daily_counts, which it first brings up to date
// with the incidents written since (see migration 0006), and only the
// partial days at the bounds are counted from the incidents; other
// filters count from the incidents in one query. It collects the counts
// before it calls fn, so fn may use the store.
func (s *Store) DailyCounts(ctx context.Context, f debrief.IncidentFilter, by debrief.CountKey, fn func(debrief.DayCount) error) error {
	f.Limit, f.Offset = 0, 0
	if _, err := keyedQuery(by); err != nil {
		return err
	}
	var rows []debrief.DayCount
	var err error
	if onlyTimes(f) {
		rows, err = s.maintainedCounts(ctx, f, by)
	} else {
		err = s.readTx(ctx, func(tx *sql.Tx) error {
			rows, err = countIncidents(ctx, tx, f, by, nil)
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("daily counts by %s: %w", by, err)
	}
	for _, r := range rows {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// onlyTimes says whether f filters by created time alone.
func onlyTimes(f debrief.IncidentFilter) bool {
	return len(f.Severity)+len(f.Status)+len(f.Verdict)+len(f.Source) == 0 && f.Technique == "" && f.Tactic == ""
}

// countIncidents appends to dst the daily counts of the incidents matching
// f, counted from the incidents and their alerts.
func countIncidents(ctx context.Context, q querier, f debrief.IncidentFilter, by debrief.CountKey, dst []debrief.DayCount) ([]debrief.DayCount, error) {
	where, args, err := incidentWhere(f)
	if err != nil {
		return nil, err
	}
	keyed, err := keyedQuery(by)
	if err != nil {
		return nil, err
	}
	if where == "" {
		where = " WHERE "
	} else {
		where += " AND "
	}
	rows, err := q.QueryContext(ctx, `WITH inc AS (SELECT i.id AS iid, i.created AS created, i.source AS source,
			i.severity AS severity, i.verdict AS verdict, i.own_techniques AS own_techniques,
			i.own_tactics AS own_tactics FROM incidents i`+where+`coalesce(i.created, 0) != 0),
		`+keyed+`
		SELECT key, day, count(*), min(created) FROM (
			SELECT key, `+dayOf("created")+` AS day, created FROM keyed
			UNION ALL
			SELECT '', `+dayOf("created")+`, created FROM inc)
		GROUP BY key, day ORDER BY key, day`, args...)
	if err != nil {
		return nil, err
	}
	return scanCounts(rows, dst)
}

func scanCounts(rows *sql.Rows, dst []debrief.DayCount) ([]debrief.DayCount, error) {
	defer rows.Close()
	for rows.Next() {
		var c debrief.DayCount
		var day, first int64
		if err := rows.Scan(&c.Key, &day, &c.Count, &first); err != nil {
			return nil, err
		}
		c.Day, c.First = dayTime(day), time.Unix(0, first).UTC()
		dst = append(dst, c)
	}
	return dst, rows.Err()
}

func dayTime(day int64) time.Time { return time.Unix(day*86400, 0).UTC() }

// maintainedCounts brings daily_counts up to date and reads the whole
// days in [f.Since, f.Until) from it, the partial days at the bounds from
// the incidents, all in one transaction under the write lock.
func (s *Store) maintainedCounts(ctx context.Context, f debrief.IncidentFilter, by debrief.CountKey) ([]debrief.DayCount, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	changed, err := refreshCounts(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("bring daily_counts up to date: %w", err)
	}
	lo, hi := int64(-1<<40), int64(1<<40) // whole days lo ≤ day < hi
	var out []debrief.DayCount
	if !f.Since.IsZero() {
		lo = floorDiv(f.Since.UnixNano()+nanosPerDay-1, nanosPerDay)
		if edge := dayTime(lo); edge.After(f.Since) {
			if out, err = countIncidents(ctx, tx, debrief.IncidentFilter{Since: f.Since, Until: earliest(edge, f.Until)}, by, out); err != nil {
				return nil, err
			}
		}
	}
	if !f.Until.IsZero() {
		hi = floorDiv(f.Until.UnixNano(), nanosPerDay)
		if edge := dayTime(hi); edge.Before(f.Until) && hi >= lo {
			if out, err = countIncidents(ctx, tx, debrief.IncidentFilter{Since: edge, Until: f.Until}, by, out); err != nil {
				return nil, err
			}
		}
	}
	if lo < hi {
		rows, err := tx.QueryContext(ctx, `SELECT key, day, count, first FROM daily_counts
			WHERE dim IN ('all', ?) AND day >= ? AND day < ?`, string(by), lo, hi)
		if err != nil {
			return nil, err
		}
		if out, err = scanCounts(rows, out); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	if changed {
		s.written()
	}
	slices.SortFunc(out, func(a, b debrief.DayCount) int {
		return cmp.Or(strings.Compare(a.Key, b.Key), a.Day.Compare(b.Day))
	})
	return out, nil
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func earliest(a, b time.Time) time.Time {
	if b.IsZero() || a.Before(b) {
		return a
	}
	return b
}
