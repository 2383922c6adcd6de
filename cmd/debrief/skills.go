package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/internal/query"
	"github.com/debrief-dev/debrief/render/analysishtml"
	"github.com/debrief-dev/debrief/render/navigator"
	"github.com/debrief-dev/debrief/review"
	"github.com/debrief-dev/debrief/skill"
)

type skillsOptions struct {
	q           query.Skills
	format, out string
}

func (a *app) skillsCmd() *cobra.Command {
	o := skillsOptions{q: query.DefaultSkills(), format: "table"}
	cmd := &cobra.Command{
		Use:   "skills",
		Short: "Measure how the team handles each technique or tactic and flag significant gaps",
		Long: `Skills reports, per ATT&CK technique or tactic (or per analyst with --by analyst),
the incidents, median and p90 time to acknowledge and to resolve, the true
positives first closed as benign or false positive, the closed incidents left
undetermined, and the reopen and escalation rates, each against the team's.
A gap is flagged only when it is significant (stratified rank-sum test on times,
Cochran–Mantel–Haenszel test on rates, each within incidents of the same verdict,
size, severity, hour of the week and first owner; false discovery rate --fdr)
with at least --min-sample incidents, and only when no co-occurring technique or
tactic explains it away; each says what to practise. By analyst, each
analyst's incidents of a tactic or technique are compared with the team's of
it too (ids "analyst/id"), and flagged only beyond the analyst's own level.

--since and --until take a duration back from now (180d, 26w) or a date. When
the store's latest incident is more than a day old (an imported history, a
simulation), "now" is that incident's creation, and the output says so.

Formats: table, json (also --json), csv (per-group metrics), html (a
self-contained page with SVG charts of each metric and the gaps), navigator
(a layer scored by the worst gap ratio of each technique).`,
		Example: `  debrief skills
  debrief skills --since 2026-01-01 --by tactic
  debrief skills --by analyst --json
  debrief skills --format html -o skills.html
  debrief skills --format navigator -o skills-layer.json`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if a.json {
				o.format = "json"
			}
			if err := checkFormat(o.format); err != nil {
				return err
			}
			if _, _, err := o.q.Parse(time.Now()); err != nil {
				return flagError(err) // before the store opens
			}
			st, end, note, err := a.analysisStore(cmd.Context())
			if err != nil {
				return err
			}
			opts, f, err := o.q.Parse(end)
			if err != nil {
				return flagError(err)
			}
			if opts.Catalog, err = a.catalog(); err != nil {
				return err
			}
			// The store's kept handling facts when it has them, else facts
			// worked out from each incident's history.
			facts, err := skill.ReadFacts(cmd.Context(), st, f)
			if err != nil {
				return err
			}
			if len(facts) == 0 {
				return query.NoIncidents(f)
			}
			res, err := skill.AnalyseFacts(facts, opts)
			if err != nil {
				return err
			}
			return writeOut(a.stdout, o.out, func(w io.Writer) error {
				a.endNote(w, o.format, note)
				return writeSkills(w, o.format, res, opts.Catalog)
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.q.Since, "since", o.q.Since, "incidents created at or after: a duration back from now or the store's latest incident if older (180d, 26w), or a date")
	fl.StringVar(&o.q.Until, "until", "", "incidents created before: a duration back from now or the store's latest incident if older, or a date")
	fl.StringVar(&o.q.By, "by", o.q.By, "technique, tactic or analyst")
	fl.IntVar(&o.q.MinSample, "min-sample", o.q.MinSample, "test a group on a metric only with at least this many incidents")
	fl.Float64Var(&o.q.FDR, "fdr", o.q.FDR, "false discovery rate across groups and metrics")
	fl.StringVarP(&o.format, "format", "f", o.format, "table, json, csv, html or navigator")
	fl.StringVarP(&o.out, "output", "o", "", "write to this file instead of stdout")
	return cmd
}

func writeSkills(w io.Writer, format string, res *skill.Result, cat *attack.Catalog) error {
	switch format {
	case "json":
		return encodeJSON(w, res)
	case "csv":
		return skillsCSV(w, res)
	case "html":
		return analysishtml.Skills(w, res, cat)
	case "navigator":
		return navigator.Encode(w, skillsLayer(res, cat))
	}
	skillsTable(w, res)
	return nil
}

func skillsCSV(w io.Writer, res *skill.Result) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{string(res.By), "name", "incidents", "tta_median_h", "tta_p90_h", "ttr_median_h", "ttr_p90_h",
		"misclassified", "undetermined", "reopened", "escalated"})
	ff := func(x float64) string { return strconv.FormatFloat(x, 'f', 3, 64) }
	for _, g := range res.Groups {
		cw.Write([]string{g.ID, g.Name, strconv.Itoa(g.Incidents), ff(g.Acknowledge.Median), ff(g.Acknowledge.P90),
			ff(g.Resolve.Median), ff(g.Resolve.P90), ff(g.Misclassified.Value), ff(g.Undetermined.Value), ff(g.Reopened.Value), ff(g.Escalated.Value)})
	}
	cw.Flush()
	return cw.Error()
}

