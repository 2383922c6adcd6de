package main

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/internal/query"
	"github.com/debrief-dev/debrief/render/analysishtml"
	"github.com/debrief-dev/debrief/render/navigator"
	"github.com/debrief-dev/debrief/trend"
)

type trendsOptions struct {
	q           query.Trends
	format, out string
}

func (a *app) trendsCmd() *cobra.Command {
	o := trendsOptions{q: query.DefaultTrends(), format: "table"}
	cmd := &cobra.Command{
		Use:   "trends",
		Short: "Count incidents over time and find emerging, fading and new techniques",
		Long: `Trends counts the incidents in the store per week (or day, month) by technique,
sub-technique, tactic, source, severity or verdict, and compares the last window
(4 weeks by default, ending with the latest incident) with the baseline before
it: keys with at least --min-count incidents in window and baseline together,
and at least one in the baseline, are tested for a change of rate (conditional
binomial test widened by the data's dispersion), with the false discovery rate
held at --fdr (Benjamini–Hochberg). Keys seen in the window and never before it
are listed as new, and only as new. Each series with at least --min-count
incidents also carries its change points (binary segmentation of its counts).
Windows are whole UTC days; the store counts per day itself when it can.

--since and --until take a duration back from now (180d, 26w) or a date. When
the store's latest incident is more than a day old (an imported history, a
simulation), "now" is that incident's creation: the window ends there, and
the output says so.
Formats: table, json (also --json), csv (the series), html (a self-contained
page with SVG charts of the series and of each change), navigator (a layer
scored by the log2 rate ratio).`,
		Example: `  debrief trends
  debrief trends --since 2026-01-01 --by tactic --window 2w
  debrief trends --by source --period day --format csv -o series.csv
  debrief trends --format html -o trends.html
  debrief trends --format navigator -o trends-layer.json`,
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
			rows, err := query.DailyCounts(cmd.Context(), st, f, opts.By)
			if err != nil {
				return err
			}
			if len(rows) == 0 {
				return query.NoIncidents(f)
			}
			res, err := trend.AnalyseDaily(rows, opts)
			if err != nil {
				return err
			}
			return writeOut(a.stdout, o.out, func(w io.Writer) error {
				a.endNote(w, o.format, note)
				return writeTrends(w, o.format, res, opts.Catalog)
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.q.Since, "since", o.q.Since, "incidents created at or after: a duration back from now or the store's latest incident if older (180d, 26w), or a date")
	fl.StringVar(&o.q.Until, "until", "", "incidents created before: a duration back from now or the store's latest incident if older, or a date (default: no bound)")
	fl.StringVar(&o.q.Window, "window", o.q.Window, "the recent window compared with the baseline before it: 28d, 4w")
	fl.StringVar(&o.q.By, "by", o.q.By, "technique, subtechnique, tactic, source, severity or verdict")
	fl.StringVar(&o.q.Period, "period", o.q.Period, "bucket of the series: day, week or month")
	fl.IntVar(&o.q.MinCount, "min-count", o.q.MinCount, "test a key only when window and baseline together hold at least this many incidents (and the baseline one)")
	fl.Float64Var(&o.q.FDR, "fdr", o.q.FDR, "false discovery rate across the keys tested")
	fl.StringVarP(&o.format, "format", "f", o.format, "table, json, csv, html or navigator")
	fl.StringVarP(&o.out, "output", "o", "", "write to this file instead of stdout")
	return cmd
}

// analysisStore opens the store for an analysis (trends, skills,
// campaigns, coverage) and returns the time its windows count back from
// (query.End): now, or the store's latest incident when that is older, in
// which case note says so.
func (a *app) analysisStore(ctx context.Context) (st debrief.Store, end time.Time, note string, err error) {
	if st, err = a.readStore(ctx); err != nil {
		return nil, time.Time{}, "", err
	}
	end, latest, err := query.End(ctx, st, time.Now())
	if err != nil || !latest {
		return st, end, "", err
	}
	return st, end, fmt.Sprintf("Window ends at the store's latest incident, %s (nothing newer is stored).", end.UTC().Format(time.DateOnly)), nil
}

// endNote writes the note of analysisStore at the head of a table, and on
// stderr for the other formats, which have no room for it: as it is, not
// with the "debrief:" of an error.
func (a *app) endNote(w io.Writer, format, note string) {
	switch {
	case note == "":
	case format == "table":
		fmt.Fprintln(w, note)
	default:
		fmt.Fprintln(a.stderr, note)
	}
}

// checkFormat accepts the output formats of trends and skills.
func checkFormat(format string) error {
	switch format {
	case "table", "json", "csv", "html", "navigator":
		return nil
	}
	return usagef("--format %q: want table, json, csv, html or navigator", format)
}

// flagError words a bad query parameter as a usage error naming the flag.
func flagError(err error) error {
	var qe *query.Error
	if errors.As(err, &qe) {
		return usagef("--%s: %v", qe.Param, qe.Err)
	}
	return err
}

func writeTrends(w io.Writer, format string, res *trend.Result, cat *attack.Catalog) error {
	switch format {
	case "json":
		return encodeJSON(w, res)
	case "csv":
		return trendsCSV(w, res.Series)
	case "html":
		return analysishtml.Trends(w, res, cat)
	case "navigator":
		return navigator.Encode(w, trendsLayer(res, cat))
	}
	trendsTable(w, res)
	return nil
}

func encodeJSON(w io.Writer, v any) error {
	a := &app{stdout: w}
	return a.printJSON(v)
}

func trendsCSV(w io.Writer, tb *trend.Table) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"period_start", string(tb.By), "name", "count"})
	for _, s := range tb.Series {
		for i, n := range s.Counts {
			cw.Write([]string{tb.Starts[i].Format(time.DateOnly), s.Key, s.Name, strconv.Itoa(n)})
		}
	}
	cw.Flush()
	return cw.Error()
}

