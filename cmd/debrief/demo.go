package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attribution"
	"github.com/debrief-dev/debrief/ingest"
	"github.com/debrief-dev/debrief/ingest/formats"
	"github.com/debrief-dev/debrief/internal/progress"
	"github.com/debrief-dev/debrief/internal/query"
	"github.com/debrief-dev/debrief/render"
	"github.com/debrief-dev/debrief/render/analysishtml"
	"github.com/debrief-dev/debrief/review"
	"github.com/debrief-dev/debrief/simulate"
	"github.com/debrief-dev/debrief/skill"
	"github.com/debrief-dev/debrief/sqlite"
	"github.com/debrief-dev/debrief/trend"
)

type demoOptions struct {
	out    string
	days   int
	perDay float64
	seed   uint64
}

// demoResult is what "demo --json" prints.
type demoResult struct {
	Out       string            `json:"out"`
	Store     string            `json:"store"`
	Incidents int               `json:"incidents"`
	Alerts    int64             `json:"alerts"`
	Incident  string            `json:"incident"`
	Why       string            `json:"why"`
	Reviews   map[string]string `json:"reviews"`  // format → file
	Analyses  map[string]string `json:"analyses"` // analysis → file (JSON, as the commands print it)
	Pages     map[string]string `json:"pages"`    // analysis → HTML page (trends, skills)
}

func (a *app) demoCmd() *cobra.Command {
	var o demoOptions
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Simulate a SOC history, ingest it, and review its most instructive incident",
		Long: `Demo shows what debrief does, with nothing but the binary: it simulates a few
months of a security team's incidents in the Microsoft Graph export format,
ingests them into a fresh store in --out, picks the most instructive incident (a
multi-stage intrusion by an ATT&CK group or campaign with stages that no alert
saw), and writes its review in every format next to the history's trends, skill
gaps and campaigns (JSON, as the commands print them; trends and skills also as
HTML pages).`,
		Example: `  debrief demo
  debrief demo --out /tmp/debrief-demo --days 120 --seed 7
  debrief demo --json`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runDemo(cmd, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.out, "out", "debrief-demo", "directory for the simulated exports, the store and the reviews (made fresh)")
	f.IntVar(&o.days, "days", 120, "days of history to simulate")
	f.Float64Var(&o.perDay, "incidents-per-day", 20, "mean incidents per day")
	f.Uint64Var(&o.seed, "seed", 7, "random seed")
	return cmd
}

