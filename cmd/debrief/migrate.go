package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/postgres"
	"github.com/debrief-dev/debrief/sqlite"
)

// openPostgres opens the tenant's PostgreSQL store at a postgres:// URL.
func openPostgres(ctx context.Context, dsn, tenant string) (*postgres.Store, error) {
	return postgres.OpenTenant(ctx, dsn, tenant) // its errors name the store, without the password
}

type migrateOptions struct {
	from, to string
}

// migrateTable is one table's row counts in "migrate --json".
type migrateTable struct {
	Table  string `json:"table"`
	Source int64  `json:"source"`
	Copied int64  `json:"copied"`
	Target int64  `json:"target"`
}

// migrateResult is what "migrate --json" prints.
type migrateResult struct {
	Tables            []migrateTable `json:"tables"`
	IncidentsVerified int            `json:"incidents_verified"`
	AlertsVerified    int            `json:"alerts_verified"`
	RunsVerified      int            `json:"playbook_runs_verified"`
	TokensVerified    int            `json:"tokens_verified"`
}

func (a *app) migrateCmd() *cobra.Command {
	var o migrateOptions
	cmd := &cobra.Command{
		Use:   "migrate --from sqlite:PATH --to postgres://…",
		Short: "Move a SQLite store into PostgreSQL, counted and verified",
		Long: `Copies every table of a SQLite store (incidents, alerts, links, versions, history,
raw records, playbook runs and steps, checkpoints, API tokens) into a
PostgreSQL store's tenant (--tenant, or DEBRIEF_TENANT; default "default") in
one transaction, then checks that each table's row count matches and that
every incident, alert, playbook run and token reads back the same from both
stores. The tenant must be empty; the SQLite file is only read. Stop ingesting
into the SQLite store while it runs.`,
		Example: `  debrief migrate --from sqlite:$HOME/.local/share/debrief/debrief.db --to postgres://debrief@db.internal/debrief
  debrief migrate --from sqlite:acme.db --to postgres://debrief@db.internal/debrief --tenant acme --json`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, ok := strings.CutPrefix(o.from, "sqlite:")
			if !ok || path == "" || strings.ContainsRune(path, '?') {
				return usagef("--from %q: want sqlite:PATH", o.from)
			}
			if !isPostgres(o.to) {
				return usagef("--to: want a postgres:// or postgresql:// URL")
			}
			tenant, _ := a.storeTenant()
			res, err := migrate(cmd.Context(), path, o.to, tenant)
			if err != nil {
				return err
			}
			if a.json {
				return a.printJSON(res)
			}
			printMigrate(a.stdout, res)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.from, "from", "", "the SQLite store: sqlite:PATH")
	fl.StringVar(&o.to, "to", "", "the PostgreSQL store: postgres://…")
	return cmd
}

func printMigrate(w io.Writer, res *migrateResult) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tSOURCE\tCOPIED\tTARGET")
	for _, t := range res.Tables {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\n", t.Table, t.Source, t.Copied, t.Target)
	}
	tw.Flush()
	fmt.Fprintf(w, "verified: %d incidents, %d alerts, %d playbook runs and %d tokens read back the same from both stores\n",
		res.IncidentsVerified, res.AlertsVerified, res.RunsVerified, res.TokensVerified)
}

