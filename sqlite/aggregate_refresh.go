package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/storecodec"
)

// refreshChunk is how many marked incidents refreshCounts reads at a time.
const refreshChunk = 2000

// cell is one row of daily_counts.
type cell struct {
	dim, key string
	day      int64
}

// tally is what refreshCounts changes in daily_counts.
type tally struct {
	delta     map[cell]int   // incidents added less those taken out
	first     map[cell]int64 // the earliest created time added
	staleDays map[int64]bool // days an incident was taken out of: their earliest times are recomputed
}

// refreshCounts recounts the incidents marked in agg_dirty (see migration
// 0006), a chunk at a time: takes their keys as last counted
// (incident_keys) out of daily_counts, reads their keys now from the
// incidents and their alerts, adds those, and recomputes the earliest
// created time of the cells of every day an incident was taken out of.
// It reports whether anything was marked.
func refreshCounts(ctx context.Context, tx *sql.Tx) (bool, error) {
	ids, err := dirtyIDs(ctx, tx)
	if err != nil || len(ids) == 0 {
		return false, err
	}
	t := &tally{delta: map[cell]int{}, first: map[cell]int64{}, staleDays: map[int64]bool{}}
	sts := &stmts{tx: tx, cache: map[string]*sql.Stmt{}}
	for len(ids) > 0 {
		part := ids[:min(refreshChunk, len(ids))]
		ids = ids[len(part):]
		if err := t.takeOut(ctx, tx, part); err != nil {
			return false, fmt.Errorf("keys last counted: %w", err)
		}
		if err := t.add(ctx, tx, sts, part); err != nil {
			return false, fmt.Errorf("keys now: %w", err)
		}
	}
	if err := t.apply(ctx, tx); err != nil {
		return false, fmt.Errorf("daily counts: %w", err)
	}
	if err := recomputeFirst(ctx, tx, t.staleDays); err != nil {
		return false, fmt.Errorf("earliest times: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM agg_dirty`); err != nil {
		return false, err
	}
	return true, nil
}

func dirtyIDs(ctx context.Context, tx *sql.Tx) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT incident_id FROM agg_dirty`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// takeOut subtracts the keys the incidents ids were last counted under
// and forgets them.
func (t *tally) takeOut(ctx context.Context, tx *sql.Tx, ids []string) error {
	list := stringList(ids)
	rows, err := tx.QueryContext(ctx, `SELECT day, keys FROM incident_keys WHERE incident_id IN (SELECT value FROM json_each(?))`, list)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var day int64
		var keys string
		if err := rows.Scan(&day, &keys); err != nil {
			return err
		}
		pairs, err := storecodec.ParseList(keys)
		if err != nil {
			return err
		}
		for i := 0; i+1 < len(pairs); i += 2 {
			t.delta[cell{pairs[i], pairs[i+1], day}]--
		}
		t.staleDays[day] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	rows.Close()
	_, err = tx.ExecContext(ctx, `DELETE FROM incident_keys WHERE incident_id IN (SELECT value FROM json_each(?))`, list)
	return err
}

// counted is an incident as refreshCounts reads it.
type counted struct {
	id, source, severity, verdict string
	created                       int64
	techniques, tactics           []string
}

// add counts the incidents ids under their keys now and keeps the keys in
// incident_keys.
func (t *tally) add(ctx context.Context, tx *sql.Tx, sts *stmts, ids []string) error {
	list := stringList(ids)
	rows, err := tx.QueryContext(ctx, `SELECT id, created, source, coalesce(severity, ''), coalesce(verdict, ''),
		coalesce(own_techniques, ''), coalesce(own_tactics, '')
		FROM incidents WHERE id IN (SELECT value FROM json_each(?)) AND coalesce(created, 0) != 0`, list)
	if err != nil {
		return err
	}
	byID := map[string]*counted{}
	var ins []*counted
	for rows.Next() {
		c := &counted{}
		var techs, tactics string
		if err := rows.Scan(&c.id, &c.created, &c.source, &c.severity, &c.verdict, &techs, &tactics); err != nil {
			rows.Close()
			return err
		}
		// The incident's own techniques and tactics, then its alerts'.
		if c.techniques, err = storecodec.ParseList(techs); err != nil {
			rows.Close()
			return fmt.Errorf("incident %s: %w", c.id, err)
		}
		if c.tactics, err = storecodec.ParseList(tactics); err != nil {
			rows.Close()
			return fmt.Errorf("incident %s: %w", c.id, err)
		}
		byID[c.id] = c
		ins = append(ins, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if err := alertKeys(ctx, tx, list, byID); err != nil {
		return err
	}
	keep := newBulk("incident_keys", "incident_id, day, created, keys", "")
	for _, c := range ins {
		day := floorDiv(c.created, nanosPerDay)
		pairs := c.keys()
		for i := 0; i+1 < len(pairs); i += 2 {
			k := cell{pairs[i], pairs[i+1], day}
			t.delta[k]++
			if f, ok := t.first[k]; !ok || c.created < f {
				t.first[k] = c.created
			}
		}
		if err := keep.add(ctx, sts, c.id, day, c.created, stringList(pairs)); err != nil {
			return err
		}
	}
	return keep.flush(ctx, sts)
}

// alertKeys adds the technique ids and tactics of the alerts linked to
// the incidents in list (a JSON array of ids).
func alertKeys(ctx context.Context, tx *sql.Tx, list any, byID map[string]*counted) error {
	rows, err := tx.QueryContext(ctx, `SELECT ia.incident_id, a.id, coalesce(a.technique_ids, ''), coalesce(a.all_tactics, '')
		FROM incident_alerts ia JOIN alerts a ON a.id = ia.alert_id WHERE ia.incident_id IN (SELECT value FROM json_each(?))`, list)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var inc, alert, techs, tactics string
		if err := rows.Scan(&inc, &alert, &techs, &tactics); err != nil {
			return err
		}
		c := byID[inc]
		if c == nil {
			continue
		}
		ts, err := storecodec.ParseList(techs)
		if err != nil {
			return fmt.Errorf("alert %s: %w", alert, err)
		}
		tas, err := storecodec.ParseList(tactics)
		if err != nil {
			return fmt.Errorf("alert %s: %w", alert, err)
		}
		c.techniques = append(c.techniques, ts...)
		c.tactics = append(c.tactics, tas...)
	}
	return rows.Err()
}

// keys returns the incident's keys as a flat list of dim, key pairs, each
// pair once: as the queries of keyedQuery count them, and 'all'.
func (c *counted) keys() []string {
	out := []string{"all", ""}
	add := func(dim debrief.CountKey, keys []string) {
		slices.Sort(keys)
		for i, k := range keys {
			if i == 0 || k != keys[i-1] {
				out = append(out, string(dim), k)
			}
		}
	}
	parents := make([]string, 0, len(c.techniques))
	var subs []string
	for _, t := range c.techniques {
		p, _, isSub := strings.Cut(t, ".")
		parents = append(parents, p)
		if isSub {
			subs = append(subs, t)
		}
	}
	add(debrief.CountTechnique, parents)
	for _, t := range c.techniques {
		if !strings.Contains(t, ".") && !slices.ContainsFunc(subs, func(s string) bool { return strings.HasPrefix(s, t+".") }) {
			subs = append(subs, t)
		}
	}
	add(debrief.CountSubTechnique, subs)
	add(debrief.CountTactic, slices.Clone(c.tactics))
	out = append(out, string(debrief.CountSource), c.source,
		string(debrief.CountSeverity), nonEmpty(c.severity, "unknown"), string(debrief.CountVerdict), nonEmpty(c.verdict, "undetermined"))
	return out
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// apply adds the tally to daily_counts and drops the cells left empty.
func (t *tally) apply(ctx context.Context, tx *sql.Tx) error {
	st, err := tx.PrepareContext(ctx, `INSERT INTO daily_counts (dim, key, day, count, first) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (dim, key, day) DO UPDATE SET count = count + excluded.count, first = min(first, excluded.first)`)
	if err != nil {
		return err
	}
	defer st.Close()
	for k, d := range t.delta {
		f, ok := t.first[k]
		if !ok {
			f = math.MaxInt64 // only taken out: keep the earliest (recomputed if stale)
		}
		if d == 0 && !ok {
			continue
		}
		if _, err := st.ExecContext(ctx, k.dim, k.key, k.day, d, f); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM daily_counts WHERE count <= 0`)
	return err
}

