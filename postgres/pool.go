package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// maxConns is how many connections a Store opens at most, unless the DSN
// sets pool_max_conns.
const maxConns = 8

// poolConfig reads dsn as pgxpool does (libpq's parameters plus pgx's and
// pgxpool's own, such as pool_max_conns) and applies the store's defaults.
func poolConfig(dsn string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = maxConns
	}
	return cfg, nil
}

// conn runs fn on a pooled connection. The pool closes, rather than
// reuses, a connection that fn left inside a transaction or broken.
func (s *Store) conn(ctx context.Context, fn func(c *pgx.Conn) error) error {
	c, err := s.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer c.Release()
	return fn(c.Conn())
}
