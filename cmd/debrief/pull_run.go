package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/debrief-dev/debrief/connect"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/internal/progress"
)

// pullFeeds pulls each feed once, or every interval with --watch, and
// prints what each pull stored; --reset first drops the feeds'
// checkpoints.
func (a *app) pullFeeds(ctx context.Context, feeds []connect.Feed, since time.Time, o pullOptions) error {
	st, err := a.store(ctx)
	if err != nil {
		if _, src := a.storeTenant(); src == "--tenant" && errors.As(err, new(usageError)) {
			return usagef("%v; the Entra ID tenant is --entra-tenant", err)
		}
		return err
	}
	cs, err := connect.CheckpointsOf(st)
	if err != nil {
		return err
	}
	cat, err := a.catalog()
	if err != nil {
		return err
	}
	if o.reset {
		for _, f := range feeds {
			if _, err := cs.DeleteCheckpoint(ctx, f.Name()); err != nil {
				return err
			}
		}
	}
	sink := &connect.Sink{Store: st, Knowledge: ingest.Catalog(cat)}
	poll := func(ctx context.Context) error {
		var all []pullSummary
		for _, f := range feeds {
			s, err := connect.Pull(ctx, f, connect.Options{Sink: sink, Checkpoints: cs, Since: since, Progress: a.pullProgress()})
			a.endProgress()
			sum := pullSummary{Stats: s}
			if err == nil {
				sum.Placeholders, sum.Correlated, err = afterWrite(ctx, st, o.window, o.noCorrel)
			}
			all = append(all, sum)
			if err != nil {
				a.printPull(all)
				return err
			}
		}
		return a.printPull(all)
	}
	if o.watch <= 0 {
		return poll(ctx)
	}
	return watch(ctx, o.watch, poll, func(err error) {
		fmt.Fprintf(a.stderr, "debrief: %v (pulling again in %s)\n", err, o.watch)
	})
}

// pullSummary is what a pull of one feed did, printed by "pull --json"
// in an array: the feed's stats, and what afterWrite made after it.
type pullSummary struct {
	connect.Stats
	Placeholders ingest.Tally `json:"placeholders"`
	Correlated   ingest.Tally `json:"correlated"`
}

// watch calls poll now and then every interval, until ctx ends, which
// is how a watch stops: it returns nil then. A poll that fails is
// reported to failed and the watch goes on, for the next poll resumes
// from the checkpoint of the failed one.
func watch(ctx context.Context, every time.Duration, poll func(context.Context) error, failed func(error)) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if err := poll(ctx); err != nil && ctx.Err() == nil {
			failed(err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// pullProgress returns the progress line's callback: one line on stderr,
// rewritten after each stored page, when stderr is a terminal.
func (a *app) pullProgress() func(connect.Stats) {
	if a.quiet || !progress.IsTerminal(a.stderr) {
		return nil
	}
	return func(s connect.Stats) { fmt.Fprint(a.stderr, progressLine(s)) }
}

// progressLine is the progress line after a stored page: it returns to
// the start of the line and overwrites the one before.
func progressLine(s connect.Stats) string {
	return fmt.Sprintf("\r%s: %s, %s (new %d, updated %d)   ", s.Feed, count(s.Pages, "page"), count(s.Alerts, "alert"), s.Written.AlertsNew, s.Written.AlertsUpdated)
}

func (a *app) endProgress() {
	if !a.quiet && progress.IsTerminal(a.stderr) {
		fmt.Fprintln(a.stderr)
	}
}

func (a *app) printPull(all []pullSummary) error {
	if a.json {
		return a.printJSON(all)
	}
	for _, s := range all {
		printPullStats(a.stdout, s)
	}
	for _, s := range all {
		if s.Rejected > 0 {
			a.exit = exitRejected
		}
	}
	return nil
}

func printPullStats(w io.Writer, s pullSummary) {
	resumed := ""
	if s.Resumed {
		resumed = " (resumed)"
	}
	fmt.Fprintf(w, "%s: %s, %s%s\n", s.Feed, count(s.Pages, "page"), count(s.Records, "record"), resumed)
	fmt.Fprintf(w, "  incidents  new %d  updated %d  unchanged %d\n", s.Written.IncidentsNew, s.Written.IncidentsUpdated, s.Written.IncidentsUnchanged)
	fmt.Fprintf(w, "  alerts     new %d  updated %d  unchanged %d\n", s.Written.AlertsNew, s.Written.AlertsUpdated, s.Written.AlertsUnchanged)
	if s.Rejected > 0 {
		fmt.Fprintf(w, "  rejected %d\n", s.Rejected)
		for _, r := range s.Rejects {
			fmt.Fprintf(w, "    %s\n", r)
		}
	}
	printAfterWrite(w, s.Placeholders, s.Correlated)
	if !s.Since.IsZero() {
		fmt.Fprintf(w, "  next pull from %s\n", s.Since.Format(time.RFC3339))
	}
}
