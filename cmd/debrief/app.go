package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/postgres"
)

// Exit codes.
const (
	exitOK       = 0
	exitError    = 1
	exitUsage    = 2
	exitRejected = 3 // finished, but some records were rejected
)

// app carries what every command shares: stdio, the global flags, and the
// lazily opened store and catalog.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer

	db         string
	tenant     string
	attackFile string
	json       bool
	quiet      bool

	exit    int // set by a command that finished with rejects
	closers []func() error
	cat     *attack.Catalog
	st      debrief.Store
}

// usageError marks errors in how the command was called (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// run executes the command line args and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := a.rootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	for i := len(a.closers) - 1; i >= 0; i-- {
		if cerr := a.closers[i](); cerr != nil && err == nil {
			err = cerr
		}
	}
	if err != nil {
		return a.fail(cmd, err)
	}
	return a.exit
}

// fail reports err of the command cmd (the root when none was found) and
// returns the exit code.
func (a *app) fail(cmd *cobra.Command, err error) int {
	var ue usageError
	if errors.As(err, &ue) {
		path := "debrief"
		if cmd != nil {
			path = cmd.CommandPath()
		}
		fmt.Fprintf(a.stderr, "debrief: %v\nRun '%s --help' for usage.\n", err, path)
		return exitUsage
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(a.stderr, "debrief: interrupted")
		return exitError
	}
	fmt.Fprintf(a.stderr, "debrief: %v\n", err)
	if debrief.ErrorCode(err) == debrief.EINVALID && a.exit == exitRejected {
		return exitRejected
	}
	return exitError
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "debrief",
		Short: "Turn a security team's incidents into lessons",
		Long: `debrief reads the ATT&CK-labelled incidents and alerts of Microsoft Defender XDR,
Microsoft Graph, Sentinel, Elastic Security, Wazuh and OCSF products, keeps them
in a store (SQLite by default), and answers what NIST SP 800-61 asks after every
incident: what happened and when, how well the team did, what it could not see,
who it was, and what to change.

Exit codes: 0 ok, 1 error, 2 usage, 3 finished but some records were rejected.`,
		Example: `  debrief demo
  debrief ingest exports/ --json
  debrief incidents --since 30d --technique T1566
  debrief review defender:924565 --format html -o review.html
  debrief attack show T1566.001`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.CompletionOptions.HiddenDefaultCmd = true
	pf := root.PersistentFlags()
	pf.StringVar(&a.db, "db", "", "store: a SQLite file or postgres://… DSN (env DEBRIEF_DB; default debrief.db in the user data directory)")
	pf.StringVar(&a.tenant, "tenant", "", "PostgreSQL store: the tenant (organisation) whose data to use (env DEBRIEF_TENANT; default \"default\")")
	pf.StringVar(&a.attackFile, "attack", "", "an ATT&CK STIX bundle (.json or .json.gz) to use instead of the embedded v18.1 snapshot")
	pf.BoolVar(&a.json, "json", false, "print machine-readable JSON on stdout")
	pf.BoolVarP(&a.quiet, "quiet", "q", false, "no progress output on stderr")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		// the knowledge base and the store
		a.versionCmd(), a.attackCmd(), a.ingestCmd(), a.incidentsCmd(), a.incidentCmd(), a.migrateCmd(),
		// the review and its analyses
		a.reviewCmd(), a.demoCmd(), a.simulateCmd(), a.coverageCmd(), a.attributeCmd(), a.attributionCmd(),
		a.campaignsCmd(), a.trendsCmd(), a.skillsCmd(), a.playbookCmd(),
		// live sources and the server
		a.pullCmd(), a.streamCmd(), a.checkpointCmd(), a.serveCmd(), a.tokenCmd(),
	)
	return root
}

// args wraps a cobra argument validator so its errors are usage errors.
func args(v cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, as []string) error {
		if err := v(cmd, as); err != nil {
			return usageError{err}
		}
		return nil
	}
}

// dataDir is where debrief keeps its store and imported ATT&CK bundles:
// $DEBRIEF_HOME, else $XDG_DATA_HOME/debrief, else the platform's per-user
// data directory.
func dataDir() (string, error) {
	if d := os.Getenv("DEBRIEF_HOME"); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "debrief"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find the data directory (set DEBRIEF_HOME): %w", err)
	}
	switch runtime.GOOS {
	case "darwin":
		return filepath.Join(home, "Library", "Application Support", "debrief"), nil
	case "windows":
		if d := os.Getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "debrief"), nil
		}
	}
	return filepath.Join(home, ".local", "share", "debrief"), nil
}

// dsn returns the store location: --db, $DEBRIEF_DB, or the default file.
func (a *app) dsn() (string, error) {
	if a.db != "" {
		return a.db, nil
	}
	if d := os.Getenv("DEBRIEF_DB"); d != "" {
		return d, nil
	}
	dir, err := dataDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "debrief.db"), nil
}

// storeTenant returns the tenant of a PostgreSQL store and where it came
// from: --tenant, $DEBRIEF_TENANT, or "default" (source "").
func (a *app) storeTenant() (tenant, source string) {
	if a.tenant != "" {
		return a.tenant, "--tenant"
	}
	if t := os.Getenv("DEBRIEF_TENANT"); t != "" {
		return t, "DEBRIEF_TENANT"
	}
	return postgres.DefaultTenant, ""
}

// named shows a setting and where it came from: "--flag value" or
// "ENV=value".
func named(source, value string) string {
	if strings.HasPrefix(source, "--") {
		return source + " " + value
	}
	return source + "=" + value
}

// printJSON writes v as indented JSON on stdout.
func (a *app) printJSON(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}
