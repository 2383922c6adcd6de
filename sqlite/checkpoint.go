package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/debrief-dev/debrief"
)

var _ debrief.CheckpointStore = (*Store)(nil)

// Checkpoint returns the checkpoint stored under name.
func (s *Store) Checkpoint(ctx context.Context, name string) (string, bool, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM checkpoints WHERE name = ?`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read checkpoint %s: %w", name, err)
	}
	return v, true, nil
}

// SetCheckpoint stores value under name.
func (s *Store) SetCheckpoint(ctx context.Context, name, value string) error {
	if name == "" {
		return debrief.Errorf(debrief.EINVALID, "set checkpoint: want a name")
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_, err := s.db.ExecContext(ctx, `INSERT INTO checkpoints (name, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		name, value, time.Now().UTC().UnixNano())
	if err != nil {
		return fmt.Errorf("set checkpoint %s: %w", name, err)
	}
	s.written()
	return nil
}

// Checkpoints lists the checkpoints by name.
func (s *Store) Checkpoints(ctx context.Context) ([]debrief.Checkpoint, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, value, updated_at FROM checkpoints ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list checkpoints: %w", err)
	}
	defer rows.Close()
	out := []debrief.Checkpoint{}
	for rows.Next() {
		var c debrief.Checkpoint
		var updated int64
		if err := rows.Scan(&c.Name, &c.Value, &updated); err != nil {
			return nil, fmt.Errorf("list checkpoints: %w", err)
		}
		c.Updated = time.Unix(0, updated).UTC()
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list checkpoints: %w", err)
	}
	return out, nil
}

// DeleteCheckpoint removes the checkpoint under name.
func (s *Store) DeleteCheckpoint(ctx context.Context, name string) (bool, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	res, err := s.db.ExecContext(ctx, `DELETE FROM checkpoints WHERE name = ?`, name)
	if err != nil {
		return false, fmt.Errorf("delete checkpoint %s: %w", name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("delete checkpoint %s: %w", name, err)
	}
	if n > 0 {
		s.written()
	}
	return n > 0, nil
}
