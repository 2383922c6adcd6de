package postgres

import (
	"fmt"

	"github.com/jackc/pgx/v5"
)

// versionSeen reports whether hash is a stored version of the subject.
func (w *writer) versionSeen(kind, id, hash string) (bool, error) {
	return w.known[versionKey{kind, id, hash}], nil
}

// sameRaw reports whether raw is the raw record of the current version of
// the stored incident or alert id (table incidents or alerts). An empty raw
// is no record's.
func (w *writer) sameRaw(table, id string, raw []byte) (bool, error) {
	if len(raw) == 0 {
		return false, nil
	}
	var same bool
	err := w.sendAndRead([]read{{query: `SELECT coalesce(raw = $3::bytea, false) FROM ` + table +
		` WHERE tenant = $1 AND id = $2`, args: []any{id, raw}}},
		func(br pgx.BatchResults) error { return br.QueryRow().Scan(&same) })
	if err != nil {
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
	if old := (versionKey{kind, id, cur.hash}); w.known[old] {
		delete(w.known, old)
		w.known[versionKey{kind, id, next.hash}] = true
	}
	return w.exec(`UPDATE versions SET hash = $4, sort_at = $5, updated = $6, status = $7, assignee = $8,
		verdict = $9, severity = $10, determination = $11 WHERE tenant = $1 AND kind = $2 AND subject_id = $3
		AND hash = $12`, kind, id, next.hash, next.sortAt, next.updated, next.status, next.assignee, next.verdict,
		next.severity, next.determination, cur.hash)
}

// olderRaw returns the hash of the stored older version of the subject
// whose raw record is raw, or "" when none is. (Partial records' raw
// records are no versions.)
func (w *writer) olderRaw(kind, id string, raw []byte) (string, error) {
	if len(raw) == 0 {
		return "", nil
	}
	if len(w.rawRows) > 0 { // the raw record may be among them
		if err := w.flush(); err != nil {
			return "", err
		}
	}
	var hash string
	err := w.sendAndRead([]read{{query: `SELECT coalesce((SELECT r.hash FROM raw_records r JOIN versions v
		ON v.tenant = r.tenant AND v.kind = r.kind AND v.subject_id = r.subject_id AND v.hash = r.hash
		WHERE r.tenant = $1 AND r.kind = $2 AND r.subject_id = $3 AND r.raw = $4::bytea LIMIT 1), '')`,
		args: []any{kind, id, raw}}},
		func(br pgx.BatchResults) error { return br.QueryRow().Scan(&hash) })
	if err != nil {
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
	delete(w.known, versionKey{kind, id, old})
	w.known[versionKey{kind, id, next.hash}] = true
	if err := w.exec(`UPDATE versions SET hash = $4, sort_at = CASE WHEN $5::bigint = 0 THEN sort_at ELSE $5::bigint END,
		updated = $5::bigint, status = $6, assignee = $7, verdict = $8, severity = $9, determination = $10
		WHERE tenant = $1 AND kind = $2 AND subject_id = $3 AND hash = $11`,
		kind, id, next.hash, next.updated, next.status, next.assignee, next.verdict, next.severity,
		next.determination, old); err != nil {
		return err
	}
	if err := w.exec(`UPDATE raw_records SET hash = $4 WHERE tenant = $1 AND kind = $2 AND subject_id = $3 AND hash = $5`,
		kind, id, next.hash, old); err != nil {
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
	w.known[versionKey{kind, id, cur.hash}] = true
	w.known[versionKey{kind, id, next.hash}] = true
	// The first version is stored when a second one arrives.
	if err := w.exec(`INSERT INTO versions (tenant, kind, subject_id, hash, seq, sort_at, updated, status,
		assignee, verdict, severity, determination) VALUES ($1, $2, $3, $4, 0, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT DO NOTHING`,
		kind, id, cur.hash, cur.sortAt, cur.updated,
		cur.status, cur.assignee, cur.verdict, cur.severity, cur.determination); err != nil {
		return false, err
	}
	if err := w.exec(`INSERT INTO versions (tenant, kind, subject_id, hash, seq, sort_at, updated, status,
		assignee, verdict, severity, determination)
		SELECT $1, $2::text, $3::text, $4::text, max(seq) + 1, $5::bigint, $6::bigint, $7::text, $8::text, $9::text,
		$10::text, $11::text FROM versions WHERE tenant = $1 AND kind = $2 AND subject_id = $3`,
		kind, id, next.hash, next.sortAt, next.updated,
		next.status, next.assignee, next.verdict, next.severity, next.determination); err != nil {
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
	var vs []version
	var reported sourceChanges
	err := w.sendAndRead([]read{
		{`SELECT sort_at, updated, status, assignee, verdict, severity, determination
			FROM versions WHERE tenant = $1 AND kind = $2 AND subject_id = $3 ORDER BY sort_at, seq`, []any{kind, id}},
		{`SELECT at, field, from_value, to_value FROM history
			WHERE tenant = $1 AND kind = $2 AND subject_id = $3 AND origin = 'source'`, []any{kind, id}},
	}, func(br pgx.BatchResults) error {
		var err error
		if vs, err = scanVersions(br.Query()); err != nil {
			return fmt.Errorf("load versions: %w", err)
		}
		if reported, err = scanSourceChanges(br.Query()); err != nil {
			return fmt.Errorf("load source history: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := w.exec(`DELETE FROM history WHERE tenant = $1 AND kind = $2 AND subject_id = $3 AND origin = 'derived'`,
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
			if err := w.exec(`INSERT INTO history (tenant, kind, subject_id, at, field, from_value,
				to_value, changed_by, origin) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'derived') ON CONFLICT DO NOTHING`,
				kind, id, at, trackedFields[f], from[f], to[f], vs[i].assignee); err != nil {
				return err
			}
		}
	}
	return nil
}

func scanVersions(rows pgx.Rows, err error) ([]version, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var vs []version
	for rows.Next() {
		var v version
		if err := rows.Scan(&v.sortAt, &v.updated, &v.status, &v.assignee, &v.verdict, &v.severity,
			&v.determination); err != nil {
			return nil, err
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

func scanSourceChanges(rows pgx.Rows, err error) (sourceChanges, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cs sourceChanges
	for rows.Next() {
		var c sourceChange
		if err := rows.Scan(&c.at, &c.field, &c.from, &c.to); err != nil {
			return nil, err
		}
		cs = append(cs, c)
	}
	return cs, rows.Err()
}
