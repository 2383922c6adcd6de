package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/attribution"
	"github.com/debrief-dev/debrief/coverage"
	"github.com/debrief-dev/debrief/d3fend"
	"github.com/debrief-dev/debrief/playbook"
	"github.com/debrief-dev/debrief/render"
	"github.com/debrief-dev/debrief/review"
	"github.com/debrief-dev/debrief/skill"
)

func (a *app) reviewCmd() *cobra.Command {
	var format, out string
	var ruleDirs []string
	cmd := &cobra.Command{
		Use:   "review ID...",
		Short: "Write the post-incident review of one or more incidents",
		Long: `Review writes the post-incident review NIST SP 800-61 asks for: summary, impact
and entities, timeline and kill-chain progression, metrics against the team's
baseline (median and p90 of the incidents created in the 90 days before the
reviewed incident was: the team's performance leading up to it, however old
the history), techniques with
ATT&CK mitigations and D3FEND countermeasures, the lessons-learned questions
with the known facts filled in, and action items.

Several IDs make one review of them all (e.g. one campaign). Formats:
` + strings.Join(render.Names(), ", ") + ` (Markdown by default).

--rules adds detection coverage for this adversary; invalid rule files are
reported on stderr and skipped (exit code 3), as coverage does.`,
		Example: `  debrief review defender:924565
  debrief review 2972395 --format html -o review.html
  debrief review sentinel:73e01a99-5cd7-4139-a149-9f2736ff2ab5 --format navigator -o layer.json
  debrief review debrief:80b2eb72bb447cf1 debrief:a33ee2584bb4f267 --format json
  debrief review defender:924565 --rules detections/sigma --format html -o review.html`,
		Args: args(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, ids []string) error {
			if a.json {
				format = "json"
			}
			rd, err := render.ByName(format)
			if err != nil {
				return usageError{err}
			}
			st, err := a.readStore(cmd.Context())
			if err != nil {
				return err
			}
			for i, id := range ids {
				in, err := findIncident(cmd, st, id)
				if err != nil {
					return err
				}
				ids[i] = in.ID
			}
			opts, err := a.reviewOptions()
			if err != nil {
				return err
			}
			opts.Analyses = append(opts.Analyses, skillAnalysis(cmd.Context(), st, opts.Catalog, time.Now))
			if _, ok := st.(debrief.PlaybookStore); ok {
				// Deny the approvals that are overdue first, as "playbook runs"
				// does, so that a run whose approval timed out is not listed
				// as waiting.
				r, err := a.runner(cmd, "")
				if err != nil {
					return err
				}
				if _, err := r.ExpireApprovals(cmd.Context()); err != nil {
					return fmt.Errorf("deny overdue playbook approvals: %w", err)
				}
				opts.Analyses = append(opts.Analyses, playbookAnalysis(cmd.Context(), r.Store))
			}
			if len(ruleDirs) > 0 {
				team, bad, err := loadRules(cmd.Context(), ruleDirs, opts.Catalog)
				if err != nil {
					return err
				}
				for _, b := range bad {
					fmt.Fprintln(a.stderr, "debrief: skipped", b)
				}
				if len(bad) > 0 {
					a.exit = exitRejected // as coverage does
				}
				opts.Analyses = append(opts.Analyses, coverageAnalysis(opts.Catalog, team))
			}
			r, err := review.Load(cmd.Context(), st, ids, opts)
			if err != nil {
				return err
			}
			return writeOut(a.stdout, out, func(w io.Writer) error { return rd.Render(w, r) })
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "md", "output format: "+strings.Join(render.Names(), ", "))
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to this file instead of stdout")
	cmd.Flags().StringSliceVar(&ruleDirs, "rules", nil, "the team's detection rules (Sigma, Elastic, Sentinel, Splunk, Navigator layers): adds detection coverage for this adversary")
	return cmd
}

// skillAnalysis flags, in a review, the techniques and tactics of the
// incident that the team handles significantly slower or worse than its
// others (the skills analysis over the same 90 days as the baseline, those
// before the incident was created, with each incident's handling facts
// from its history, so that verdict quality, reopens and escalations count
// too).
func skillAnalysis(ctx context.Context, st debrief.Store, cat *attack.Catalog, now func() time.Time) review.Analysis {
	return func(in []*debrief.Incident) (*review.Section, error) {
		t := review.BaselineUntil(in, now())
		facts, err := skill.ReadFacts(ctx, st, debrief.IncidentFilter{Since: t.Add(-review.BaselineSpan), Until: t})
		if err != nil {
			return nil, fmt.Errorf("skills baseline: %w", err)
		}
		if len(facts) == 0 {
			return nil, nil
		}
		var results []*skill.Result
		for _, by := range []skill.Dimension{skill.ByTechnique, skill.ByTactic} {
			r, err := skill.AnalyseFacts(facts, skill.Options{By: by, Catalog: cat})
			if err != nil {
				return nil, nil // too little history to judge: say nothing rather than guess
			}
			results = append(results, r)
		}
		sec := skill.Section(in[0], results...)
		return &sec, nil
	}
}

// playbookAnalysis adds the suggested automated responses and the
// playbook runs of the incidents to a review. It lists the runs as stored:
// a caller denies the overdue approvals first (playbook.Runner's
// ExpireApprovals).
func playbookAnalysis(ctx context.Context, ps debrief.PlaybookStore) review.Analysis {
	return func(in []*debrief.Incident) (*review.Section, error) {
		var runs []debrief.PlaybookRun
		for _, i := range in {
			rs, err := ps.Runs(ctx, i.ID)
			if err != nil {
				return nil, fmt.Errorf("playbook runs of %s: %w", i.ID, err)
			}
			runs = append(runs, rs...)
		}
		return playbook.Section(in, runs), nil
	}
}

// coverageAnalysis adds "detection coverage" to a review: for each
// technique of the incidents, whether one of the team's rules fired, only a
// product's analytics saw it, or nobody did; and, against the profile of the
// group the incidents most resemble, what the rules cannot see.
func coverageAnalysis(cat *attack.Catalog, team []debrief.Rule) review.Analysis {
	return func(in []*debrief.Incident) (*review.Section, error) {
		res := coverage.Compute(team, coverage.Options{Catalog: cat})
		var obs []coverage.Observation
		for _, i := range in {
			obs = append(obs, coverage.IncidentIn(cat, i, team)...)
		}
		var actor *coverage.Profile
		m, err := attribution.New(cat, attribution.DefaultOptions())
		if err != nil {
			return nil, err
		}
		if r := m.Rank(attribution.EvidenceOf(in...), 1); r.Confident && r.Candidates[0].Kind == attribution.KindGroup {
			if p, err := coverage.Groups(cat, []string{r.Candidates[0].ID}); err == nil {
				actor = &p
			}
		}
		sec := coverage.Section(obs, res, actor)
		return &sec, nil
	}
}

func (a *app) reviewOptions() (review.Options, error) {
	cat, err := a.catalog()
	if err != nil {
		return review.Options{}, err
	}
	d3, err := d3fend.Embedded()
	if err != nil {
		return review.Options{}, fmt.Errorf("D3FEND data: %w", err)
	}
	return review.Options{Catalog: cat, D3FEND: d3, Analyses: []review.Analysis{attributionAnalysis(cat)}}, nil
}

// attributionAnalysis adds "who it resembles" to a review.
func attributionAnalysis(cat *attack.Catalog) review.Analysis {
	return func(in []*debrief.Incident) (*review.Section, error) {
		m, err := attribution.New(cat, attribution.DefaultOptions())
		if err != nil {
			return nil, fmt.Errorf("attribution: %w", err)
		}
		sec := attribution.Section(m.Rank(attribution.EvidenceOf(in...), 5))
		return &sec, nil
	}
}

// writeOut writes with fn to the file path, or to stdout when path is ""
// or "-". A file is written whole or not at all: to a temporary file
// beside it, renamed over it at the end. Errors name path, never the
// temporary file.
func writeOut(stdout io.Writer, path string, fn func(io.Writer) error) error {
	if path == "" || path == "-" {
		return fn(stdout)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("write %s: is a folder; name a file in it", path)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".debrief-*")
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("write %s: folder %s does not exist", path, dir)
	}
	if err != nil {
		return writeError(path, err)
	}
	defer os.Remove(tmp.Name())
	if err := fn(fileWriter{tmp, path}); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return writeError(path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil { // CreateTemp makes 0600
		return writeError(path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return writeError(path, err)
	}
	return nil
}

// fileWriter writes to the temporary file of path; its errors name path.
type fileWriter struct {
	f    *os.File
	path string
}

func (w fileWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil {
		err = writeError(w.path, err)
	}
	return n, err
}

// writeError words an error of the temporary file behind path as one of
// writing path: "write r.md: permission denied".
func writeError(path string, err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	return fmt.Errorf("write %s: %w", path, err)
}
