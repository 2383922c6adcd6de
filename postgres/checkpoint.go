package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/jackc/pgx/v5"
)

var _ debrief.CheckpointStore = (*Store)(nil)

// Checkpoint returns the checkpoint stored under name in the store's
// tenant.
func (s *Store) Checkpoint(ctx context.Context, name string) (string, bool, error) {
	var v string
	err := s.conn(ctx, func(c *pgx.Conn) error {
		return c.QueryRow(ctx, `SELECT value FROM checkpoints WHERE tenant = $1 AND name = $2`, s.tenant, name).Scan(&v)
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read checkpoint %s: %w", name, err)
	}
	return v, true, nil
}

// SetCheckpoint stores value under name, replacing any earlier one.
func (s *Store) SetCheckpoint(ctx context.Context, name, value string) error {
	if name == "" {
		return debrief.Errorf(debrief.EINVALID, "set checkpoint: want a name")
	}
	_, err := s.exec(ctx, `INSERT INTO checkpoints (tenant, name, value, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (tenant, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		s.tenant, name, value, time.Now().UTC().UnixNano())
	if err != nil {
		return fmt.Errorf("set checkpoint %s: %w", name, err)
	}
	return nil
}