func skillsTable(w io.Writer, res *skill.Result) {
	t := res.Team
	fmt.Fprintf(w, "Team: %d incidents; acknowledge median %s (p90 %s); resolve median %s (p90 %s); misclassified %.1f%%, undetermined %.1f%%, reopened %.1f%%, escalated %.1f%%\n",
		t.Incidents, hours(t.Acknowledge.Median), hours(t.Acknowledge.P90), hours(t.Resolve.Median), hours(t.Resolve.P90),
		100*t.Misclassified.Value, 100*t.Undetermined.Value, 100*t.Reopened.Value, 100*t.Escalated.Value)
	for _, part := range []struct {
		title string
		gs    []skill.Gap
	}{{"Gaps", res.Gaps}, {"Strengths", res.Strengths}} {
		fmt.Fprintf(w, "\n%s by %s (at least %d incidents, FDR %.2f): %d\n", part.title, res.By, res.MinSample, res.FDR, len(part.gs))
		if len(part.gs) == 0 {
			continue
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  ID\tNAME\tMETRIC\tTEAM\tGROUP\tRATIO\tN\tQ\tPRACTISE")
		for _, g := range part.gs {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%.2f\t%d\t%.2g\t%s\n", g.ID, truncate(g.Name, 32), g.Metric,
				value(g.Metric, g.Team), value(g.Metric, g.Group), g.Ratio, g.N, g.Q, practiseText(g.Practise))
		}
		tw.Flush()
	}
}

func value(metric string, v float64) string {
	if metric == skill.MetricTTA || metric == skill.MetricTTR {
		return hours(v)
	}
	return strconv.FormatFloat(100*v, 'f', 1, 64) + "%"
}

// hours writes h hours as reviews write durations: "29m", "2d 5h".
func hours(h float64) string {
	if math.IsNaN(h) {
		return "-"
	}
	return review.Seconds(math.Round(h*60) * 60).String()
}

func practiseText(p *skill.Practice) string {
	if p == nil {
		return ""
	}
	s := p.URL
	if len(p.DetectionStrategies) > 0 {
		s += " " + p.DetectionStrategies[0].ID
	}
	return s
}

// skillsLayer scores each technique with a gap by its largest ratio.
func skillsLayer(res *skill.Result, cat *attack.Catalog) *navigator.Layer {
	l := navigator.New("Skill gaps by technique", "enterprise-attack", attackVersion(cat))
	l.Description = "Techniques the team handles significantly worse than its own median, scored by the gap ratio (group ÷ team). Made by debrief."
	l.Gradient = &navigator.Gradient{Colors: []string{"#fff3b0", "#e63946"}, MinValue: 1, MaxValue: 4}
	if res.By != skill.ByTechnique {
		return l
	}
	best := map[string]skill.Gap{}
	var order []string
	for _, g := range res.Gaps {
		if b, ok := best[g.ID]; !ok || g.Ratio > b.Ratio {
			if !ok {
				order = append(order, g.ID)
			}
			best[g.ID] = g
		}
	}
	for _, id := range order {
		g := best[id]
		l.Techniques = append(l.Techniques, navigator.Technique{TechniqueID: id, Score: navigator.Score(math.Round(g.Ratio*100) / 100),
			Comment: fmt.Sprintf("%s: %s against the team's %s (q %.2g)", g.Metric, value(g.Metric, g.Group), value(g.Metric, g.Team), g.Q)})
	}
	return l
}
