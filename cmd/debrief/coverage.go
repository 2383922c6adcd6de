package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/attribution"
	"github.com/debrief-dev/debrief/coverage"
	"github.com/debrief-dev/debrief/internal/coveragereport"
	"github.com/debrief-dev/debrief/render/navigator"
	"github.com/debrief-dev/debrief/rules"
	"github.com/debrief-dev/debrief/rules/auto"
	navrules "github.com/debrief-dev/debrief/rules/navigator"
)

type coverageOptions struct {
	rules, suggest          []string
	threat, logSources, out string
	format                  string
	deprecated              bool
	window                  time.Duration
}

// coverageReport is "coverage --format json" (the server's too) and what
// the other formats need besides.
type coverageReport struct {
	coveragereport.Report
	profile coverage.Profile
	cat     *attack.Catalog
	res     *coverage.Result
}

func (a *app) coverageCmd() *cobra.Command {
	var o coverageOptions
	cmd := &cobra.Command{
		Use:   "coverage --rules PATH...",
		Short: "Score detection coverage of ATT&CK techniques and rank the gaps of a threat",
		Long: `Coverage reads detection rules (Sigma, Elastic TOML, Sentinel and Splunk YAML,
Navigator layers; the corpus of each file is recognised), gives every ATT&CK
technique a detection score from 0 to 5 (see the coverage package for the
formula), a visibility from the data components the team collects
(--log-sources), and ranks the gaps of a threat profile by weight × missing
coverage, suggesting rules from a reference corpus (--suggest-from).

Threat profiles: all (default), observed (incidents in the store over --window,
back from now or from the store's latest incident when that is older),
attributed (the ATT&CK groups those incidents were confidently attributed to),
group:G0016,APT29, campaign:C0024, layer:FILE. A Navigator layer (as
layer:FILE or among --rules) weighs each enabled technique by its score placed
on the layer's gradient (minValue 0, maxValue 1; 0–100 without a gradient),
or 1 without a score; disabled techniques are left out.

The --log-sources file is a YAML list of what the team collects: ATT&CK data
components (DC0032, "Process Creation"), Sigma log sources as paths
("windows/process_creation", "windows/security", "process_creation") or
mappings (product:, category:, service:), or ATT&CK log source names
("WinEventLog:Sysmon" with channel "EventCode=1"). Sigma log sources count
through an embedded table to ATT&CK data components; rules are suggested only
when the team collects what they read.

Entries of --log-sources that give no data component (DC9999, a misspelt
name, a log source neither ATT&CK nor the Sigma table knows) are reported on
stderr and ignored (exit code 3).

Ids the catalog does not take as tagged are listed with their rule files: ATT&CK
v19 ids read as their v18 technique, revoked ids read as their successor, and
unknown ids (reported, not scored).
Invalid rule files are reported on stderr and skipped (exit code 3).`,
		Example: `  debrief coverage --rules detections/
  debrief coverage --rules sigma/rules --threat group:APT29 --log-sources sources.yaml
  debrief coverage --rules mine/ --threat observed --suggest-from sigma/rules --format json
  debrief coverage --rules mine/ --threat campaign:C0024 --format navigator -o layers.json`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if a.json {
				o.format = "json"
			}
			return a.runCoverage(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.StringSliceVar(&o.rules, "rules", nil, "rule files or folders (repeatable)")
	f.StringVar(&o.threat, "threat", "all", "threat profile: all, observed, attributed, group:ID|NAME,…, campaign:ID,…, layer:FILE")
	f.StringVar(&o.logSources, "log-sources", "", "YAML list of the log sources (Sigma product/category/service, ATT&CK names) or data components the team collects")
	f.StringSliceVar(&o.suggest, "suggest-from", nil, "reference rule corpus to suggest rules from (repeatable)")
	f.StringVarP(&o.format, "format", "f", "table", "output format: table, json, navigator, csv")
	f.StringVarP(&o.out, "output", "o", "", "write to this file instead of stdout")
	f.BoolVar(&o.deprecated, "include-deprecated", false, "count deprecated and unsupported rules")
	f.Var(spanFlag(&o.window, 90*24*time.Hour), "window", "how far back the observed and attributed profiles look (90d, 12w, 36h)")
	return cmd
}

func (a *app) runCoverage(ctx context.Context, o coverageOptions) error {
	switch o.format {
	case "table", "json", "navigator", "csv":
	default:
		return usagef("--format %q: want table, json, navigator or csv", o.format)
	}
	if len(o.rules) == 0 {
		return usagef("--rules: at least one rule file or folder is required")
	}
	cat, err := a.catalog()
	if err != nil {
		return err
	}
	team, invalid, err := loadRules(ctx, o.rules, cat)
	if err != nil {
		return err
	}
	opts := coverage.Options{Catalog: cat, IncludeDeprecated: o.deprecated}
	if o.logSources != "" {
		data, err := os.ReadFile(o.logSources)
		if err != nil {
			return fmt.Errorf("--log-sources: %w", err)
		}
		if opts.LogSources, err = coverage.ParseLogSources(data, o.logSources, cat); err != nil {
			return err
		}
		for _, u := range opts.LogSources.Unknown {
			fmt.Fprintln(a.stderr, "debrief: ignored", u)
			a.exit = exitRejected
		}
	}
	prof, err := a.profile(ctx, o, cat)
	if err != nil {
		return err
	}
	var ref []debrief.Rule
	if len(o.suggest) > 0 {
		var bad []string
		if ref, bad, err = loadRules(ctx, o.suggest, cat); err != nil {
			return err
		}
		invalid = append(invalid, bad...)
	}
	res := coverage.Compute(team, opts)
	gaps := res.Gaps(prof, team, opts, coverage.GapOptions{Reference: ref})
	rep := &coverageReport{Report: coveragereport.New(team, res, gaps, invalid), profile: prof, cat: cat, res: res}
	for _, bad := range invalid {
		fmt.Fprintln(a.stderr, "debrief: skipped", bad)
	}
	if len(invalid) > 0 {
		a.exit = exitRejected
	}
	return writeOut(a.stdout, o.out, func(w io.Writer) error { return rep.write(w, o.format) })
}

// loadRules reads rules of any corpus; invalid files come back as text.
func loadRules(ctx context.Context, paths []string, cat *attack.Catalog) ([]debrief.Rule, []string, error) {
	set, err := rules.Collect(auto.Load(ctx, paths, rules.Options{Catalog: cat}))
	if err != nil {
		return nil, nil, err
	}
	var bad []string
	for _, e := range set.Invalid {
		bad = append(bad, e.Error())
	}
	return set.Rules, bad, nil
}

func (a *app) profile(ctx context.Context, o coverageOptions, cat *attack.Catalog) (coverage.Profile, error) {
	kind, arg, _ := strings.Cut(o.threat, ":")
	switch kind {
	case "all":
		return coverage.All(cat, ""), nil
	case "group":
		return coverage.Groups(cat, strings.Split(arg, ","))
	case "campaign":
		return coverage.Campaigns(cat, strings.Split(arg, ","))
	case "layer":
		data, err := os.ReadFile(arg)
		if err != nil {
			return coverage.Profile{}, fmt.Errorf("--threat layer: %w", err)
		}
		rs, err := navrules.Decode(data, arg)
		if err != nil {
			return coverage.Profile{}, err
		}
		for i := range rs {
			rules.Normalise(&rs[i], cat)
		}
		return coverage.Layer(arg, rs), nil
	case "observed", "attributed":
		st, end, note, err := a.analysisStore(ctx)
		if err != nil {
			return coverage.Profile{}, err
		}
		if note != "" {
			fmt.Fprintln(a.stderr, note) // a note, not an error: no "debrief:"
		}
		if kind == "observed" {
			ins, err := st.Incidents(ctx, debrief.IncidentFilter{Since: end.Add(-o.window)})
			if err != nil {
				return coverage.Profile{}, err
			}
			if len(ins) == 0 {
				return coverage.Profile{}, debrief.Errorf(debrief.ENOTFOUND,
					"--threat observed: no incidents in the store were created in the %s up to %s; widen --window (e.g. --window 365d)",
					formatSpan(o.window), end.UTC().Format(time.DateOnly))
			}
			p := coverage.Observed(ins)
			if len(p.Weights) == 0 {
				return coverage.Profile{}, debrief.Errorf(debrief.ENOTFOUND,
					"--threat observed: no ATT&CK technique in the %s created in the %s up to %s, so there is no threat profile to cover; widen --window or pick another --threat (all, group:…)",
					count(len(ins), "incident"), formatSpan(o.window), end.UTC().Format(time.DateOnly))
			}
			return p, nil
		}
		groups, err := a.attributedGroups(ctx, end.Add(-o.window), cat)
		if err != nil {
			return coverage.Profile{}, err
		}
		if len(groups) == 0 {
			return coverage.Profile{}, debrief.Errorf(debrief.ENOTFOUND,
				"--threat attributed: no incident of the %s up to %s was confidently attributed to an ATT&CK group; widen --window",
				formatSpan(o.window), end.UTC().Format(time.DateOnly))
		}
		p, err := coverage.Groups(cat, groups)
		p.Name = "attributed:" + strings.Join(groups, ",")
		return p, err
	}
	return coverage.Profile{}, usagef("--threat %q: want all, observed, attributed, group:…, campaign:… or layer:FILE", o.threat)
}

// attributedGroups ranks every true-positive incident created since then
// and returns the ATT&CK groups confidently named (a campaign's groups for
// a campaign), sorted.
func (a *app) attributedGroups(ctx context.Context, since time.Time, cat *attack.Catalog) ([]string, error) {
	st, err := a.readStore(ctx)
	if err != nil {
		return nil, err
	}
	list, err := st.Incidents(ctx, debrief.IncidentFilter{Since: since, Verdict: []debrief.Verdict{debrief.VerdictTruePositive}})
	if err != nil {
		return nil, err
	}
	m, err := attribution.New(cat, attribution.DefaultOptions())
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, l := range list {
		in, err := st.Incident(ctx, l.ID)
		if err != nil {
			return nil, err
		}
		r := m.Rank(attribution.EvidenceOf(in), 1)
		if !r.Confident || len(r.Candidates) == 0 {
			continue
		}
		c := r.Candidates[0]
		if c.Kind == attribution.KindGroup {
			seen[c.ID] = true
		}
		for _, g := range c.Groups {
			seen[g.ID] = true
		}
	}
	return slices.Sorted(maps.Keys(seen)), nil
}

func (rep *coverageReport) write(w io.Writer, format string) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(rep)
	case "csv":
		return rep.csv(w)
	case "navigator":
		return rep.navigator(w)
	}
	return rep.table(w)
}

