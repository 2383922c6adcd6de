package postgres

import (
	"context"
	"fmt"

	"github.com/debrief-dev/debrief"
	"github.com/jackc/pgx/v5"
)

var _ debrief.TenantStores = (*Store)(nil)

// TenantToken finds the token with hash in any tenant, for a server that
// serves every tenant of the database. A hash held by two tenants (a
// secret cannot be, but CreateToken takes any hash) is a conflict, never
// a guess.
func (s *Store) TenantToken(ctx context.Context, hash []byte) (string, *debrief.Token, error) {
	var tenants []string
	var toks []debrief.Token
	err := s.conn(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `SELECT tenant, `+tokenColumns+` FROM tokens WHERE hash = $1 LIMIT 2`, hash)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var tenant string
			t, err := scanToken(tenantRow{&tenant, rows})
			if err != nil {
				return err
			}
			tenants, toks = append(tenants, tenant), append(toks, t)
		}
		return rows.Err()
	})
	switch {
	case err != nil:
		return "", nil, fmt.Errorf("read token: %w", err)
	case len(toks) == 0:
		return "", nil, debrief.Errorf(debrief.ENOTFOUND, "no such token")
	case len(toks) > 1:
		return "", nil, debrief.Errorf(debrief.ECONFLICT, "token %s: tenants %s and %s hold the same hash", toks[0].ID, tenants[0], tenants[1])
	}
	return tenants[0], &toks[0], nil
}

// tenantRow scans a leading tenant column, then the rest into the scan
// that scanToken makes.
type tenantRow struct {
	tenant *string
	row    pgx.Row
}

func (r tenantRow) Scan(dest ...any) error { return r.row.Scan(append([]any{r.tenant}, dest...)...) }

// TenantStore is ForTenant as a debrief.Store.
func (s *Store) TenantStore(tenant string) (debrief.Store, error) {
	st, err := s.ForTenant(tenant)
	if err != nil {
		return nil, err
	}
	return st, nil
}
