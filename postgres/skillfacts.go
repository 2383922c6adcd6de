package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/handling"
)

var _ debrief.HandlingStore = (*Store)(nil)

// factsChunk is how many marked incidents refreshFacts reads at a time.
const factsChunk = 2000

// HandlingFacts implements debrief.HandlingStore: it takes the tenant's
// marks in skill_dirty (see migration 0011) and recomputes those
// incidents' facts, in one transaction (a concurrent reader waits for the
// marks it would take, then finds them gone), then reads skill_facts of
// the incidents matching f.
func (s *Store) HandlingFacts(ctx context.Context, f debrief.IncidentFilter, fn func(*debrief.HandlingFacts) error) error {
	f.Limit, f.Offset = 0, 0
	q := &query{args: []any{s.tenant}}
	where, err := q.incidentWhere(f)
	if err != nil {
		return err
	}
	if err := s.conn(ctx, func(c *pgx.Conn) error {
		tx, err := c.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
		if err := s.refreshFacts(ctx, tx); err != nil {
			return err
		}
		return tx.Commit(ctx)
	}); err != nil {
		return fmt.Errorf("handling facts: bring skill_facts up to date: %w", err)
	}
	var stop error
	err = s.readTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT i.id, i.created, s.facts FROM incidents i
			JOIN skill_facts s ON s.tenant = i.tenant AND s.incident_id = i.id WHERE i.tenant = $1`+where, q.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		var d handling.Decoder
		var (
			id      string
			created sql.NullInt64
			blob    []byte
			h       debrief.HandlingFacts // one for all: fn must not keep it
		)
		for rows.Next() {
			if err := rows.Scan(&id, &created, &blob); err != nil {
				return err
			}
			h = debrief.HandlingFacts{ID: id, Created: fromNanos(created)}
			if err := d.Decode(blob, &h); err != nil {
				return fmt.Errorf("incident %s: %w", id, err)
			}
			if err := fn(&h); err != nil {
				stop = err
				return err
			}
		}
		return rows.Err()
	})
	if stop != nil {
		return stop
	}
	if err != nil {
		return fmt.Errorf("handling facts: %w", err)
	}
	return nil
}

// refreshFacts takes the tenant's marks and recomputes the facts of the
// marked incidents, a chunk at a time, from the incidents as ScanIncidents
// reads them (with history and comments); an incident gone is taken out.
func (s *Store) refreshFacts(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, `DELETE FROM skill_dirty WHERE tenant = $1 RETURNING incident_id`, s.tenant)
	if err != nil {
		return err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	var buf []byte
	for len(ids) > 0 {
		part := ids[:min(factsChunk, len(ids))]
		ids = ids[len(part):]
		if _, err := tx.Exec(ctx, `DELETE FROM skill_facts WHERE tenant = $1 AND incident_id = ANY($2)`, s.tenant, part); err != nil {
			return err
		}
		ins, err := loadChunk(ctx, tx, s.tenant, part, debrief.ScanOptions{History: true})
		if err != nil {
			return err
		}
		var batch pgx.Batch
		for i := range ins {
			h := handling.Of(&ins[i])
			buf = handling.Append(buf[:0], &h)
			batch.Queue(`INSERT INTO skill_facts (tenant, incident_id, created, facts) VALUES ($1, $2, $3, $4)`,
				s.tenant, h.ID, nanos(h.Created), append([]byte(nil), buf...))
		}
		if err := tx.SendBatch(ctx, &batch).Close(); err != nil {
			return err
		}
	}
	return nil
}