// migrate copies the SQLite store at path into the tenant of the
// PostgreSQL store at dsn and verifies the copy.
func migrate(ctx context.Context, path, dsn, tenant string) (*migrateResult, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, debrief.Errorf(debrief.ENOTFOUND, "--from %s: %v", path, err)
	}
	from, err := sqlite.Open(ctx, path) // brings the schema up to date; its errors name the store
	if err != nil {
		return nil, err
	}
	defer from.Close()
	src, err := sql.Open("sqlite", path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer src.Close()
	to, err := postgres.OpenTenant(ctx, dsn, tenant)
	if err != nil {
		return nil, err
	}
	defer to.Close()

	tx, err := src.BeginTx(ctx, &sql.TxOptions{ReadOnly: true}) // one snapshot for counts and copy
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer tx.Rollback()
	res := &migrateResult{}
	for _, t := range postgres.ImportTables() {
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM `+t).Scan(&n); err != nil {
			return nil, fmt.Errorf("count %s in %s: %w", t, path, err)
		}
		res.Tables = append(res.Tables, migrateTable{Table: t, Source: n})
	}
	copied, err := to.ImportSQLite(ctx, tx)
	if err != nil {
		return nil, err
	}
	alertIDs, err := sqliteAlertIDs(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	target, err := to.Count(ctx)
	if err != nil {
		return nil, err
	}
	for i := range res.Tables {
		t := &res.Tables[i]
		t.Copied, t.Target = copied[t.Table], target[t.Table]
		if t.Copied != t.Source || t.Target != t.Source {
			return res, fmt.Errorf("migrate: table %s: %d rows in the source, %d copied, %d in the target", t.Table,
				t.Source, t.Copied, t.Target)
		}
	}
	if res.IncidentsVerified, res.AlertsVerified, err = verifyMigrated(ctx, from, to, alertIDs); err != nil {
		return res, fmt.Errorf("migrate: verify: %w", err)
	}
	if res.RunsVerified, res.TokensVerified, err = verifyCapabilities(ctx, from, to); err != nil {
		return res, fmt.Errorf("migrate: verify: %w", err)
	}
	return res, nil
}

func sqliteAlertIDs(ctx context.Context, q *sql.Tx) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM alerts ORDER BY pk`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// verifyMigrated checks that both stores list the same incidents, return
// the same incident (with alerts and history) and alert (with raw record)
// for every id, and the same unassigned alerts.
func verifyMigrated(ctx context.Context, from, to debrief.Store, alertIDs []string) (int, int, error) {
	want, err := from.Incidents(ctx, debrief.IncidentFilter{})
	if err != nil {
		return 0, 0, err
	}
	got, err := to.Incidents(ctx, debrief.IncidentFilter{})
	if err != nil {
		return 0, 0, err
	}
	if !reflect.DeepEqual(got, want) {
		return 0, 0, fmt.Errorf("the incident lists differ (%d incidents in the source, %d in the target)", len(want), len(got))
	}
	for _, in := range want {
		w, err := from.Incident(ctx, in.ID)
		if err != nil {
			return 0, 0, err
		}
		g, err := to.Incident(ctx, in.ID)
		if err != nil {
			return 0, 0, err
		}
		if !reflect.DeepEqual(g, w) {
			return 0, 0, fmt.Errorf("incident %s differs", in.ID)
		}
	}
	for _, id := range alertIDs {
		w, err := from.Alert(ctx, id)
		if err != nil {
			return 0, 0, err
		}
		g, err := to.Alert(ctx, id)
		if err != nil {
			return 0, 0, err
		}
		if !reflect.DeepEqual(g, w) {
			return 0, 0, fmt.Errorf("alert %s differs", id)
		}
	}
	wu, err := unassignedIDs(ctx, from)
	if err != nil {
		return 0, 0, err
	}
	gu, err := unassignedIDs(ctx, to)
	if err != nil {
		return 0, 0, err
	}
	if !slices.Equal(gu, wu) {
		return 0, 0, fmt.Errorf("the unassigned alerts differ (%d in the source, %d in the target)", len(wu), len(gu))
	}
	return len(want), len(alertIDs), nil
}

func unassignedIDs(ctx context.Context, st debrief.Store) ([]string, error) {
	var ids []string
	err := st.UnassignedAlerts(ctx, func(a debrief.Alert) error {
		ids = append(ids, a.ID)
		return nil
	})
	return ids, err
}

// verifyCapabilities checks that both stores list the same playbook runs,
// return the same run (with steps) for every id, and list the same tokens.
func verifyCapabilities(ctx context.Context, from *sqlite.Store, to *postgres.Store) (int, int, error) {
	want, err := from.Runs(ctx, "")
	if err != nil {
		return 0, 0, err
	}
	got, err := to.Runs(ctx, "")
	if err != nil {
		return 0, 0, err
	}
	if !reflect.DeepEqual(got, want) {
		return 0, 0, fmt.Errorf("the playbook run lists differ (%d runs in the source, %d in the target)", len(want), len(got))
	}
	for _, r := range want {
		w, err := from.Run(ctx, r.ID)
		if err != nil {
			return 0, 0, err
		}
		g, err := to.Run(ctx, r.ID)
		if err != nil {
			return 0, 0, err
		}
		if !reflect.DeepEqual(g, w) {
			return 0, 0, fmt.Errorf("playbook run %s differs", r.ID)
		}
	}
	wt, err := from.Tokens(ctx)
	if err != nil {
		return 0, 0, err
	}
	gt, err := to.Tokens(ctx)
	if err != nil {
		return 0, 0, err
	}
	if !reflect.DeepEqual(gt, wt) {
		return 0, 0, fmt.Errorf("the token lists differ (%d tokens in the source, %d in the target)", len(wt), len(gt))
	}
	return len(want), len(wt), nil
}
