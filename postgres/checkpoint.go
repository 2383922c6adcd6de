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

// Checkpoints lists the tenant's checkpoints by name.
func (s *Store) Checkpoints(ctx context.Context) ([]debrief.Checkpoint, error) {
	out := []debrief.Checkpoint{}
	err := s.conn(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `SELECT name, value, updated_at FROM checkpoints WHERE tenant = $1 ORDER BY name`, s.tenant)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var cp debrief.Checkpoint
			var updated int64
			if err := rows.Scan(&cp.Name, &cp.Value, &updated); err != nil {
				return err
			}
			cp.Updated = time.Unix(0, updated).UTC()
			out = append(out, cp)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list checkpoints: %w", err)
	}
	return out, nil
}

// DeleteCheckpoint removes the checkpoint under name in the store's
// tenant.
func (s *Store) DeleteCheckpoint(ctx context.Context, name string) (bool, error) {
	tag, err := s.exec(ctx, `DELETE FROM checkpoints WHERE tenant = $1 AND name = $2`, s.tenant, name)
	if err != nil {
		return false, fmt.Errorf("delete checkpoint %s: %w", name, err)
	}
	return tag.RowsAffected() > 0, nil
}
