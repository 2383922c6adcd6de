package sqlite

import (
	"context"
	"fmt"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/storecodec"
)

// PlainInsert is the baseline of BenchmarkWrite: the alerts' rows, with
// the same hashes and column values as Write gives them, and their links
// to their incidents, inserted one prepared INSERT each in one
// database/sql transaction, as a plain program would, without Write's versions, batching or marks, and
// checkpointed as Writes are. The alerts must be new.
func PlainInsert(ctx context.Context, s *Store, as []debrief.Alert) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var pk int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(pk), 0) FROM alerts`).Scan(&pk); err != nil {
		return err
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO alerts (`+alertInsertColumns+`) VALUES (`+params(34)+`)`)
	if err != nil {
		return err
	}
	link, err := tx.PrepareContext(ctx, `INSERT INTO incident_alerts (incident_id, alert_id, origin) VALUES (?, ?, 1)
		ON CONFLICT DO NOTHING`)
	if err != nil {
		return err
	}
	h, enc := storecodec.NewHasher(), newEncoder()
	vals := make([]any, 0, 34)
	for i := range as {
		a := &as[i]
		pk++
		vals = enc.content(append(vals[:0], pk, a.ID), a)
		vals = append(vals, nil, h.Alert(a), nanos0(a.Updated), int64(0), rawValue(a.Raw))
		if _, err := st.ExecContext(ctx, vals...); err != nil {
			return fmt.Errorf("alert %s: %w", a.ID, err)
		}
		if a.IncidentID != "" {
			if _, err := link.ExecContext(ctx, a.IncidentID, a.ID); err != nil {
				return fmt.Errorf("alert %s: link: %w", a.ID, err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.written() // checkpoints as after a Write
	return nil
}
