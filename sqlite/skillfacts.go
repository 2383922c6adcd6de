package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/handling"
)

var _ debrief.HandlingStore = (*Store)(nil)

// HandlingFacts implements debrief.HandlingStore: it recomputes the facts
// of the incidents marked in skill_dirty (see migration 0010), then reads
// skill_facts, all in one transaction under the write lock. Filters other
// than by created time select the incidents in SQL as Incidents does.
func (s *Store) HandlingFacts(ctx context.Context, f debrief.IncidentFilter, fn func(*debrief.HandlingFacts) error) error {
	f.Limit, f.Offset = 0, 0
	where, args, err := incidentWhere(f)
	if err != nil {
		return err
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	changed, err := refreshFacts(ctx, tx)
	if err != nil {
		return fmt.Errorf("handling facts: bring skill_facts up to date: %w", err)
	}
	repacked, err := refreshPacks(ctx, tx)
	if err != nil {
		return fmt.Errorf("handling facts: bring skill_packs up to date: %w", err)
	}
	changed = changed || repacked
	if onlyTimes(f) {
		if err := packedFacts(ctx, tx, f, fn); err != nil {
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		if changed {
			s.written()
		}
		return nil
	}
	q := `SELECT i.id, i.created, s.facts FROM incidents i JOIN skill_facts s ON s.incident_id = i.id` + where
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("handling facts: %w", err)
	}
	var d handling.Decoder
	var (
		id      string
		created sql.NullInt64
		blob    sql.RawBytes          // decoded before the next row: no copy
		h       debrief.HandlingFacts // one for all: fn must not keep it
	)
	for rows.Next() {
		if err := rows.Scan(&id, &created, &blob); err != nil {
			rows.Close()
			return fmt.Errorf("handling facts: %w", err)
		}
		h = debrief.HandlingFacts{ID: id, Created: fromNanos(created)}
		if err := d.Decode(blob, &h); err != nil {
			rows.Close()
			return fmt.Errorf("incident %s: %w", id, err)
		}
		if err := fn(&h); err != nil {
			rows.Close()
			return err
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("handling facts: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if changed {
		s.written()
	}
	return nil
}

// refreshFacts recomputes the facts of the incidents marked in
// skill_dirty, a chunk at a time, from the incidents as ScanIncidents reads
// them (with history and comments); an incident gone is taken out. It
// reports whether anything was marked.
func refreshFacts(ctx context.Context, tx *sql.Tx) (bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT incident_id FROM skill_dirty`)
	if err != nil {
		return false, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return false, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return false, err
	}
	del, err := tx.PrepareContext(ctx, `DELETE FROM skill_facts WHERE incident_id IN (SELECT value FROM json_each(?))`)
	if err != nil {
		return false, err
	}
	defer del.Close()
	put, err := tx.PrepareContext(ctx, `INSERT INTO skill_facts (incident_id, created, facts) VALUES (?, ?, ?)`)
	if err != nil {
		return false, err
	}
	defer put.Close()
	var buf []byte
	for len(ids) > 0 {
		part := ids[:min(refreshChunk, len(ids))]
		ids = ids[len(part):]
		if _, err := del.ExecContext(ctx, stringList(part)); err != nil {
			return false, err
		}
		ins, err := loadChunk(ctx, tx, part, debrief.ScanOptions{History: true})
		if err != nil {
			return false, err
		}
		for i := range ins {
			h := handling.Of(&ins[i])
			buf = handling.Append(buf[:0], &h)
			var created any
			if !h.Created.IsZero() {
				created = h.Created.UnixNano()
			}
			if _, err := put.ExecContext(ctx, h.ID, created, buf); err != nil {
				return false, fmt.Errorf("incident %s: %w", h.ID, err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM skill_dirty`); err != nil {
		return false, err
	}
	return true, nil
}
