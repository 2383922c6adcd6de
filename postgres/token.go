package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

var _ debrief.TokenStore = (*Store)(nil)

// exec runs one statement on a pooled connection, its strings made
// storable (noNUL).
func (s *Store) exec(ctx context.Context, query string, args ...any) (pgconn.CommandTag, error) {
	var tag pgconn.CommandTag
	err := s.conn(ctx, func(c *pgx.Conn) error {
		var err error
		tag, err = c.Exec(ctx, query, noNULs(args)...)
		return err
	})
	return tag, err
}

// CreateToken stores t (its hash, never a secret) in the store's tenant;
// ECONFLICT when its ID or hash exists there.
func (s *Store) CreateToken(ctx context.Context, t debrief.Token) error {
	if t.ID == "" || len(t.Hash) == 0 {
		return debrief.Errorf(debrief.EINVALID, "create token: want an id and a hash")
	}
	if _, ok := debrief.ParseRole(string(t.Role)); !ok {
		return debrief.Errorf(debrief.EINVALID, "create token: role %q: want one of %s", t.Role, debrief.RoleNames())
	}
	tag, err := s.exec(ctx, `INSERT INTO tokens (tenant, id, name, role, hash, created, revoked)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
		s.tenant, t.ID, t.Name, string(t.Role), t.Hash, nanos0(t.Created), nanos(t.Revoked))
	if err != nil {
		return fmt.Errorf("create token %s: %w", t.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return debrief.Errorf(debrief.ECONFLICT, "token %s exists", t.ID)
	}
	return nil
}

const tokenColumns = `id, name, role, hash, created, revoked`

func scanToken(row pgx.Row) (debrief.Token, error) {
	var t debrief.Token
	var role string
	var created int64
	var revoked *int64
	if err := row.Scan(&t.ID, &t.Name, &role, &t.Hash, &created, &revoked); err != nil {
		return t, err
	}
	t.Role, t.Created = debrief.Role(role), unixNanos(created)
	if revoked != nil {
		t.Revoked = unixNanos(*revoked)
	}
	return t, nil
}

// unixNanos is the time of unix nanoseconds n, the zero time for 0.
func unixNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// TokenByHash returns the tenant's token with that hash, revoked or not.
func (s *Store) TokenByHash(ctx context.Context, hash []byte) (*debrief.Token, error) {
	var t debrief.Token
	err := s.conn(ctx, func(c *pgx.Conn) error {
		var err error
		t, err = scanToken(c.QueryRow(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE tenant = $1 AND hash = $2`,
			s.tenant, hash))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, debrief.Errorf(debrief.ENOTFOUND, "no such token")
	}
	if err != nil {
		return nil, fmt.Errorf("read token: %w", err)
	}
	return &t, nil
}

// Tokens lists the tenant's tokens, oldest first.
func (s *Store) Tokens(ctx context.Context) ([]debrief.Token, error) {
	out := []debrief.Token{}
	err := s.conn(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE tenant = $1 ORDER BY created, id`, s.tenant)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			t, err := scanToken(rows)
			if err != nil {
				return err
			}
			out = append(out, t)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

// RevokeToken marks the token revoked at at; revoking it again keeps the
// first time.
func (s *Store) RevokeToken(ctx context.Context, id string, at time.Time) error {
	tag, err := s.exec(ctx, `UPDATE tokens SET revoked = coalesce(revoked, $3) WHERE tenant = $1 AND id = $2`,
		s.tenant, id, nanos0(at))
	if err != nil {
		return fmt.Errorf("revoke token %s: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return debrief.Errorf(debrief.ENOTFOUND, "no token %q", id)
	}
	return nil
}