func (rep *coverageReport) table(w io.Writer) error {
	covered := 0
	for _, t := range rep.Techniques {
		if t.Score > 0 {
			covered++
		}
	}
	fmt.Fprintf(w, "%d rules cover %d of %d techniques; %d invalid files skipped; %d unknown ids; %d rules without a technique\n",
		rep.Rules, covered, len(rep.Techniques), len(rep.Invalid), len(rep.Unknown), len(rep.Unmapped))
	fmt.Fprintf(w, "threat %s: coverage %.0f%%\n", rep.Profile, 100*rep.Before)
	if rep.Added > 0 {
		fmt.Fprintf(w, "adding these %d rules raises coverage of this threat from %.0f%% to %.0f%%\n", rep.Added, 100*rep.Before, 100*rep.After)
	}
	writeUses(w, "ATT&CK v19 ids read as their v18 technique", rep.IDs.Translated)
	writeUses(w, "Revoked ids read as their successor", rep.IDs.Revoked)
	writeUses(w, "Ids unknown to ATT&CK "+rep.attackVersion()+", not scored", rep.IDs.Unknown)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nGAP\tNAME\tWEIGHT\tCOVERAGE\tPRIORITY\tSUGGESTED")
	for i, g := range rep.Gaps {
		if i == 25 {
			fmt.Fprintf(tw, "… %d more (--format json for all)\n", len(rep.Gaps)-i)
			break
		}
		fmt.Fprintf(tw, "%s\t%s\t%.2f\t%.2f\t%.2f\t%s\n", g.ID, g.Name, g.Weight, g.Coverage, g.Priority, strings.Join(g.Suggested, " "))
	}
	return tw.Flush()
}

