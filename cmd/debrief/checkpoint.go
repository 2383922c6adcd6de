package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/connect"
)

func (a *app) checkpointCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "checkpoint",
		Short: "List or reset the checkpoints of live sources (where each pull resumes)",
		Long: `Each pull feed keeps a checkpoint in the store: where its next run reads from, and
the next page of a run that was stopped. Resetting a checkpoint makes the feed's next
pull start afresh (from --since, or everything the source keeps); the records
already stored stay, and pulling them again changes nothing.`,
		Example: `  debrief checkpoint list
  debrief checkpoint reset defender/incidents
  debrief checkpoint reset --all`,
		Args: args(cobra.NoArgs),
	}
	cmd.AddCommand(a.checkpointListCmd(), a.checkpointResetCmd())
	return cmd
}

// checkpoints is the checkpoint capability of the store open gives.
func (a *app) checkpoints(ctx context.Context, open func(context.Context) (debrief.Store, error)) (debrief.CheckpointStore, error) {
	st, err := open(ctx)
	if err != nil {
		return nil, err
	}
	return connect.CheckpointsOf(st)
}

func (a *app) checkpointListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the checkpoints: each feed, when it last moved and where its next pull starts",
		Example: `  debrief checkpoint list
  debrief checkpoint list --json`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cs, err := a.checkpoints(cmd.Context(), a.readStore)
			if err != nil {
				return err
			}
			list, err := cs.Checkpoints(cmd.Context())
			if err != nil {
				return err
			}
			if a.json {
				return a.printJSON(list)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tUPDATED\tNEXT PULL FROM")
			for _, c := range list {
				textf(tw, "%s\t%s\t%s\n", c.Name, c.Updated.Local().Format(time.DateTime), describeCheckpoint(c.Value))
			}
			return tw.Flush()
		},
	}
}

// describeCheckpoint says where a feed's next pull starts.
func describeCheckpoint(value string) string {
	since, resumes, err := connect.Describe(value)
	switch {
	case err != nil:
		return "? (" + err.Error() + ")"
	case resumes:
		return "the next page of a stopped run"
	case since.IsZero():
		return "the start"
	}
	return since.Format(time.RFC3339)
}

func (a *app) checkpointResetCmd() *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "reset NAME... | --all",
		Short: "Delete checkpoints, so that their feeds' next pull starts afresh",
		Example: `  debrief checkpoint reset graph/incidents graph/alerts
  debrief checkpoint reset --all`,
		RunE: func(cmd *cobra.Command, names []string) error {
			switch {
			case all && len(names) > 0:
				return usagef("checkpoint names and --all cannot be combined")
			case !all && len(names) == 0:
				return usagef("want checkpoint names (see 'debrief checkpoint list') or --all")
			}
			cs, err := a.checkpoints(cmd.Context(), a.store)
			if err != nil {
				return err
			}
			return a.resetCheckpoints(cmd.Context(), cs, names, all)
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "reset every checkpoint")
	return cmd
}

func (a *app) resetCheckpoints(ctx context.Context, cs debrief.CheckpointStore, names []string, all bool) error {
	if all {
		list, err := cs.Checkpoints(ctx)
		if err != nil {
			return err
		}
		for _, c := range list {
			names = append(names, c.Name)
		}
	}
	var missing []string
	for _, n := range names {
		ok, err := cs.DeleteCheckpoint(ctx, n)
		if err != nil {
			return err
		}
		if !ok {
			missing = append(missing, n)
			continue
		}
		if !a.json {
			fmt.Fprintf(a.stdout, "reset %s\n", n)
		}
	}
	if a.json {
		if err := a.printJSON(map[string][]string{"reset": without(names, missing), "missing": missing}); err != nil {
			return err
		}
	}
	if len(missing) > 0 {
		return debrief.Errorf(debrief.ENOTFOUND, "no checkpoint named %s (see 'debrief checkpoint list')", strings.Join(missing, ", "))
	}
	return nil
}

func without(all, drop []string) []string {
	out := []string{}
	for _, s := range all {
		if !slices.Contains(drop, s) {
			out = append(out, s)
		}
	}
	return out
}
