package sqlite

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/handling"
)

// Packs (migration 0011) keep skill_facts a day to a row: reading a
// million incidents' facts row by row costs more in the driver than in
// the decoding, so the common read (by created time alone) steps through
// one row per day and splits it in Go.

// packDay is the day of skill_packs that holds an incident created at
// created (unix nanoseconds, NULL when unknown), as the triggers of 0011
// compute it.
func packDay(created sql.NullInt64) int64 {
	if !created.Valid || created.Int64 < 0 {
		return -1
	}
	return created.Int64 / nanosPerDay
}

// appendPacked appends one incident to a pack: its id, its created time
// (a byte saying whether it is known, then a varint), its encoded facts,
// each string length-prefixed.
func appendPacked(dst []byte, id string, created sql.NullInt64, facts []byte) []byte {
	dst = append(binary.AppendUvarint(dst, uint64(len(id))), id...)
	if created.Valid {
		dst = binary.AppendVarint(append(dst, 1), created.Int64)
	} else {
		dst = append(dst, 0)
	}
	return append(binary.AppendUvarint(dst, uint64(len(facts))), facts...)
}

var errPack = errors.New("truncated pack")

// nextPacked reads the first incident of pack b and returns the rest.
func nextPacked(b []byte) (id []byte, created sql.NullInt64, facts, rest []byte, err error) {
	field := func() []byte {
		l, n := binary.Uvarint(b)
		if n <= 0 || l > uint64(len(b)-n) {
			err = errPack
			return nil
		}
		v := b[n : n+int(l)]
		b = b[n+int(l):]
		return v
	}
	if id = field(); err != nil {
		return
	}
	if len(b) == 0 {
		return nil, created, nil, nil, errPack
	}
	known := b[0]
	b = b[1:]
	if known == 1 {
		v, n := binary.Varint(b)
		if n <= 0 {
			return nil, created, nil, nil, errPack
		}
		created, b = sql.NullInt64{Int64: v, Valid: true}, b[n:]
	}
	if facts = field(); err != nil {
		return
	}
	return id, created, facts, b, nil
}

// packedFacts calls fn with the facts of each incident created in f's
// window (Since and Until alone) from skill_packs.
func packedFacts(ctx context.Context, tx *sql.Tx, f debrief.IncidentFilter, fn func(*debrief.HandlingFacts) error) error {
	lo, hi := int64(-1), int64(1<<62)
	var since, until int64
	if !f.Since.IsZero() {
		since = f.Since.UnixNano()
		lo = max(since/nanosPerDay, 0)
	}
	if !f.Until.IsZero() {
		until = f.Until.UnixNano()
		hi = (until - 1) / nanosPerDay // until ≤ 0: only day -1
		if until <= 0 {
			hi = -1
		}
	}
	// Day -1 holds the incidents without a created time and those before
	// 1970: read whenever the window may take any of them.
	rows, err := tx.QueryContext(ctx, `SELECT day, facts FROM skill_packs WHERE day = -1 OR day BETWEEN ? AND ?`, lo, hi)
	if err != nil {
		return fmt.Errorf("handling facts: %w", err)
	}
	defer rows.Close()
	var d handling.Decoder
	var (
		day  int64
		pack sql.RawBytes // split before the next row: no copy
	)
	var idBuf []byte
	var h debrief.HandlingFacts // one for all: fn must not keep it
	for rows.Next() {
		if err := rows.Scan(&day, &pack); err != nil {
			return fmt.Errorf("handling facts: %w", err)
		}
		// The day's ids in one string, each incident's a part of it:
		// one allocation a day, not one an incident.
		idBuf = idBuf[:0]
		for b := []byte(pack); len(b) > 0; {
			id, _, _, rest, err := nextPacked(b)
			if err != nil {
				return fmt.Errorf("handling facts: skill_packs day %d: %w", day, err)
			}
			idBuf, b = append(idBuf, id...), rest
		}
		ids := string(idBuf)
		for b := []byte(pack); len(b) > 0; {
			id, created, facts, rest, _ := nextPacked(b)
			b = rest
			idStr := ids[:len(id)]
			ids = ids[len(id):]
			// As incidentWhere: an unknown created time is outside any window.
			if !f.Since.IsZero() && (!created.Valid || created.Int64 < since) ||
				!f.Until.IsZero() && (!created.Valid || created.Int64 >= until) {
				continue
			}
			h = debrief.HandlingFacts{ID: idStr, Created: fromNanos(created)}
			if err := d.Decode(facts, &h); err != nil {
				return fmt.Errorf("incident %s: %w", idStr, err)
			}
			if err := fn(&h); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("handling facts: %w", err)
	}
	return rows.Close()
}

// refreshPacks packs again the days marked in skill_pack_dirty and
// reports whether any was. Many days (a store's first read) are packed in
// one pass over skill_facts; a few, each from its own range of created
// times.
func refreshPacks(ctx context.Context, tx *sql.Tx) (bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT day FROM skill_pack_dirty`)
	if err != nil {
		return false, err
	}
	packs := map[int64][]byte{}
	for rows.Next() {
		var day int64
		if err := rows.Scan(&day); err != nil {
			rows.Close()
			return false, err
		}
		packs[day] = nil
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(packs) == 0 {
		return false, err
	}
	const fewDays = 32
	add := func(q string, args ...any) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var (
			id      string
			created sql.NullInt64
			facts   sql.RawBytes
		)
		for rows.Next() {
			if err := rows.Scan(&id, &created, &facts); err != nil {
				return err
			}
			if p, ok := packs[packDay(created)]; ok {
				packs[packDay(created)] = appendPacked(p, id, created, facts)
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return rows.Close()
	}
	const cols = `SELECT incident_id, created, facts FROM skill_facts`
	if len(packs) > fewDays {
		err = add(cols)
	} else {
		for day := range packs {
			if day < 0 {
				err = add(cols + ` WHERE created IS NULL OR created < 0`)
			} else {
				err = add(cols+` WHERE created >= ? AND created < ?`, day*nanosPerDay, (day+1)*nanosPerDay)
			}
			if err != nil {
				break
			}
		}
	}
	if err != nil {
		return false, err
	}
	del, err := tx.PrepareContext(ctx, `DELETE FROM skill_packs WHERE day = ?`)
	if err != nil {
		return false, err
	}
	defer del.Close()
	put, err := tx.PrepareContext(ctx, `INSERT INTO skill_packs (day, facts) VALUES (?, ?)`)
	if err != nil {
		return false, err
	}
	defer put.Close()
	for day, p := range packs {
		if _, err := del.ExecContext(ctx, day); err != nil {
			return false, err
		}
		if len(p) == 0 {
			continue
		}
		if _, err := put.ExecContext(ctx, day, p); err != nil {
			return false, fmt.Errorf("skill_packs day %d: %w", day, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM skill_pack_dirty`); err != nil {
		return false, err
	}
	return true, nil
}
