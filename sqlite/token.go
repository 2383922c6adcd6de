package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/debrief-dev/debrief"
)

var _ debrief.TokenStore = (*Store)(nil)

// CreateToken stores t (its hash, never a secret); ECONFLICT when its ID or
// hash exists.
func (s *Store) CreateToken(ctx context.Context, t debrief.Token) error {
	if t.ID == "" || len(t.Hash) == 0 {
		return debrief.Errorf(debrief.EINVALID, "create token: want an id and a hash")
	}
	if _, ok := debrief.ParseRole(string(t.Role)); !ok {
		return debrief.Errorf(debrief.EINVALID, "create token: role %q: want one of %s", t.Role, debrief.RoleNames())
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO tokens (id, name, role, hash, created, revoked)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		t.ID, t.Name, string(t.Role), t.Hash, nanos0(t.Created), nanos(t.Revoked))
	if err != nil {
		return fmt.Errorf("create token %s: %w", t.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("create token %s: %w", t.ID, err)
	} else if n == 0 {
		return debrief.Errorf(debrief.ECONFLICT, "token %s exists", t.ID)
	}
	return nil
}

const tokenColumns = `id, name, role, hash, created, revoked`

func scanToken(row interface{ Scan(...any) error }) (debrief.Token, error) {
	var t debrief.Token
	var role string
	var created, revoked sql.NullInt64
	if err := row.Scan(&t.ID, &t.Name, &role, &t.Hash, &created, &revoked); err != nil {
		return t, err
	}
	t.Role, t.Created, t.Revoked = debrief.Role(role), fromNanos(created), fromNanos(revoked)
	return t, nil
}

// TokenByHash returns the token with that hash, revoked or not.
func (s *Store) TokenByHash(ctx context.Context, hash []byte) (*debrief.Token, error) {
	t, err := scanToken(s.db.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE hash = ?`, hash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, debrief.Errorf(debrief.ENOTFOUND, "no such token")
	}
	if err != nil {
		return nil, fmt.Errorf("read token: %w", err)
	}
	return &t, nil
}

// Tokens lists every token, oldest first.
func (s *Store) Tokens(ctx context.Context) ([]debrief.Token, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+tokenColumns+` FROM tokens ORDER BY created, id`)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	out := []debrief.Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

// RevokeToken marks the token revoked at at; revoking it again keeps the
// first time.
func (s *Store) RevokeToken(ctx context.Context, id string, at time.Time) error {
	res, err := s.db.ExecContext(ctx, `UPDATE tokens SET revoked = coalesce(revoked, ?) WHERE id = ?`, nanos0(at), id)
	if err != nil {
		return fmt.Errorf("revoke token %s: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("revoke token %s: %w", id, err)
	} else if n == 0 {
		return debrief.Errorf(debrief.ENOTFOUND, "no token %q", id)
	}
	return nil
}