func trendsTable(w io.Writer, res *trend.Result) {
	fmt.Fprintf(w, "Window %s – %s against the baseline %s – %s, by %s: %d tested (at least %d incidents), dispersion %.2f, FDR %.2f\n",
		res.Window.From.Format(time.DateOnly), res.Window.To.Format(time.DateOnly),
		res.Baseline.From.Format(time.DateOnly), res.Baseline.To.Format(time.DateOnly),
		res.By, res.Tested, res.MinCount, res.Dispersion, res.FDR)
	for _, part := range []struct {
		title string
		cs    []trend.Change
	}{{"Emerging", res.Emerging}, {"Fading", res.Fading}, {"New (never seen before the window)", res.New}} {
		fmt.Fprintf(w, "\n%s: %d\n", part.title, len(part.cs))
		if len(part.cs) == 0 {
			continue
		}
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  ID\tNAME\tWINDOW\tBASELINE\tPER WEEK\tRATIO\tQ")
		for _, c := range part.cs {
			fmt.Fprintf(tw, "  %s\t%s\t%d\t%d\t%.1f → %.1f\t%s\t%s\n", c.ID, truncate(c.Name, 40), c.Recent, c.Baseline,
				c.BaselineRate, c.RecentRate, ratio(c), qText(c))
		}
		tw.Flush()
	}
}

func ratio(c trend.Change) string {
	if c.Baseline == 0 {
		return "new"
	}
	return strconv.FormatFloat(c.RateRatio, 'f', 2, 64)
}

func qText(c trend.Change) string {
	if c.Q == 0 {
		return "-"
	}
	return strconv.FormatFloat(c.Q, 'g', 2, 64)
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// trendsLayer scores changed techniques by log2 of their rate ratio.
func trendsLayer(res *trend.Result, cat *attack.Catalog) *navigator.Layer {
	l := navigator.New(fmt.Sprintf("Trends %s – %s", res.Window.From.Format(time.DateOnly), res.Window.To.Format(time.DateOnly)),
		"enterprise-attack", attackVersion(cat))
	l.Description = "Techniques whose rate changed in the window against the baseline, scored by log2 of the rate ratio (q ≤ FDR). Made by debrief."
	l.Gradient = &navigator.Gradient{Colors: []string{"#4a90d9", "#ffffff", "#e63946"}, MinValue: -4, MaxValue: 4}
	l.Legend = []navigator.LegendItem{{Label: "fading", Color: "#4a90d9"}, {Label: "emerging", Color: "#e63946"}}
	if res.By != trend.ByTechnique && res.By != trend.BySubTechnique {
		return l
	}
	add := func(c trend.Change, comment string) {
		s := math.Log2(c.RateRatio)
		l.Techniques = append(l.Techniques, navigator.Technique{TechniqueID: c.ID, Score: navigator.Score(math.Round(s*100) / 100),
			Comment: fmt.Sprintf("%s: %d in the window, %d in the baseline, q %.2g", comment, c.Recent, c.Baseline, c.Q)})
	}
	for _, c := range res.Emerging {
		add(c, "emerging")
	}
	for _, c := range res.Fading {
		add(c, "fading")
	}
	return l
}

func attackVersion(cat *attack.Catalog) string {
	for _, d := range cat.Domains() {
		if d.Name == "enterprise-attack" {
			return d.Version
		}
	}
	return ""
}
