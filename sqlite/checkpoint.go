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
