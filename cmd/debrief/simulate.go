package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief/internal/progress"
	"github.com/debrief-dev/debrief/simulate"
)

type simulateOptions struct {
	days          int
	seed          uint64
	scenario      string
	perDay        float64
	formats       []string
	out           string
	start         string
	printScenario bool
}

func (a *app) simulateCmd() *cobra.Command {
	var o simulateOptions
	cmd := &cobra.Command{
		Use:   "simulate --out DIR",
		Short: "Write a synthetic SOC history in vendor formats, with its ground truth",
		Long: `Simulate writes a synthetic history of a security team's incidents in the vendors'
own export formats, so that debrief's ingest, analyses and benchmarks can run on
realistic data, and a ground truth that says what was planted.

Intrusions follow ATT&CK groups and campaigns through the kill chain; only part of
each is detected (the true coverage per technique is in the ground truth). Next
to them: the two investigation paths of Microsoft's first-incident guide, everyday
benign and false-positive alerts, and a SOC with shifts, skill gaps and trends.
--scenario FILE changes any of it (see --print-scenario for every setting).

Output: DIR/<format>/<YYYY-MM-DD>.<ext>, one file per day holding what that day's
export shows (incidents created or changed that day), and DIR/ground-truth.json.
Formats: ` + strings.Join(simulate.Formats(), ", ") + `. The same seed writes the same bytes.`,
		Example: `  debrief simulate --days 180 --seed 7 --format graph --out sim/
  debrief simulate --format defender,sentinel,elastic --incidents-per-day 200 --out sim/
  debrief simulate --print-scenario > my-scenario.yaml
  debrief simulate --scenario my-scenario.yaml --out sim/ && debrief ingest sim/graph`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runSimulate(cmd, o)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.days, "days", 0, "days to simulate (default: the scenario's, 180)")
	f.Uint64Var(&o.seed, "seed", 1, "random seed; the same seed writes the same files")
	f.StringVar(&o.scenario, "scenario", "", "a scenario YAML file read on top of the default scenario")
	f.Float64Var(&o.perDay, "incidents-per-day", 0, "mean incidents per day before the scenario's trends (default: the scenario's, 40); its rising techniques and campaigns add more, so a history holds more than this per day")
	f.StringSliceVar(&o.formats, "format", []string{simulate.FormatGraph}, "output formats, comma-separated or repeated: "+strings.Join(simulate.Formats(), ", "))
	f.StringVar(&o.out, "out", "", "output directory (created if missing)")
	f.StringVar(&o.start, "start", "", "first day, YYYY-MM-DD (default: the scenario's)")
	f.BoolVar(&o.printScenario, "print-scenario", false, "print the default scenario (every setting, documented) and exit")
	return cmd
}

func (a *app) runSimulate(cmd *cobra.Command, o simulateOptions) error {
	if o.printScenario {
		_, err := a.stdout.Write(simulate.DefaultScenarioYAML())
		return err
	}
	opts, err := a.simulateOptions(o)
	if err != nil {
		return err
	}
	bar := progress.New(a.stderr, "simulate", a.quiet)
	opts.Progress = bar
	defer simulate.TuneGC()()
	sum, err := simulate.Run(cmd.Context(), opts)
	if err != nil {
		return err
	}
	if a.json {
		return a.printJSON(sum)
	}
	printSimulateSummary(a.stdout, sum)
	return nil
}

// simulateOptions checks the flags and loads the scenario and catalog.
func (a *app) simulateOptions(o simulateOptions) (simulate.RunOptions, error) {
	var opts simulate.RunOptions
	switch {
	case o.out == "":
		return opts, usagef("simulate: --out DIR is required")
	case o.days < 0:
		return opts, usagef("simulate: --days: want a number ≥ 1, got %d", o.days)
	case o.perDay < 0:
		return opts, usagef("simulate: --incidents-per-day: want a number ≥ 0, got %g", o.perDay)
	}
	for _, f := range o.formats {
		if !slices.Contains(simulate.Formats(), f) {
			return opts, usagef("simulate: --format: unknown format %q: want %s", f, strings.Join(simulate.Formats(), ", "))
		}
	}
	if o.start != "" {
		t, err := time.Parse(time.DateOnly, o.start)
		if err != nil {
			return opts, usagef("simulate: --start: want a date such as 2026-01-05, got %q", o.start)
		}
		opts.Start = t
	}
	sc := simulate.DefaultScenario()
	if o.scenario != "" {
		s, err := simulate.LoadScenario(o.scenario)
		if err != nil {
			return opts, err
		}
		sc = s
	}
	cat, err := a.catalog()
	if err != nil {
		return opts, err
	}
	opts.Scenario, opts.Catalog, opts.Seed = sc, cat, o.seed
	opts.Days, opts.IncidentsPerDay = o.days, o.perDay
	opts.Out, opts.Formats = o.out, o.formats
	return opts, nil
}

func printSimulateSummary(w io.Writer, s *simulate.Summary) {
	fmt.Fprintf(w, "simulated %d days from %s (seed %d): %d incidents, %d alerts, %d intrusions undetected\n",
		s.Days, s.Start, s.Seed, s.Incidents, s.Alerts, s.Undetected)
	names := make([]string, 0, len(s.Formats))
	for n := range s.Formats {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		f := s.Formats[n]
		fmt.Fprintf(w, "  %-9s %4d files  %9d records  %9d alerts  %8.1f MB  %s\n", n, f.Files, f.Records, f.Alerts,
			float64(f.Bytes)/1e6, f.Dir)
	}
	fmt.Fprintf(w, "  ground truth: %s\n", s.Truth)
	if secs := s.Elapsed.Seconds(); secs > 0 {
		fmt.Fprintf(w, "  %.1f s, %.0f alerts/s\n", secs, float64(s.Alerts)/secs)
	}
}