// writeUses lists ids with up to three of their files.
func writeUses(w io.Writer, title string, us []rules.IDUse) {
	if len(us) == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s (%d):\n", title, len(us))
	for _, u := range us {
		id := u.ID
		if u.As != "" {
			id += " → " + u.As
		}
		files := u.Files[:min(3, len(u.Files))]
		more := ""
		if n := len(u.Files) - len(files); n > 0 {
			more = fmt.Sprintf(" … %d more files", n)
		}
		noun := "rules"
		if u.Rules == 1 {
			noun = "rule"
		}
		fmt.Fprintf(w, "  %s  %d %s: %s%s\n", id, u.Rules, noun, strings.Join(files, ", "), more)
	}
}

func (rep *coverageReport) attackVersion() string {
	for _, d := range rep.cat.Domains() {
		if d.Name == "enterprise-attack" {
			return "v" + d.Version
		}
	}
	return ""
}

func (rep *coverageReport) csv(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"id", "name", "score", "visibility", "coverage", "rules", "weight"})
	for _, t := range rep.Techniques {
		vis := ""
		if t.Visibility != nil {
			vis = strconv.FormatFloat(*t.Visibility, 'f', 3, 64)
		}
		_ = cw.Write([]string{string(t.ID), t.Name, strconv.FormatFloat(t.Score, 'f', 1, 64), vis,
			strconv.FormatFloat(t.Coverage, 'f', 3, 64), strconv.Itoa(len(t.Rules)), strconv.FormatFloat(rep.profile.Weights[t.ID], 'f', 3, 64)})
	}
	cw.Flush()
	return cw.Error()
}

