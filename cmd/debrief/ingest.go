package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/ingest/formats"
	"github.com/debrief-dev/debrief/internal/progress"
)

type ingestOptions struct {
	format    string
	strict    bool
	window    time.Duration
	noCorrel  bool
	batchSize int
}

// ingestSummary is the JSON printed by "ingest --json".
type ingestSummary struct {
	*ingest.Summary
	Placeholders ingest.Tally `json:"placeholders"`
	Correlated   ingest.Tally `json:"correlated"`
}

func (a *app) ingestCmd() *cobra.Command {
	var o ingestOptions
	cmd := &cobra.Command{
		Use:   "ingest PATH...",
		Short: "Read vendor exports of incidents and alerts into the store",
		Long: `Ingest reads incidents and alerts exported from security products into the store.

PATH is a file, a folder (read recursively), a glob, or - for stdin; .gz files are
decompressed. Each input's format is identified from its first bytes unless
--format names it. Formats: ` + strings.Join(formatNames(), ", ") + `.

A bad record is reported (file, line or record, field, what was expected) and
the others are stored; the exit code is then 3. With --strict the first bad
record stops the run and nothing of that input is stored. When no input could
be read at all (empty, or in no format debrief reads) ingest fails (exit 1). Ingesting the same
export again changes nothing; a newer version of a record updates it and adds
the change to the incident's history.

Alerts that name an incident whose own record is not in the store (a Graph
/security/alerts_v2 export) make a placeholder incident, built from them; the
incident's record, ingested later, replaces it.

Alerts that arrive without an incident (Elastic, Wazuh, OCSF, advanced hunting)
are grouped into incidents when they share a device, user, mailbox, IP address
or file hash within --window. An alert joins an incident an earlier ingest made
as well, when its latest alert is within --window: that incident is updated.`,
		Example: `  debrief ingest defender-incidents.json
  debrief ingest exports/ --json
  zcat alerts.ndjson.gz | debrief ingest - --format elastic
  debrief ingest 'sentinel/*.json' --strict`,
		Args: args(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, paths []string) error {
			return a.runIngest(cmd, paths, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "auto", "input format: auto or one of "+strings.Join(formatNames(), ", "))
	f.BoolVar(&o.strict, "strict", false, "stop at the first bad record; store nothing of that input")
	correlateFlags(cmd, &o.window, &o.noCorrel)
	f.IntVar(&o.batchSize, "batch", ingest.DefaultBatch, "records per store transaction")
	return cmd
}

func formatNames() []string {
	var out []string
	for _, d := range formats.All() {
		out = append(out, d.Name())
	}
	return out
}

func (a *app) runIngest(cmd *cobra.Command, paths []string, o ingestOptions) error {
	if o.format != "" && o.format != "auto" && !slices.Contains(formatNames(), o.format) {
		return usagef("--format %q: want auto or one of %s", o.format, strings.Join(formatNames(), ", "))
	}
	ctx := cmd.Context()
	st, err := a.store(ctx)
	if err != nil {
		return err
	}
	cat, err := a.catalog()
	if err != nil {
		return err
	}
	bar := progress.New(a.stderr, "ingest", a.quiet)
	sum, runErr := ingest.Run(ctx, ingest.Options{
		Paths: paths, Format: o.format, Decoders: formats.All(), Strict: o.strict,
		Stdin: a.stdin, Store: st, Knowledge: ingest.Catalog(cat), BatchSize: o.batchSize, Progress: bar,
		Warn: func(msg string) { fmt.Fprintf(a.stderr, "warning: %s\n", msg) },
	})
	out := ingestSummary{Summary: sum}
	if sum != nil && (runErr == nil || errors.Is(runErr, ingest.ErrStrict)) {
		if out.Placeholders, out.Correlated, err = afterWrite(ctx, st, o.window, o.noCorrel); err != nil {
			return err
		}
	}
	if sum != nil {
		if a.json {
			if err := a.printJSON(out); err != nil {
				return err
			}
		} else {
			printIngestSummary(a.stdout, out)
		}
		if sum.Rejects() && !errors.Is(runErr, ingest.ErrNothingRead) {
			a.exit = exitRejected
		}
	}
	if runErr != nil {
		if errors.Is(runErr, ingest.ErrStrict) {
			a.exit = exitRejected
			name := "the input"
			if re := (*debrief.RecordError)(nil); errors.As(runErr, &re) {
				name = re.File
			}
			if name == "-" {
				name = "stdin"
			}
			return fmt.Errorf("%w; %s was not stored because of --strict (fix it, or run without --strict to store its good records)", runErr, name)
		}
		return runErr
	}
	return nil
}

func printIngestSummary(w io.Writer, s ingestSummary) {
	fmt.Fprintf(w, "read %s from %s", count(s.Read, "record"), count(s.Files, "input"))
	if len(s.Formats) > 0 {
		var fs []string
		for f, n := range s.Formats {
			fs = append(fs, fmt.Sprintf("%s %d", f, n))
		}
		sort.Strings(fs)
		fmt.Fprintf(w, " (%s)", strings.Join(fs, ", "))
	}
	fmt.Fprintln(w)
	// Renormalised records (the same source record decoded anew) show
	// only when there are any.
	renorm := func(n int) string {
		if s.Renormalised == (ingest.Tally{}) {
			return ""
		}
		return fmt.Sprintf("  renormalised %d", n)
	}
	fmt.Fprintf(w, "  incidents  new %d  updated %d  unchanged %d%s\n", s.New.Incidents, s.Updated.Incidents, s.Unchanged.Incidents,
		renorm(s.Renormalised.Incidents))
	fmt.Fprintf(w, "  alerts     new %d  updated %d  unchanged %d%s\n", s.New.Alerts, s.Updated.Alerts, s.Unchanged.Alerts,
		renorm(s.Renormalised.Alerts))
	printAfterWrite(w, s.Placeholders, s.Correlated)
	if len(s.Revoked) > 0 {
		var rs []string
		for from, to := range s.Revoked {
			rs = append(rs, string(from)+"→"+to)
		}
		sort.Strings(rs)
		fmt.Fprintf(w, "  revoked technique ids replaced: %s\n", strings.Join(rs, ", "))
	}
	if len(s.Unknown) > 0 {
		var us []string
		for _, id := range s.SortedUnknown() {
			us = append(us, fmt.Sprintf("%s (%d)", id, s.Unknown[id]))
		}
		fmt.Fprintf(w, "  technique ids unknown to ATT&CK %s, kept: %s\n", "in use", strings.Join(us, ", "))
	}
	if len(s.Skipped) > 0 {
		fmt.Fprintf(w, "  skipped %s in folders that are not in a format debrief reads: %s\n", count(len(s.Skipped), "file"), strings.Join(clipList(s.Skipped, 5), ", "))
	}
	if s.RejectedTotal == 0 {
		return
	}
	fmt.Fprintf(w, "rejected %d:\n", s.RejectedTotal)
	var reasons []string
	for r := range s.RejectedByReason {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool { return s.RejectedByReason[reasons[i]] > s.RejectedByReason[reasons[j]] })
	for _, r := range reasons {
		fmt.Fprintf(w, "  %6d  %s\n", s.RejectedByReason[r], r)
	}
	const show = 10
	for i, r := range s.Rejected {
		if i == show {
			fmt.Fprintf(w, "  … and %d more (%s)\n", s.RejectedTotal-show, jsonLists(len(s.Rejected), s.RejectedTotal))
			break
		}
		loc := r.File
		if r.Location != "" {
			sep := ":" // file:LINE: record N, file: record N
			if r.Location[0] < '0' || r.Location[0] > '9' {
				sep = ": "
			}
			loc += sep + r.Location
		}
		if r.Field != "" {
			loc += ": " + r.Field
		}
		kept := ""
		if r.Kept {
			kept = " (record kept)"
		}
		fmt.Fprintf(w, "  %s: %s%s\n", loc, r.Reason, kept)
	}
}

// count is n and what, plural unless n is 1.
func count(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// jsonLists says which rejects --json lists: listed of total.
func jsonLists(listed, total int) string {
	if listed == total {
		return "--json lists them all"
	}
	return fmt.Sprintf("--json lists the first %d of the %d", listed, total)
}

func clipList(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(slices.Clip(s[:n]), fmt.Sprintf("… %d more", len(s)-n))
}
