package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
)

// versionSeen reports whether hash is a stored version of the subject.
func (w *writer) versionSeen(kind, id, hash string) (bool, error) {
	st, err := w.st.get(w.ctx, `SELECT count(*) FROM versions WHERE kind = ? AND subject_id = ? AND hash = ?`)
	if err != nil {
		return false, err
	}
	var n int
	if err := st.QueryRowContext(w.ctx, kind, id, hash).Scan(&n); err != nil {
		return false, fmt.Errorf("look up version: %w", err)
	}
	return n > 0, nil
}

// sameRaw reports whether raw is the raw record of the current version of
// the stored incident or alert id (table incidents or alerts). An empty raw
// is no record's.
func (w *writer) sameRaw(table, id string, raw []byte) (bool, error) {
	if len(raw) == 0 {
		return false, nil
	}
	st, err := w.st.get(w.ctx, `SELECT coalesce(raw = ?, 0) FROM `+table+` WHERE id = ?`)
	if err != nil {
		return false, err
	}
	var same bool
	if err := st.QueryRowContext(w.ctx, raw, id).Scan(&same); err != nil {
		return false, fmt.Errorf("compare raw record: %w", err)
	}
	return same, nil
}

// renormalised sets next.sortAt for next, the current version cur of the
// subject decoded anew from the same raw record, and makes cur's row in
// versions, if it has one yet, next's, so that later writes find next.
func (w *writer) renormalised(kind, id string, cur, next *state) error {
	next.sortAt = next.updated
	if next.updated == 0 {
		next.sortAt = cur.sortAt
	}
	_, err := w.exec(`UPDATE versions SET hash = ?, sort_at = ?, updated = ?, status = ?, assignee = ?,
		verdict = ?, severity = ?, determination = ? WHERE kind = ? AND subject_id = ? AND hash = ?`,
		next.hash, next.sortAt, next.updated, next.status, next.assignee, next.verdict, next.severity,
		next.determination, kind, id, cur.hash)
	return err
}

// olderRaw returns the hash of the stored older version of the subject
// whose raw record is raw, or "" when none is. (Partial records' raw
// records are no versions.)
func (w *writer) olderRaw(kind, id string, raw []byte) (string, error) {
	if len(raw) == 0 {
		return "", nil
	}
	st, err := w.st.get(w.ctx, `SELECT r.hash FROM raw_records r JOIN versions v
		ON v.kind = r.kind AND v.subject_id = r.subject_id AND v.hash = r.hash
		WHERE r.kind = ? AND r.subject_id = ? AND r.raw = ? LIMIT 1`)
	if err != nil {
		return "", err
	}
	var hash string
	switch err := st.QueryRowContext(w.ctx, kind, id, raw).Scan(&hash); {
	case errors.Is(err, sql.ErrNoRows):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("find raw record: %w", err)
	}
	return hash, nil
}

// renormalisedOlder makes next, an older version of the subject decoded
// anew from the raw record of the stored version with hash old, that
// version: its versions row takes next's hash and state (keeping its place
// in time when next has no Updated time), its raw record next's hash, and
// the derived history is rebuilt.
func (w *writer) renormalisedOlder(kind, id, old string, next *state) error {
	if _, err := w.exec(`UPDATE versions SET hash = ?, sort_at = CASE WHEN ? = 0 THEN sort_at ELSE ? END,
		updated = ?, status = ?, assignee = ?, verdict = ?, severity = ?, determination = ?
		WHERE kind = ? AND subject_id = ? AND hash = ?`,
		next.hash, next.updated, next.updated, next.updated, next.status, next.assignee, next.verdict,
		next.severity, next.determination, kind, id, old); err != nil {
		return err
	}
	if _, err := w.exec(`UPDATE raw_records SET hash = ? WHERE kind = ? AND subject_id = ? AND hash = ?`,
		next.hash, kind, id, old); err != nil {
		return err
	}
	return w.rebuildHistory(kind, id)
}

