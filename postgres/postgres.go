package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DefaultTenant is the tenant of a store opened with Open.
const DefaultTenant = "default"

// Store is a debrief.Store in a PostgreSQL database, holding one tenant's
// data. Stores of several tenants may share a database.
type Store struct {
	pool      *pgxpool.Pool
	tenant    string
	shared    bool        // the pool belongs to the store ForTenant was called on
	stats     *statsWatch // the pool's: what its stores add to each tenant (stats.go)
	closeOnce sync.Once
}

var _ debrief.Store = (*Store)(nil)

// Open connects to the database at dsn (a postgres:// URL or a key=value
// string, as libpq takes them), brings its schema up to date, and returns
// the store of the default tenant.
func Open(ctx context.Context, dsn string) (*Store, error) {
	return OpenTenant(ctx, dsn, DefaultTenant)
}

// OpenTenant is Open for the given tenant: an organisation whose data the
// store keeps apart from every other tenant's in the same database.
func OpenTenant(ctx context.Context, dsn, tenant string) (*Store, error) {
	if tenant == "" {
		return nil, debrief.Errorf(debrief.EINVALID, "open store: empty tenant")
	}
	cfg, err := poolConfig(dsn)
	if err != nil {
		return nil, debrief.Errorf(debrief.EINVALID, "open store %s: %s", Redact(dsn), parseError(err))
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", Redact(dsn), err)
	}
	s := &Store{pool: pool, tenant: tenant, stats: newStatsWatch()}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open store %s: %w", Redact(dsn), err)
	}
	return s, nil
}

// ForTenant returns the store of another tenant in the same database,
// sharing s's connections: closing it does nothing, closing s closes both.
// A server that holds many tenants opens one Store and serves each
// request from the store of its token's tenant.
func (s *Store) ForTenant(tenant string) (*Store, error) {
	if tenant == "" {
		return nil, debrief.Errorf(debrief.EINVALID, "open store: empty tenant")
	}
	return &Store{pool: s.pool, tenant: tenant, shared: true, stats: s.stats}, nil
}

// Tenant is the tenant whose data the store keeps.
func (s *Store) Tenant() string { return s.tenant }

// Close releases the store; closing it again does nothing. It waits for
// the calls in progress to give their connections back, and for a running
// ANALYZE of a growing tenant (see Write) up to a few seconds. A store of
// ForTenant leaves the shared connections open.
func (s *Store) Close() error {
	if !s.shared {
		s.closeOnce.Do(func() {
			s.stats.close()
			s.pool.Close()
		})
	}
	return nil
}

// migrationLock is the advisory lock that serialises migrations.
const migrationLock = 0x64656272 // "debr"

// migrate applies, in name order, every embedded migration not yet recorded
// in schema_migrations, each in its own transaction under an advisory
// lock, so that stores opening at once do not race (a transaction-level
// lock works behind a pooler in transaction mode, too).
func (s *Store) migrate(ctx context.Context) error {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	return s.conn(ctx, func(c *pgx.Conn) error {
		for _, name := range names {
			if err := applyMigration(ctx, c, name); err != nil {
				return fmt.Errorf("migration %s: %w", filepath.Base(name), err)
			}
		}
		return nil
	})
}

func applyMigration(ctx context.Context, c *pgx.Conn, name string) error {
	version := strings.TrimSuffix(filepath.Base(name), ".sql")
	tx, err := c.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
		return fmt.Errorf("lock: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    text PRIMARY KEY,
		applied_at bigint NOT NULL
	)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM schema_migrations WHERE version = $1`, version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, string(body)); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)`,
		version, time.Now().UTC().UnixNano()); err != nil {
		return err
	}
	return tx.Commit(ctx)
}