func (a *app) runDemo(cmd *cobra.Command, o demoOptions) error {
	ctx := cmd.Context()
	if o.days < 14 {
		return usagef("demo: --days: want at least 14, got %d", o.days)
	}
	if a.db != "" {
		return usagef("demo: --db: demo always makes a fresh store in --out (%s)", filepath.Join(o.out, "debrief.db"))
	}
	if err := freshDir(o.out); err != nil {
		return err
	}
	cat, err := a.catalog()
	if err != nil {
		return err
	}
	a.note("simulating %d days of incidents…", o.days)
	sim, err := simulate.Run(ctx, simulate.RunOptions{
		Options: simulate.Options{Catalog: cat, Seed: o.seed, Days: o.days, IncidentsPerDay: o.perDay},
		Out:     filepath.Join(o.out, "exports"), Formats: []string{simulate.FormatGraph},
		Progress: progress.New(a.stderr, "simulate", a.quiet),
	})
	if err != nil {
		return fmt.Errorf("demo: simulate: %w", err)
	}
	truth, err := simulate.ReadGroundTruth(sim.Truth)
	if err != nil {
		return err
	}
	dbPath := filepath.Join(o.out, "debrief.db")
	st, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		return err
	}
	a.closers = append(a.closers, st.Close)
	a.note("ingesting %d incidents…", sim.Incidents)
	sum, err := ingest.Run(ctx, ingest.Options{
		Paths: []string{filepath.Join(o.out, "exports")}, Decoders: formats.All(), Store: st,
		Knowledge: ingest.Catalog(cat), Progress: progress.New(a.stderr, "ingest", a.quiet),
	})
	if err != nil {
		return fmt.Errorf("demo: ingest: %w", err)
	}
	if sum.Rejects() {
		return fmt.Errorf("demo: ingest rejected %d records of the simulated exports (a bug; please report it): %v", sum.RejectedTotal, sum.Rejected[0])
	}
	pick, why := instructive(truth)
	if pick == "" {
		return fmt.Errorf("demo: the simulation holds no detected intrusion; try more --days")
	}
	opts, err := a.reviewOptions()
	if err != nil {
		return err
	}
	end := truth.End
	opts.Now = func() time.Time { return end }
	opts.Analyses = append(opts.Analyses, skillAnalysis(ctx, st, cat, opts.Now), playbookAnalysis(ctx, st))
	r, err := review.Load(ctx, st, []string{pick}, opts)
	if err != nil {
		return fmt.Errorf("demo: review %s: %w", pick, err)
	}
	res := demoResult{Out: o.out, Store: dbPath, Incidents: sim.Incidents, Alerts: sim.Alerts, Incident: pick, Why: why,
		Reviews: map[string]string{}}
	for _, rd := range render.All() {
		path := filepath.Join(o.out, "review"+rd.Ext())
		if err := writeOut(nil, path, func(w io.Writer) error { return rd.Render(w, r) }); err != nil {
			return fmt.Errorf("demo: write %s: %w", path, err)
		}
		res.Reviews[rd.Name()] = path
	}
	if res.Analyses, res.Pages, err = a.demoAnalyses(ctx, st, o.out, end); err != nil {
		return err
	}
	if a.json {
		return a.printJSON(res)
	}
	printDemo(a.stdout, res)
	return nil
}

// demoAnalyses writes the trends, skills and campaigns of the whole
// simulated history, as of its end, next to the review: each as JSON (as
// the commands print it) in analyses, and trends and skills also as HTML
// pages in pages.
func (a *app) demoAnalyses(ctx context.Context, st debrief.Store, dir string, end time.Time) (analyses, pages map[string]string, err error) {
	cat, err := a.catalog()
	if err != nil {
		return nil, nil, err
	}
	f := debrief.IncidentFilter{Until: end}
	analyses, pages = map[string]string{}, map[string]string{}
	write := func(name string, v any, page func(io.Writer) error) error {
		path := filepath.Join(dir, name+".json")
		analyses[name] = path
		if err := writeOut(nil, path, func(w io.Writer) error { return encodeJSON(w, v) }); err != nil || page == nil {
			return err
		}
		path = filepath.Join(dir, name+".html")
		pages[name] = path
		return writeOut(nil, path, page)
	}
	// A short history may be too short to judge: the analysis says so and
	// the demo goes on without it.
	rows, err := query.DailyCounts(ctx, st, f, trend.ByTechnique)
	if err != nil {
		return nil, nil, err
	}
	if tr, err := trend.AnalyseDaily(rows, trend.Options{By: trend.ByTechnique, Now: end, Catalog: cat}); err != nil {
		a.note("demo: no trends: %v", err)
	} else if err := write("trends", tr, func(w io.Writer) error { return analysishtml.Trends(w, tr, cat) }); err != nil {
		return nil, nil, err
	}
	facts, err := skill.ReadFacts(ctx, st, f)
	if err != nil {
		return nil, nil, err
	}
	if sk, err := skill.AnalyseFacts(facts, skill.Options{By: skill.ByTechnique, Catalog: cat}); err != nil {
		a.note("demo: no skills: %v", err)
	} else if err := write("skills", sk, func(w io.Writer) error { return analysishtml.Skills(w, sk, cat) }); err != nil {
		return nil, nil, err
	}
	cl := attribution.NewClusterer(attribution.ClusterOptions{})
	if err := query.WithAlerts(ctx, st, f, func(in *debrief.Incident) error { cl.Add(in); return nil }); err != nil {
		return nil, nil, err
	}
	cs, err := a.attributeCampaigns(cl.Campaigns())
	if err != nil {
		return nil, nil, err
	}
	return analyses, pages, write("campaigns", cs, nil)
}