// addVersion stores next as a version of the subject whose current state is
// cur, sets next.sortAt, and reports whether next is newer than cur and so
// becomes the current state. A version is older only when it has an Updated
// time and that time is before cur's place in time; a version without one
// follows cur.
func (w *writer) addVersion(kind, id string, cur, next *state) (bool, error) {
	newer := next.updated == 0 || next.updated >= cur.sortAt
	next.sortAt = next.updated
	if next.updated == 0 {
		next.sortAt = cur.sortAt
	}
	// The first version is stored when a second one arrives.
	if _, err := w.exec(`INSERT INTO versions (kind, subject_id, hash, seq, sort_at, updated, status, assignee,
		verdict, severity, determination) VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		kind, id, cur.hash, cur.sortAt, cur.updated,
		cur.status, cur.assignee, cur.verdict, cur.severity, cur.determination); err != nil {
		return false, err
	}
	if _, err := w.exec(`INSERT INTO versions (kind, subject_id, hash, seq, sort_at, updated, status, assignee,
		verdict, severity, determination)
		SELECT ?, ?, ?, max(seq) + 1, ?, ?, ?, ?, ?, ?, ? FROM versions WHERE kind = ? AND subject_id = ?`,
		kind, id, next.hash, next.sortAt, next.updated,
		next.status, next.assignee, next.verdict, next.severity, next.determination, kind, id); err != nil {
		return false, err
	}
	return newer, nil
}

// version is one row of versions, as rebuildHistory reads it.
type version struct {
	sortAt, updated int64
	tracked
}

// rebuildHistory replaces the subject's derived history with the changes
// between its consecutive versions in time order. Each change is dated by
// the later version's Updated time (or its place in time when it has none)
// and attributed to that version's assignee. A change the source itself
// reported between the two versions is not repeated.
func (w *writer) rebuildHistory(kind, id string) error {
	vs, err := w.versions(kind, id)
	if err != nil {
		return err
	}
	reported, err := w.sourceHistory(kind, id)
	if err != nil {
		return err
	}
	if _, err := w.exec(`DELETE FROM history WHERE kind = ? AND subject_id = ? AND origin = 'derived'`,
		kind, id); err != nil {
		return err
	}
	for i := 1; i < len(vs); i++ {
		at := vs[i].updated
		if at == 0 {
			at = vs[i].sortAt
		}
		from, to := vs[i-1].values(), vs[i].values()
		for f := range from {
			if from[f] == to[f] || reported.has(trackedFields[f], from[f], to[f], vs[i-1].sortAt, at) {
				continue
			}
			if _, err := w.exec(`INSERT INTO history (kind, subject_id, at, field, from_value, to_value,
				changed_by, origin) VALUES (?, ?, ?, ?, ?, ?, ?, 'derived') ON CONFLICT DO NOTHING`,
				kind, id, at, trackedFields[f], from[f], to[f], vs[i].assignee); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *writer) versions(kind, id string) ([]version, error) {
	st, err := w.st.get(w.ctx, `SELECT sort_at, updated, status, assignee, verdict, severity, determination
		FROM versions WHERE kind = ? AND subject_id = ? ORDER BY sort_at, seq`)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(w.ctx, kind, id)
	if err != nil {
		return nil, fmt.Errorf("load versions: %w", err)
	}
	defer rows.Close()
	var vs []version
	for rows.Next() {
		var v version
		if err := rows.Scan(&v.sortAt, &v.updated, &v.status, &v.assignee, &v.verdict, &v.severity,
			&v.determination); err != nil {
			return nil, fmt.Errorf("load versions: %w", err)
		}
		vs = append(vs, v)
	}
	return vs, rows.Err()
}

// sourceChange is a change the source reported.
type sourceChange struct {
	at              int64
	field, from, to string
}

type sourceChanges []sourceChange

// has reports whether the source reported the change in (after, until].
func (cs sourceChanges) has(field, from, to string, after, until int64) bool {
	for _, c := range cs {
		if c.field == field && c.from == from && c.to == to && c.at > after && c.at <= until {
			return true
		}
	}
	return false
}

func (w *writer) sourceHistory(kind, id string) (sourceChanges, error) {
	st, err := w.st.get(w.ctx, `SELECT at, field, from_value, to_value FROM history
		WHERE kind = ? AND subject_id = ? AND origin = 'source'`)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(w.ctx, kind, id)
	if err != nil {
		return nil, fmt.Errorf("load source history: %w", err)
	}
	defer rows.Close()
	var cs sourceChanges
	for rows.Next() {
		var c sourceChange
		if err := rows.Scan(&c.at, &c.field, &c.from, &c.to); err != nil {
			return nil, fmt.Errorf("load source history: %w", err)
		}
		cs = append(cs, c)
	}
	return cs, rows.Err()
}
