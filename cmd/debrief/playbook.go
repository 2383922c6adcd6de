package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/d3fend"
	"github.com/debrief-dev/debrief/playbook"
)

// Files in the data directory.
const (
	playbookConfigFile = "playbooks.yaml"
	playbookAuditFile  = "playbook-audit.jsonl"
)

func (a *app) playbookCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "playbook",
		Short: "Lint, test, replay, suggest and run remediation playbooks",
		Long: `Playbooks are YAML files (apiVersion debrief/v1, kind Playbook) with a trigger on
incidents and steps that call Power Automate / Logic Apps HTTP triggers, Teams and
Slack webhooks, Microsoft Graph and Defender, email, or debrief's own store.

Runs are dry runs unless --live is given AND the playbook config (playbooks.yaml in
the data directory, or --config) says live: true. Every plan, approval, request and
outcome goes to a hash-chained audit log (playbook-audit.jsonl in the data directory).`,
		Example: `  debrief playbook lint playbooks/*.yaml
  debrief playbook test contain.yaml --incident defender:924565
  debrief playbook replay contain.yaml --since 90d
  debrief playbook suggest defender:924565 -o respond.yaml
  debrief playbook run contain.yaml --incident defender:924565 --live
  debrief playbook approve run-20260301T120000Z-1a2b3c4d isolate#device:abc --playbook contain.yaml
  debrief playbook audit verify`,
	}
	cmd.AddCommand(a.playbookLintCmd(), a.playbookTestCmd(), a.playbookReplayCmd(), a.playbookSuggestCmd(),
		a.playbookRunCmd(), a.playbookApproveCmd(), a.playbookAuditCmd())
	return cmd
}

func (a *app) playbookLintCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "lint FILE...",
		Short:   "Check playbook files and report every problem with its line",
		Example: `  debrief playbook lint playbooks/*.yaml`,
		Args:    args(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, files []string) error {
			type result struct {
				File     string   `json:"file"`
				OK       bool     `json:"ok"`
				Problems []string `json:"problems,omitempty"`
			}
			var out []result
			bad := 0
			for _, f := range files {
				r := result{File: f, OK: true}
				if _, err := playbook.LoadFile(f, playbook.Options{}); err != nil {
					r.OK = false
					bad++
					var ps playbook.Problems
					if errors.As(err, &ps) {
						for _, p := range ps {
							r.Problems = append(r.Problems, p.Error())
						}
					} else {
						r.Problems = []string{err.Error()}
					}
				}
				out = append(out, r)
			}
			if a.json {
				if err := a.printJSON(out); err != nil {
					return err
				}
			} else {
				for _, r := range out {
					if r.OK {
						fmt.Fprintf(a.stdout, "%s: ok\n", r.File)
					}
					for _, p := range r.Problems {
						fmt.Fprintln(a.stdout, p)
					}
				}
			}
			if bad > 0 {
				return debrief.Errorf(debrief.EINVALID, "%d of %d playbooks have problems", bad, len(files))
			}
			return nil
		},
	}
}

