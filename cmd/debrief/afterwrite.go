package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/correlate"
	"github.com/debrief-dev/debrief/ingest"
)

// afterWrite is what ingest, pull and stream do once they have stored
// records: make placeholder incidents of the incidents that stored alerts
// name but the store lacks, then, unless noCorrelate, group the alerts
// that belong to no incident into incidents within window. It returns
// what each step made.
func afterWrite(ctx context.Context, st debrief.Store, window time.Duration, noCorrelate bool) (placeholders, correlated ingest.Tally, err error) {
	if placeholders, err = ingest.Placeholders(ctx, st); err != nil || noCorrelate {
		return placeholders, correlated, err
	}
	correlated, err = ingest.Correlate(ctx, st, correlate.Options{Window: window})
	return placeholders, correlated, err
}

// windowUsage is the help of --window wherever correlation runs.
const windowUsage = "correlation window: an alert without an incident joins one, new or made before, whose latest alert is at most this much older (e.g. 12h, 1d, 2w)"

// correlateFlags binds --window and --no-correlate as ingest has them.
func correlateFlags(cmd *cobra.Command, window *time.Duration, noCorrelate *bool) {
	f := cmd.Flags()
	f.Var(spanFlag(window, 24*time.Hour), "window", windowUsage)
	f.BoolVar(noCorrelate, "no-correlate", false, "leave alerts without an incident ungrouped")
}

// printAfterWrite writes the summary lines of what afterWrite made, none
// when it made nothing.
func printAfterWrite(w io.Writer, placeholders, correlated ingest.Tally) {
	if p := placeholders; p.Incidents > 0 {
		its, has := "their", "records have"
		if p.Incidents == 1 {
			its, has = "its", "record has"
		}
		fmt.Fprintf(w, "  placeholders %s made from %s alerts (%s): %s own %s not been ingested (see 'debrief incident show')\n",
			count(p.Incidents, "incident"), its, count(p.Alerts, "alert"), its, has)
	}
	if c := correlated; c.Incidents > 0 {
		fmt.Fprintf(w, "  correlated %s into %s", count(c.Alerts, "alert"), count(c.Incidents, "incident"))
		if c.Updated > 0 {
			fmt.Fprintf(w, " (%d stored before, grown)", c.Updated)
		}
		fmt.Fprintln(w)
	}
}
