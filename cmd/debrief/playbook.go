package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/d3fend"
	"github.com/debrief-dev/debrief/internal/query"
	"github.com/debrief-dev/debrief/playbook"
	"github.com/debrief-dev/debrief/postgres"
	"github.com/debrief-dev/debrief/review"
)

// Files in the data directory.
const (
	playbookConfigFile = playbook.ConfigFileName
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
the data directory, or --config) says live: true. A run keeps its playbook file, so it
resumes without it. A step waiting for approval past its approval_timeout is denied
(approval timed out) when runs are listed, approved or resumed. Every plan, approval,
timeout, request and outcome goes to a hash-chained audit log (playbook-audit.jsonl in
the data directory).

Triggers fire on incident events with 'playbook fire' (after an ingest or pull, or from
cron), or by themselves under 'debrief serve --playbooks DIR' when the config says
fire: dry (plans) or fire: live (acts; needs live: true).`,
		Example: `  debrief playbook lint playbooks/*.yaml
  debrief playbook test contain.yaml --incident defender:924565
  debrief playbook replay contain.yaml --since 90d
  debrief playbook suggest defender:924565 -o respond.yaml
  debrief playbook run contain.yaml --incident defender:924565 --live
  debrief playbook fire playbooks/ --event incident.created --since 1h
  debrief playbook runs --incident defender:924565
  debrief playbook approve run-20260301T120000Z-1a2b3c4d isolate#device:abc
  debrief playbook audit verify`,
	}
	cmd.AddCommand(a.playbookLintCmd(), a.playbookTestCmd(), a.playbookReplayCmd(), a.playbookSuggestCmd(),
		a.playbookRunCmd(), a.playbookFireCmd(), a.playbookRunsCmd(), a.playbookApproveCmd(), a.playbookAuditCmd())
	return cmd
}

func (a *app) playbookLintCmd() *cobra.Command {
	var config string
	cmd := &cobra.Command{
		Use:   "lint FILE... [--config FILE]",
		Short: "Check playbook files and report every problem with its line",
		Long: `Lint reads each playbook and reports every problem as FILE:LINE: FIELD: REASON.
With a playbook config (--config, or playbooks.yaml in the data directory) it also
checks that every webhook goes to a host in the config's webhook_hosts: literal URLs,
and url_env / url_file targets when they can be read here (only their host is shown).`,
		Example: `  debrief playbook lint playbooks/*.yaml
  debrief playbook lint contain.yaml --config /etc/debrief/playbooks.yaml --json`,
		Args: args(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, files []string) error {
			cfg, path, err := a.playbookConfig(config)
			if err != nil {
				return err
			}
			opts := playbook.Options{}
			if path != "" {
				opts.Hosts, opts.Getenv = &cfg, os.Getenv
			} else {
				fmt.Fprintln(a.stderr, "note: no playbook config (playbooks.yaml in the data directory, or --config): webhook hosts are not checked")
			}
			out, bad := lintFiles(files, opts)
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
	cmd.Flags().StringVar(&config, "config", "", "playbook config whose webhook_hosts to check (default playbooks.yaml in the data directory)")
	return cmd
}

// lintResult is one file's lint.
type lintResult struct {
	File     string   `json:"file"`
	OK       bool     `json:"ok"`
	Problems []string `json:"problems,omitempty"`
}

func lintFiles(files []string, opts playbook.Options) ([]lintResult, int) {
	var out []lintResult
	bad := 0
	for _, f := range files {
		r := lintResult{File: f, OK: true}
		if _, err := playbook.LoadFile(f, opts); err != nil {
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
	return out, bad
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
			st, err := a.readStore(cmd.Context())
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
		Use:   "replay FILE|DIR... [--since 90d]",
		Short: "Show what playbooks would have fired on past incidents, and the time they would have saved",
		Long: `Replay matches the incidents created since --since against the playbooks, as if each
had just been created. Time saved is estimated from each incident's time model:
a playbook that contains (isolate, disable, revoke, block) saves created → contained,
one that notifies saves created → first triage.`,
		Example: `  debrief playbook replay playbooks/*.yaml --since 90d --json`,
		Args:    args(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, files []string) error {
			from, err := query.When(since, time.Now())
			if err != nil {
				return usagef("--since: %v", err)
			}
			pbs, err := loadPlaybooks(files)
			if err != nil {
				return err
			}
			st, err := a.readStore(cmd.Context())
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
			printReplay(a.stdout, rep, pbs, from)
			return nil
		},
	}
	cmd.Flags().StringVar(&since, "since", "90d", "incidents created at or after: a duration back from now (90d) or a date")
	return cmd
}

// printReplay writes what "playbook replay" found, with durations as the
// review writes them (2d 1h, 2h 46m).
func printReplay(w io.Writer, rep playbook.ReplayReport, pbs []*playbook.Playbook, from time.Time) {
	fmt.Fprintf(w, "%d of %d incidents since %s would have fired a playbook\n", rep.Matched, rep.Incidents, from.Format("2006-01-02"))
	for _, pb := range pbs {
		fmt.Fprintf(w, "  %-32s %d\n", pb.Name(), rep.PerPlaybook[pb.Name()])
	}
	fmt.Fprintf(w, "estimated time saved: %s in total, median %s per incident\n",
		review.Seconds(rep.Saved/time.Second), review.Seconds(rep.MedianSaved/time.Second))
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
			st, err := a.readStore(cmd.Context())
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

// playbookConfig reads the playbook config: the file named, else
// playbooks.yaml in the data directory when there is one. It returns the
// path read ("" when none: the zero Config, with live runs off).
func (a *app) playbookConfig(config string) (playbook.Config, string, error) {
	if config == "" {
		dir, err := dataDir()
		if err != nil {
			return playbook.Config{}, "", err
		}
		if p := filepath.Join(dir, playbookConfigFile); fileExists(p) {
			config = p
		}
	}
	if config == "" {
		return playbook.Config{}, "", nil
	}
	cfg, err := playbook.LoadConfig(config)
	return cfg, config, err
}

// auditPath is the playbook audit log of the store's tenant in the data
// directory dir: playbook-audit.jsonl, or on PostgreSQL for a tenant other
// than the default its own file (tenantAuditPath), so that a tenant's log
// holds its runs alone, as 'serve --all-tenants' keeps them.
func (a *app) auditPath(dir string) string {
	tenant, _ := a.storeTenant()
	if dsn, err := a.dsn(); err != nil || !isPostgres(dsn) {
		tenant = postgres.DefaultTenant
	}
	return tenantAuditPath(dir, tenant)
}

// tenantAuditPath is playbook-audit.jsonl for the default tenant, else
// playbook-audit.<tenant, path-escaped>.jsonl, in dir.
func tenantAuditPath(dir, tenant string) string {
	if tenant == postgres.DefaultTenant {
		return filepath.Join(dir, playbookAuditFile)
	}
	return filepath.Join(dir, "playbook-audit."+url.PathEscape(tenant)+".jsonl")
}

// runner builds a playbook runner on the store, the config and the audit log.
func (a *app) runner(cmd *cobra.Command, config string) (*playbook.Runner, error) {
	st, err := a.store(cmd.Context())
	if err != nil {
		return nil, err
	}
	ps, ok := st.(debrief.PlaybookStore)
	if !ok {
		return nil, debrief.Errorf(debrief.EINVALID, "this store does not keep playbook runs (a SQLite or PostgreSQL store does)")
	}
	cfg, _, err := a.playbookConfig(config)
	if err != nil {
		return nil, err
	}
	dir, err := dataDir()
	if err != nil {
		return nil, err
	}
	audit, err := playbook.OpenAudit(a.auditPath(dir))
	if err != nil {
		return nil, err
	}
	a.closers = append(a.closers, audit.Close)
	return &playbook.Runner{Store: ps, Audit: audit, Config: cfg, Getenv: os.Getenv}, nil
}

func (a *app) playbookRunCmd() *cobra.Command {
	var id, config, resume string
	var live, force bool
	cmd := &cobra.Command{
		Use:   "run FILE --incident ID [--live] [--force] | run --resume RUN [FILE [--force]]",
		Short: "Plan a playbook on an incident (dry run), run it with --live, or resume a run",
		Long: `Run plans the playbook on the incident and records the plan; with --live (and
live: true in the config) it acts. An incident the playbook's trigger does not match
(see 'playbook test') is refused, naming the conditions that failed, unless --force;
the audit log records a forced run. --resume continues a live run after a crash or an
approval, from the playbook the run keeps: no file is needed. A FILE given with
--resume must be the same playbook; a changed one is refused unless --force.`,
		Example: `  debrief playbook run contain.yaml --incident defender:924565
  debrief playbook run contain.yaml --incident defender:924565 --force
  debrief playbook run contain.yaml --incident defender:924565 --live --config playbooks.yaml
  debrief playbook run --resume run-20260301T120000Z-1a2b3c4d
  debrief playbook run --resume run-20260301T120000Z-1a2b3c4d contain-v2.yaml --force`,
		Args: args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, files []string) error {
			switch {
			case resume == "" && len(files) == 0:
				return usagef("name the playbook FILE, or --resume RUN")
			case resume == "" && id == "":
				return usagef("--incident is required")
			}
			var pb *playbook.Playbook
			if len(files) == 1 {
				var err error
				if pb, err = playbook.LoadFile(files[0], playbook.Options{}); err != nil {
					return err
				}
			}
			r, err := a.runner(cmd, config)
			if err != nil {
				return err
			}
			var in *debrief.Incident
			if id != "" {
				if in, err = findIncident(cmd, a.st, id); err != nil {
					return err
				}
			}
			var run *debrief.PlaybookRun
			if resume != "" {
				run, err = r.Resume(cmd.Context(), resume, playbook.ResumeOptions{Playbook: pb, Force: force, Incident: in})
			} else {
				run, err = r.Start(cmd.Context(), pb, in, playbook.StartOptions{Live: live, Force: force})
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
	fl.StringVar(&resume, "resume", "", "continue this run (after a crash or an approval) from the playbook it keeps")
	fl.BoolVar(&force, "force", false, "run although the playbook's trigger does not match the incident; with --resume and FILE: run the rest with FILE although it differs from the run's playbook")
	return cmd
}

func (a *app) playbookFireCmd() *cobra.Command {
	var id, config, event, since string
	var live bool
	cmd := &cobra.Command{
		Use:   "fire FILE|DIR... --event EVENT [--since 1h | --incident ID] [--live]",
		Short: "Run the playbooks whose triggers match an event on incidents",
		Long: `Fire plays an event on incidents and runs every playbook whose trigger matches it:
incident.created on the incidents created since --since, incident.updated on those
updated since --since, or any event on one --incident (review.completed needs one).
Run it after each ingest or pull (or from cron). Each playbook fires once per event
and version of an incident, so firing again starts nothing new. Runs are dry runs
unless --live and the config says live: true. A folder gives its *.yaml and *.yml
files (but not a playbooks.yaml config).`,
		Example: `  debrief playbook fire playbooks/ --event incident.created --since 1h
  debrief playbook fire contain.yaml notify.yaml --event incident.updated --since 15m --live
  debrief review defender:924565 -o r.html && debrief playbook fire playbooks/ --event review.completed --incident defender:924565`,
		Args: args(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, paths []string) error {
			if event == "" {
				return usagef("--event is required: incident.created, incident.updated or review.completed")
			}
			if id == "" && event == playbook.EventReviewCompleted {
				return usagef("--event review.completed needs --incident")
			}
			from, err := query.When(since, time.Now())
			if err != nil {
				return usagef("--since: %v", err)
			}
			pbs, err := loadPlaybooks(paths)
			if err != nil {
				return err
			}
			r, err := a.runner(cmd, config)
			if err != nil {
				return err
			}
			ins, err := a.fireIncidents(cmd, id, event, from)
			if err != nil {
				return err
			}
			fired, err := fireAll(cmd, a.st, r, pbs, ins, event, live)
			if a.json {
				if jerr := a.printJSON(fired); jerr != nil {
					return jerr
				}
			} else {
				a.printFired(fired, len(ins))
			}
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&event, "event", "", "incident.created, incident.updated or review.completed")
	fl.StringVar(&since, "since", "1h", "incidents created (or, for incident.updated, updated) at or after: a duration back from now or a date")
	fl.StringVar(&id, "incident", "", "only this incident")
	fl.BoolVar(&live, "live", false, "act, not just plan (the config must also say live: true)")
	fl.StringVar(&config, "config", "", "playbook config (default playbooks.yaml in the data directory)")
	return cmd
}

// loadPlaybooks reads playbook files, and the playbooks of folders (see
// playbook.LoadDir), checking each.
func loadPlaybooks(paths []string) ([]*playbook.Playbook, error) {
	var pbs []*playbook.Playbook
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("playbook: %w", err)
		}
		var more []*playbook.Playbook
		if fi.IsDir() {
			more, err = playbook.LoadDir(p, playbook.Options{})
		} else {
			var pb *playbook.Playbook
			pb, err = playbook.LoadFile(p, playbook.Options{})
			more = []*playbook.Playbook{pb}
		}
		if err != nil {
			return nil, err
		}
		pbs = append(pbs, more...)
	}
	return pbs, nil
}

// fireIncidents lists the incidents an event happened to: the one named, or
// those created (updated, for incident.updated) since from.
func (a *app) fireIncidents(cmd *cobra.Command, id, event string, from time.Time) ([]debrief.Incident, error) {
	if id != "" {
		in, err := findIncident(cmd, a.st, id)
		if err != nil {
			return nil, err
		}
		return []debrief.Incident{*in}, nil
	}
	f := debrief.IncidentFilter{Since: from}
	if event == playbook.EventUpdated {
		f = debrief.IncidentFilter{} // an incident updated now may have been created long ago
	}
	ins, err := a.st.Incidents(cmd.Context(), f)
	if err != nil {
		return nil, err
	}
	if event == playbook.EventUpdated {
		ins = slices.DeleteFunc(ins, func(in debrief.Incident) bool {
			return in.Times.Updated.Before(from) || !in.Times.Updated.After(in.Times.Created)
		})
	}
	return ins, nil
}

// fireAll fires the playbooks on each incident, reading its alerts first
// when a trigger looks at entities or a playbook matches (steps plan over
// entities). One incident's failure does not stop the rest.
func fireAll(cmd *cobra.Command, st debrief.Store, r *playbook.Runner, pbs []*playbook.Playbook, ins []debrief.Incident,
	event string, live bool) ([]playbook.Fired, error) {
	ctx := cmd.Context()
	entities := playbook.UsesEntities(pbs)
	var out []playbook.Fired
	var errs []error
	for i := range ins {
		in := &ins[i]
		f := playbook.NewFacts(in)
		if !entities && !slices.ContainsFunc(pbs, func(pb *playbook.Playbook) bool { return pb.Matches(f, event) }) {
			continue
		}
		if len(in.Alerts) == 0 {
			full, err := st.Incident(ctx, in.ID)
			if err != nil {
				return out, err
			}
			in = full
		}
		fired, err := r.Fire(ctx, pbs, in, event, live)
		out = append(out, fired...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return out, errors.Join(errs...)
}

func (a *app) printFired(fired []playbook.Fired, incidents int) {
	started := 0
	for _, f := range fired {
		switch {
		case f.Error != "":
			textf(a.stdout, "%-28s %s  error: %s\n", f.Playbook, f.Incident, f.Error)
		case f.Before:
			textf(a.stdout, "%-28s %s  fired before for this %s\n", f.Playbook, f.Incident, f.Event)
		default:
			started++
			textf(a.stdout, "%-28s %s  %s: %s\n", f.Playbook, f.Incident, f.Run.ID, f.Run.Status)
		}
	}
	fmt.Fprintf(a.stdout, "%d incidents, %d runs started\n", incidents, started)
}

func (a *app) playbookRunsCmd() *cobra.Command {
	var id, config string
	cmd := &cobra.Command{
		Use:   "runs [--incident ID]",
		Short: "List playbook runs and their steps, newest first",
		Long: `Runs lists the recorded playbook runs with the state of each step. Steps that wait
for an approval past their deadline are denied first (approval timed out), and each
such denial goes to the audit log.`,
		Example: `  debrief playbook runs
  debrief playbook fire playbooks/ --event incident.created --since 1h
  debrief playbook runs --incident defender:924565 --json`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := a.runner(cmd, config)
			if err != nil {
				return err
			}
			if id != "" {
				in, err := findIncident(cmd, a.st, id)
				if err != nil {
					return err
				}
				id = in.ID
			}
			runs, err := r.Runs(cmd.Context(), id)
			if err != nil {
				return err
			}
			if a.json {
				return a.printJSON(runs)
			}
			if len(runs) == 0 {
				fmt.Fprintln(a.stdout, "no playbook runs")
			}
			for i := range runs {
				a.printRun(&runs[i])
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&id, "incident", "", "only the runs on this incident")
	cmd.Flags().StringVar(&config, "config", "", "playbook config (default playbooks.yaml in the data directory)")
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
	textf(a.stdout, "%s  %s on %s (%s): %s\n", run.ID, run.Playbook, run.IncidentID, mode, run.Status)
	for _, s := range run.Steps {
		var plan playbook.Step
		_ = json.Unmarshal(s.Plan, &plan)
		line := fmt.Sprintf("  %-10s %-32s %s", s.Status, s.Key, plan.Summary)
		if s.Error != "" {
			line += "  error: " + s.Error
		} else if s.Result != "" {
			line += "  → " + s.Result
		}
		textf(a.stdout, "%s\n", line)
		if s.Status == debrief.RunWaiting && s.ApprovedBy == "" {
			textf(a.stdout, "    approve by %s with: debrief playbook approve %s '%s'\n",
				playbook.Deadline(&s).Format("2006-01-02 15:04 MST"), run.ID, s.Key)
		}
	}
}

func (a *app) playbookApproveCmd() *cobra.Command {
	var by, file, config string
	var deny, force, hold bool
	cmd := &cobra.Command{
		Use:   "approve RUN STEP [--deny]",
		Short: "Approve (or --deny) a step that waits for approval, and continue the run",
		Long: `Approve records who approved the step and continues the run at once from the
playbook the run keeps (--hold only records it). A step whose approval_timeout passed
is denied instead (approval timed out), and approve fails: start a new run.`,
		Example: `  debrief playbook approve run-20260301T120000Z-1a2b3c4d isolate#device:abc
  debrief playbook approve run-20260301T120000Z-1a2b3c4d isolate#device:abc --deny --by amy`,
		Args: args(cobra.ExactArgs(2)),
		RunE: func(cmd *cobra.Command, as []string) error {
			var pb *playbook.Playbook
			if file != "" {
				var err error
				if pb, err = playbook.LoadFile(file, playbook.Options{}); err != nil {
					return err
				}
			}
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
			if deny || hold {
				if a.json {
					run, err := r.Store.Run(cmd.Context(), as[0])
					if err != nil {
						return err
					}
					return a.printJSON(run)
				}
				what := "approved"
				if deny {
					what = "denied; the run ended"
				}
				fmt.Fprintf(a.stdout, "%s %s: %s\n", as[0], as[1], what)
				if hold {
					fmt.Fprintf(a.stdout, "continue with: debrief playbook run --resume %s\n", as[0])
				}
				return nil
			}
			run, err := r.Resume(cmd.Context(), as[0], playbook.ResumeOptions{Playbook: pb, Force: force})
			if run != nil {
				a.printRun(run)
			}
			if err != nil {
				return fmt.Errorf("approved, but continuing failed (continue with: debrief playbook run --resume %s): %w", as[0], err)
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&by, "by", "", "who approves (default $USER)")
	fl.BoolVar(&deny, "deny", false, "deny the step; the run ends")
	fl.BoolVar(&hold, "hold", false, "only record the approval; continue later with run --resume")
	fl.StringVar(&file, "playbook", "", "continue with this playbook file (it must be the run's, unless --force)")
	fl.BoolVar(&force, "force", false, "continue with --playbook although it differs from the run's playbook")
	fl.StringVar(&config, "config", "", "playbook config (default playbooks.yaml in the data directory)")
	fl.String("incident", "", "")
	_ = fl.MarkDeprecated("incident", "the run knows its incident")
	return cmd
}

func (a *app) playbookAuditShowCmd() *cobra.Command {
	var run, incident, config string
	cmd := &cobra.Command{
		Use:   "show [--run RUN] [--incident ID]",
		Short: "Show the audit log's entries, after denying overdue approvals",
		Long: `Show prints the entries of the playbook audit log (playbook-audit.jsonl in the data
directory), oldest first: every plan, approval, timeout, request and outcome. Steps
waiting for an approval past their deadline are denied first, so their timeouts show.`,
		Example: `  debrief playbook audit show --run run-20260301T120000Z-1a2b3c4d
  debrief playbook audit show --incident defender:924565 --json`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, err := a.runner(cmd, config)
			if err != nil {
				return err
			}
			if _, err := r.ExpireApprovals(cmd.Context()); err != nil {
				return err
			}
			dir, err := dataDir()
			if err != nil {
				return err
			}
			f, err := os.Open(a.auditPath(dir))
			if err != nil {
				return fmt.Errorf("open audit log: %w", err)
			}
			defer f.Close()
			es, err := playbook.Entries(f, func(e playbook.AuditEntry) bool {
				return (run == "" || e.Run == run) && (incident == "" || e.Incident == incident)
			})
			if err != nil {
				return err
			}
			if a.json {
				return a.printJSON(es)
			}
			for _, e := range es {
				d := string(e.Detail)
				if len(d) > 100 {
					d = strings.ToValidUTF8(d[:100], "") + "…"
				}
				fmt.Fprintf(a.stdout, "%5d %s %-16s %s %s %s\n", e.Seq, e.At.Format(time.RFC3339), e.Event, e.Run, e.Step, d)
			}
			fmt.Fprintf(a.stdout, "%d entries\n", len(es))
			return nil
		},
	}
	cmd.Flags().StringVar(&run, "run", "", "only this run's entries")
	cmd.Flags().StringVar(&incident, "incident", "", "only the entries of runs on this incident (its full id)")
	cmd.Flags().StringVar(&config, "config", "", "playbook config (default playbooks.yaml in the data directory)")
	return cmd
}

func (a *app) playbookAuditCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Show and check the playbook audit log"}
	cmd.AddCommand(a.playbookAuditShowCmd())
	var config string
	verify := &cobra.Command{
		Use:   "verify [FILE]",
		Short: "Verify the hash chain of the audit log, after denying overdue approvals",
		Long: `Verify checks the hash chain of the playbook audit log (playbook-audit.jsonl in the
data directory, or FILE) and prints its entry count and head hash. Without FILE, steps
waiting for an approval past their deadline are denied first, as other reads do, so
the head it prints includes their timeouts. A FILE is only read.`,
		Example: `  debrief playbook audit verify
  debrief playbook audit verify backup/playbook-audit.jsonl --json`,
		Args: args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, as []string) error {
			path := ""
			if len(as) == 1 {
				path = as[0]
			} else {
				dir, err := dataDir()
				if err != nil {
					return err
				}
				path = a.auditPath(dir)
				if err := a.expireBeforeVerify(cmd, config, path); err != nil {
					return err
				}
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
	}
	verify.Flags().StringVar(&config, "config", "", "playbook config (default playbooks.yaml in the data directory)")
	cmd.AddCommand(verify)
	return cmd
}

// expireBeforeVerify denies the overdue approvals of the store into the
// audit log at path. A broken chain is left for Verify to report by line.
func (a *app) expireBeforeVerify(cmd *cobra.Command, config, path string) error {
	if f, err := os.Open(path); err == nil {
		_, _, verr := playbook.Verify(f)
		f.Close()
		if verr != nil {
			return nil
		}
	}
	r, err := a.runner(cmd, config)
	if err != nil {
		return err
	}
	_, err = r.ExpireApprovals(cmd.Context())
	return err
}