func (a *app) playbookTestCmd() *cobra.Command {
	var id, event string
	cmd := &cobra.Command{
		Use:     "test FILE --incident ID",
		Short:   "Show whether a playbook's trigger matches an incident, and why",
		Example: `  debrief playbook test contain.yaml --incident defender:924565 --event incident.created`,
		Args:    args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, files []string) error {
			if id == "" {
				return usagef("--incident is required")
			}
			pb, err := playbook.LoadFile(files[0], playbook.Options{})
			if err != nil {
				return err
			}
			st, err := a.store(cmd.Context())
			if err != nil {
				return err
			}
			in, err := findIncident(cmd, st, id)
			if err != nil {
				return err
			}
			r := pb.Explain(playbook.NewFacts(in), event)
			if a.json {
				return a.printJSON(r)
			}
			verdict := "does not match"
			if r.Matched {
				verdict = "matches"
			}
			fmt.Fprintf(a.stdout, "%s %s %s\n", pb.Name(), verdict, in.ID)
			for _, why := range r.Reasons {
				fmt.Fprintln(a.stdout, "  "+why)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&id, "incident", "", "the incident to test against")
	cmd.Flags().StringVar(&event, "event", "", "the event: incident.created, incident.updated or review.completed (default: any)")
	return cmd
}

func (a *app) playbookReplayCmd() *cobra.Command {
	var since string
	cmd := &cobra.Command{
		Use:   "replay FILE... [--since 90d]",
		Short: "Show what playbooks would have fired on past incidents, and the time they would have saved",
		Long: `Replay matches the incidents created since --since against the playbooks, as if each
had just been created. Time saved is estimated from each incident's time model:
a playbook that contains (isolate, disable, revoke, block) saves created → contained,
one that notifies saves created → first triage.`,
		Example: `  debrief playbook replay playbooks/*.yaml --since 90d --json`,
		Args:    args(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, files []string) error {
			from, err := parseWhen(since, time.Now())
			if err != nil {
				return usagef("--since: %v", err)
			}
			var pbs []*playbook.Playbook
			for _, f := range files {
				pb, err := playbook.LoadFile(f, playbook.Options{})
				if err != nil {
					return err
				}
				pbs = append(pbs, pb)
			}
			st, err := a.store(cmd.Context())
			if err != nil {
				return err
			}
			ins, err := st.Incidents(cmd.Context(), debrief.IncidentFilter{Since: from})
			if err != nil {
				return err
			}
			if playbook.UsesEntities(pbs) {
				for i := range ins {
					full, err := st.Incident(cmd.Context(), ins[i].ID)
					if err != nil {
						return err
					}
					ins[i] = *full
				}
			}
			rep := playbook.Replay(pbs, ins)
			if a.json {
				return a.printJSON(rep)
			}
			fmt.Fprintf(a.stdout, "%d of %d incidents since %s would have fired a playbook\n", rep.Matched, rep.Incidents, from.Format("2006-01-02"))
			for _, pb := range pbs {
				fmt.Fprintf(a.stdout, "  %-32s %d\n", pb.Name(), rep.PerPlaybook[pb.Name()])
			}
			fmt.Fprintf(a.stdout, "estimated time saved: %s in total, median %s per incident\n",
				rep.Saved.Round(time.Minute), rep.MedianSaved.Round(time.Minute))
			return nil
		},
	}
	cmd.Flags().StringVar(&since, "since", "90d", "incidents created at or after: a duration back from now (90d) or a date")
	return cmd
}

func (a *app) playbookSuggestCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "suggest ID",
		Short: "Write a playbook for incidents like this one",
		Long: `Suggest writes a playbook from an incident: a trigger on its techniques and severity,
a Teams notification, response steps from a built-in technique → action table for the
entity kinds it has (containment behind approval), and the ATT&CK mitigations and
D3FEND countermeasures of each technique as comments.`,
		Example: `  debrief playbook suggest defender:924565 -o respond.yaml && debrief playbook lint respond.yaml`,
		Args:    args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, ids []string) error {
			st, err := a.store(cmd.Context())
			if err != nil {
				return err
			}
			in, err := findIncident(cmd, st, ids[0])
			if err != nil {
				return err
			}
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			d3, err := d3fend.Embedded()
			if err != nil {
				return err
			}
			y := playbook.Suggest(in, cat, d3)
			return writeOut(a.stdout, out, func(w io.Writer) error { _, err := w.Write(y); return err })
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to FILE instead of stdout")
	return cmd
}

// runner builds a playbook runner on the store, the config and the audit log.
func (a *app) runner(cmd *cobra.Command, config string) (*playbook.Runner, error) {
	st, err := a.store(cmd.Context())
	if err != nil {
		return nil, err
	}
	ps, ok := st.(debrief.PlaybookStore)
	if !ok {
		return nil, debrief.Errorf(debrief.EINVALID, "this store does not keep playbook runs (use a SQLite store)")
	}
	dir, err := dataDir()
	if err != nil {
		return nil, err
	}
	var cfg playbook.Config
	if config == "" && fileExists(filepath.Join(dir, playbookConfigFile)) {
		config = filepath.Join(dir, playbookConfigFile)
	}
	if config != "" {
		if cfg, err = playbook.LoadConfig(config); err != nil {
			return nil, err
		}
	}
	audit, err := playbook.OpenAudit(filepath.Join(dir, playbookAuditFile))
	if err != nil {
		return nil, err
	}
	a.closers = append(a.closers, audit.Close)
	return &playbook.Runner{Store: ps, Audit: audit, Config: cfg, Getenv: os.Getenv}, nil
}