// navigator writes one file with three layers: coverage, threat, gaps.
func (rep *coverageReport) navigator(w io.Writer) error {
	version := strings.TrimPrefix(rep.attackVersion(), "v")
	cov := navigator.New("Detection coverage", "enterprise-attack", version)
	cov.Gradient = &navigator.Gradient{Colors: []string{"#ffffff", "#66b1ff"}, MinValue: 0, MaxValue: 5}
	for _, t := range rep.Techniques {
		if t.Score > 0 {
			cov.Techniques = append(cov.Techniques, navigator.Technique{TechniqueID: string(t.ID), Score: navigator.Score(t.Score),
				Comment: fmt.Sprintf("%d rules", len(t.Rules))})
		}
	}
	threat := navigator.New("Threat: "+rep.Profile, "enterprise-attack", version)
	threat.Gradient = &navigator.Gradient{Colors: []string{"#ffffff", "#ff6666"}, MinValue: 0, MaxValue: 1}
	for id, wt := range rep.profile.Weights {
		if _, ok := rep.res.Technique(id); ok {
			threat.Techniques = append(threat.Techniques, navigator.Technique{TechniqueID: string(id), Score: navigator.Score(wt)})
		}
	}
	sortTechniques(threat.Techniques)
	gaps := navigator.New("Gaps: "+rep.Profile, "enterprise-attack", version)
	gaps.Gradient = &navigator.Gradient{Colors: []string{"#ffffff", "#ff9933"}, MinValue: 0, MaxValue: 1}
	for _, g := range rep.Gaps {
		gaps.Techniques = append(gaps.Techniques, navigator.Technique{TechniqueID: string(g.ID), Score: navigator.Score(g.Priority),
			Comment: strings.Join(g.Suggested, ", ")})
	}
	for _, l := range []*navigator.Layer{cov, threat, gaps} {
		if l.Techniques == nil {
			l.Techniques = []navigator.Technique{}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode([]*navigator.Layer{cov, threat, gaps})
}

func sortTechniques(ts []navigator.Technique) {
	slices.SortFunc(ts, func(a, b navigator.Technique) int { return strings.Compare(a.TechniqueID, b.TechniqueID) })
}