// recomputeFirst sets the earliest created time of every cell of days
// from the incidents counted on those days.
func recomputeFirst(ctx context.Context, tx *sql.Tx, days map[int64]bool) error {
	if len(days) == 0 {
		return nil
	}
	list := make([]int64, 0, len(days))
	for d := range days {
		list = append(list, d)
	}
	rows, err := tx.QueryContext(ctx, `SELECT day, created, keys FROM incident_keys WHERE day IN (SELECT value FROM json_each(?))`, pkList(list))
	if err != nil {
		return err
	}
	first := map[cell]int64{}
	for rows.Next() {
		var day, created int64
		var keys string
		if err := rows.Scan(&day, &created, &keys); err != nil {
			rows.Close()
			return err
		}
		pairs, err := storecodec.ParseList(keys)
		if err != nil {
			rows.Close()
			return err
		}
		for i := 0; i+1 < len(pairs); i += 2 {
			k := cell{pairs[i], pairs[i+1], day}
			if f, ok := first[k]; !ok || created < f {
				first[k] = created
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	st, err := tx.PrepareContext(ctx, `UPDATE daily_counts SET first = ? WHERE dim = ? AND key = ? AND day = ?`)
	if err != nil {
		return err
	}
	defer st.Close()
	for k, f := range first {
		if _, err := st.ExecContext(ctx, f, k.dim, k.key, k.day); err != nil {
			return err
		}
	}
	return nil
}