// note prints a progress line on stderr unless quiet.
func (a *app) note(format string, args ...any) {
	if !a.quiet {
		fmt.Fprintf(a.stderr, format+"\n", args...)
	}
}

// freshDir makes dir empty, refusing to empty a directory that does not
// look like an earlier demo's.
func freshDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	if len(entries) > 0 {
		if _, err := os.Stat(filepath.Join(dir, "debrief.db")); err != nil {
			return debrief.Errorf(debrief.EINVALID, "demo: %s exists and is not an earlier demo's output; choose another --out", dir)
		}
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
	}
	return os.MkdirAll(dir, 0o755)
}

// instructive picks the detected intrusion a review teaches most from:
// attributed to an ATT&CK group or campaign, over many kill-chain stages,
// with stages no alert saw. It returns the incident's store id and why.
func instructive(t *simulate.GroundTruth) (id, why string) {
	best := -1
	for _, in := range t.Incidents {
		gid := in.IDs.Get(simulate.FormatGraph)
		if !in.Detected || in.Actor == nil || gid == "" {
			continue
		}
		seen, missed := map[string]bool{}, map[string]bool{}
		for _, s := range in.Steps {
			if s.Detected {
				seen[s.Tactic] = true
			} else {
				missed[s.Tactic] = true
			}
		}
		unseen := 0
		for tc := range missed {
			if !seen[tc] {
				unseen++
			}
		}
		score := 3*len(seen) + 2*min(unseen, 3) + len(in.Alerts)/4
		if in.Actor.Campaign != "" {
			score++
		}
		if unseen == 0 {
			score -= 5
		}
		if score > best || score == best && gid < id {
			best, id = score, gid
			actor := in.Actor.Name + " (" + in.Actor.Group
			if in.Actor.Campaign != "" {
				actor += ", campaign " + in.Actor.Campaign
			}
			why = fmt.Sprintf("an intrusion by %s) seen at %d kill-chain stages, with %d stages no alert saw", actor, len(seen), unseen)
		}
	}
	return id, why
}

func printDemo(w io.Writer, r demoResult) {
	fmt.Fprintf(w, "Simulated %d incidents (%d alerts) and ingested them into %s.\n", r.Incidents, r.Alerts, r.Store)
	fmt.Fprintf(w, "The most instructive incident is %s: %s.\n\nIts review:\n", r.Incident, r.Why)
	names := make([]string, 0, len(r.Reviews))
	for n := range r.Reviews {
		names = append(names, n)
	}
	order := render.Names()
	slices.SortFunc(names, func(x, y string) int { return slices.Index(order, x) - slices.Index(order, y) })
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, r.Reviews[n])
	}
	fmt.Fprintf(w, "\nThe history's analyses (JSON, as 'debrief trends|skills|campaigns --json' print them):\n")
	for _, n := range slices.Sorted(maps.Keys(r.Analyses)) {
		fmt.Fprintf(w, "  %-12s %s\n", n, r.Analyses[n])
	}
	fmt.Fprintf(w, "and as pages to open in a browser ('debrief trends|skills --format html'):\n")
	for _, n := range slices.Sorted(maps.Keys(r.Pages)) {
		fmt.Fprintf(w, "  %-12s %s\n", n, r.Pages[n])
	}
	fmt.Fprintf(w, "Coverage needs the team's rules: debrief --db %s coverage --rules PATH --threat attributed\n", r.Store)
	fmt.Fprintf(w, "\nExplore the store: debrief --db %s incidents --since %s\n", r.Store, "365d")
	fmt.Fprintf(w, "Open the HTML review in a browser; load the Navigator layer at https://mitre-attack.github.io/attack-navigator/.\n")
}
