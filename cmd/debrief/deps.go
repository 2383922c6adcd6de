package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/postgres"
	"github.com/debrief-dev/debrief/sqlite"
)

// importedBundle is where "attack import" keeps a user's bundle.
const importedBundle = "attack-bundle.json.gz"

// catalog returns the ATT&CK catalog in use: --attack FILE, else a bundle
// imported with "attack import", else the embedded snapshot.
func (a *app) catalog() (*attack.Catalog, error) {
	if a.cat != nil {
		return a.cat, nil
	}
	path := a.attackFile
	if path == "" {
		if dir, err := dataDir(); err == nil {
			if p := filepath.Join(dir, importedBundle); fileExists(p) {
				path = p
			}
		}
	}
	var err error
	if path == "" {
		a.cat, err = attack.Embedded()
	} else {
		a.cat, err = attack.LoadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("ATT&CK data: %w", err)
	}
	return a.cat, nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// readStore is store for commands that only read: a SQLite store that
// does not exist is an error, not a new empty store.
func (a *app) readStore(ctx context.Context) (debrief.Store, error) { return a.openStore(ctx, true) }

// store opens the store once per command, creating a SQLite store that
// does not exist yet.
func (a *app) store(ctx context.Context) (debrief.Store, error) { return a.openStore(ctx, false) }

func (a *app) openStore(ctx context.Context, existing bool) (debrief.Store, error) {
	if a.st != nil {
		return a.st, nil
	}
	dsn, err := a.dsn()
	if err != nil {
		return nil, err
	}
	var st debrief.Store
	tenant, source := a.storeTenant()
	if isPostgres(dsn) {
		st, err = openPostgres(ctx, dsn, tenant)
	} else if derr := a.notSQLite(dsn); derr != nil {
		return nil, derr
	} else if source != "" && tenant != postgres.DefaultTenant {
		return nil, usagef("%s: tenants need a PostgreSQL store (--db postgres://…)", named(source, tenant))
	} else if _, serr := os.Stat(dsn); existing && dsn != sqlite.Memory && errors.Is(serr, fs.ErrNotExist) {
		return nil, debrief.Errorf(debrief.ENOTFOUND,
			"store %s does not exist: create one with 'debrief ingest PATH…', or choose another with --db", dsn)
	} else {
		st, err = sqlite.Open(ctx, dsn) // its errors name the store
	}
	if err != nil {
		return nil, fmt.Errorf("%w (choose another with --db)", err)
	}
	a.st = st
	a.closers = append(a.closers, st.Close)
	return st, nil
}

// urlScheme is a URL scheme of more than one letter (C:// is a path).
var urlScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]+$`)

// keyValueDSN matches a libpq key=value DSN.
var keyValueDSN = regexp.MustCompile(`(^|\s)(host|hostaddr|port|dbname|user|password|passfile|sslmode|sslpassword|service)\s*=`)

// notSQLite refuses a store that is neither a postgres:// URL nor a SQLite
// file path but a URL of another scheme (a typo: postgress://) or a
// key=value DSN, of which SQLite would make a file (holding the password
// in its name).
func (a *app) notSQLite(dsn string) error {
	source := "--db"
	if a.db == "" {
		source = "DEBRIEF_DB"
	}
	if scheme, _, ok := strings.Cut(dsn, "://"); ok && urlScheme.MatchString(scheme) {
		return usagef("%s: unknown scheme %q: want a postgres:// or postgresql:// URL, or a SQLite file path",
			named(source, postgres.Redact(dsn)), scheme)
	}
	if keyValueDSN.MatchString(dsn) {
		return usagef("%s: a key=value DSN: write it as a URL, postgres://USER:PASSWORD@HOST:PORT/DB (a socket directory as ?host=/DIR)",
			named(source, postgres.Redact(dsn)))
	}
	return nil
}