func (a *app) playbookRunCmd() *cobra.Command {
	var id, config, resume string
	var live bool
	cmd := &cobra.Command{
		Use:   "run FILE --incident ID [--live]",
		Short: "Plan a playbook on an incident (dry run), or run it with --live",
		Example: `  debrief playbook run contain.yaml --incident defender:924565
  debrief playbook run contain.yaml --incident defender:924565 --live --config playbooks.yaml
  debrief playbook run contain.yaml --incident defender:924565 --resume run-20260301T120000Z-1a2b3c4d`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, files []string) error {
			if id == "" {
				return usagef("--incident is required")
			}
			pb, err := playbook.LoadFile(files[0], playbook.Options{})
			if err != nil {
				return err
			}
			r, err := a.runner(cmd, config)
			if err != nil {
				return err
			}
			in, err := findIncident(cmd, a.st, id)
			if err != nil {
				return err
			}
			var run *debrief.PlaybookRun
			if resume != "" {
				run, err = r.Resume(cmd.Context(), resume, pb, in)
			} else {
				run, err = r.Run(cmd.Context(), pb, in, live)
			}
			if run != nil {
				a.printRun(run)
			}
			if err == nil && run.Status == debrief.RunFailed {
				err = fmt.Errorf("run %s failed", run.ID)
			}
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&id, "incident", "", "the incident to run on")
	fl.BoolVar(&live, "live", false, "act, not just plan (the config must also say live: true)")
	fl.StringVar(&config, "config", "", "playbook config (default playbooks.yaml in the data directory)")
	fl.StringVar(&resume, "resume", "", "continue this run (after a crash or an approval)")
	return cmd
}

func (a *app) printRun(run *debrief.PlaybookRun) {
	if a.json {
		a.printJSON(run)
		return
	}
	mode := "dry run"
	if run.Live {
		mode = "live"
	}
	fmt.Fprintf(a.stdout, "%s  %s on %s (%s): %s\n", run.ID, run.Playbook, run.IncidentID, mode, run.Status)
	for _, s := range run.Steps {
		var plan playbook.Step
		_ = json.Unmarshal(s.Plan, &plan)
		line := fmt.Sprintf("  %-10s %-32s %s", s.Status, s.Key, plan.Summary)
		if s.Error != "" {
			line += "  error: " + s.Error
		} else if s.Result != "" {
			line += "  → " + s.Result
		}
		fmt.Fprintln(a.stdout, line)
		if s.Status == debrief.RunWaiting {
			fmt.Fprintf(a.stdout, "    approve with: debrief playbook approve %s '%s' --playbook FILE --incident %s\n", run.ID, s.Key, run.IncidentID)
		}
	}
}

func (a *app) playbookApproveCmd() *cobra.Command {
	var by, file, id, config string
	var deny bool
	cmd := &cobra.Command{
		Use:   "approve RUN STEP",
		Short: "Approve (or --deny) a step that waits for approval, and continue the run",
		Example: `  debrief playbook approve run-20260301T120000Z-1a2b3c4d isolate#device:abc --playbook contain.yaml --incident defender:924565
  debrief playbook approve run-20260301T120000Z-1a2b3c4d isolate#device:abc --deny`,
		Args: args(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, as []string) error {
			r, err := a.runner(cmd, config)
			if err != nil {
				return err
			}
			if by == "" {
				by = os.Getenv("USER")
			}
			if err := r.Approve(cmd.Context(), as[0], as[1], by, deny); err != nil {
				return err
			}
			if deny || file == "" || id == "" {
				fmt.Fprintf(a.stdout, "recorded; continue with: debrief playbook run FILE --incident ID --resume %s\n", as[0])
				return nil
			}
			pb, err := playbook.LoadFile(file, playbook.Options{})
			if err != nil {
				return err
			}
			in, err := findIncident(cmd, a.st, id)
			if err != nil {
				return err
			}
			run, err := r.Resume(cmd.Context(), as[0], pb, in)
			if run != nil {
				a.printRun(run)
			}
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&by, "by", "", "who approves (default $USER)")
	fl.BoolVar(&deny, "deny", false, "deny the step; the run ends")
	fl.StringVar(&file, "playbook", "", "the run's playbook file, to continue the run at once")
	fl.StringVar(&id, "incident", "", "the run's incident, to continue the run at once")
	fl.StringVar(&config, "config", "", "playbook config (default playbooks.yaml in the data directory)")
	return cmd
}

func (a *app) playbookAuditCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Check the playbook audit log"}
	cmd.AddCommand(&cobra.Command{
		Use:     "verify [FILE]",
		Short:   "Verify the hash chain of the audit log",
		Example: `  debrief playbook audit verify`,
		Args:    args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, as []string) error {
			path := ""
			if len(as) == 1 {
				path = as[0]
			} else {
				dir, err := dataDir()
				if err != nil {
					return err
				}
				path = filepath.Join(dir, playbookAuditFile)
			}
			f, err := os.Open(path)
			if err != nil {
				return fmt.Errorf("open audit log: %w", err)
			}
			defer f.Close()
			n, head, err := playbook.Verify(f)
			if err != nil {
				return debrief.Errorf(debrief.EINVALID, "%s: %v", path, err)
			}
			if a.json {
				return a.printJSON(map[string]any{"file": path, "entries": n, "head": head, "ok": true})
			}
			fmt.Fprintf(a.stdout, "%s: %d entries, chain intact, head %s\n", path, n, head)
			return nil
		},
	})
	return cmd
}
