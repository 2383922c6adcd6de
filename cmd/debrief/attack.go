package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/render/navigator"
)

func (a *app) attackCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "attack",
		Short: "Look things up in the ATT&CK knowledge base",
		Long: `Look up techniques, tactics, groups, campaigns, software, mitigations and the
detection model in the ATT&CK knowledge base: the embedded v18.1 snapshot
(Enterprise, Mobile, ICS), a bundle given with --attack, or one kept with
'debrief attack import'.`,
		Example: `  debrief attack show T1566.001
  debrief attack show APT29 --json
  debrief attack search powershell
  debrief attack layer --group G0016 --group G0007 -o shared.json`,
	}
	cmd.AddCommand(a.attackVersionCmd(), a.attackShowCmd(), a.attackSearchCmd(), a.attackImportCmd(), a.attackLayerCmd())
	return cmd
}

// domainJSON is one domain in "attack version --json".
type domainJSON struct {
	Name     string         `json:"name"`
	Version  string         `json:"version"`
	Modified string         `json:"modified,omitempty"`
	STIX     string         `json:"stix_version"`
	Counts   map[string]int `json:"counts"`
}

func (a *app) attackVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print the ATT&CK domains, versions and object counts in use",
		Example: "  debrief attack version\n  debrief attack version --json\n  debrief attack version --attack enterprise-attack-19.0.json",
		Args:    args(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			var out struct {
				Domains  []domainJSON `json:"domains"`
				Warnings int          `json:"warnings"`
			}
			for _, d := range cat.Domains() {
				c := d.Counts
				dj := domainJSON{Name: d.Name, Version: d.Version, STIX: d.STIXVersion, Counts: map[string]int{
					"techniques": c.Techniques, "sub_techniques": c.SubTechniques, "tactics": c.Tactics, "groups": c.Groups,
					"campaigns": c.Campaigns, "software": c.Software, "mitigations": c.Mitigations,
					"detection_strategies": c.DetectionStrategies, "analytics": c.Analytics, "data_components": c.DataComponents}}
				if !d.Modified.IsZero() {
					dj.Modified = d.Modified.Format("2006-01-02")
				}
				out.Domains = append(out.Domains, dj)
			}
			out.Warnings = cat.Warnings().Count
			if a.json {
				return a.printJSON(out)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "DOMAIN\tVERSION\tRELEASED\tTECHNIQUES\tSUB-TECHNIQUES\tTACTICS\tGROUPS\tCAMPAIGNS\tSOFTWARE\tMITIGATIONS\tDETECTION STRATEGIES")
			for _, d := range out.Domains {
				c := d.Counts
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", d.Name, dash(d.Version), dash(d.Modified), c["techniques"],
					c["sub_techniques"], c["tactics"], c["groups"], c["campaigns"], c["software"], c["mitigations"], c["detection_strategies"])
			}
			tw.Flush()
			fmt.Fprintln(a.stdout, "Counts include revoked and deprecated objects. ATT&CK® © The MITRE Corporation.")
			if w := cat.Warnings(); w.Count > 0 {
				fmt.Fprintf(a.stderr, "warning: the bundle had %s\n", w)
			}
			return nil
		},
	}
}

func (a *app) attackShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "show ID|NAME|ALIAS",
		Short: "Show a technique, tactic, group, campaign, software, mitigation or detection object",
		Long: `Show one ATT&CK object, found by its ATT&CK id, name or alias (any case).

A revoked technique id says so and shows its replacement. For a technique the
output lists its tactics, parent and sub-techniques, platforms, mitigations,
detection strategies and data components, and the groups and software that
use it. A group's techniques are those it uses itself, through its campaigns
and through its software, as 'attack layer' counts them; the header says how
many of each, and --json gives each technique's via (direct, campaign,
software, joined by +).`,
		Example: `  debrief attack show T1566.001
  debrief attack show T1086                # revoked: shows T1059.001
  debrief attack show "Defense Evasion"
  debrief attack show APT29 --json`,
		Args: args(cobra.MinimumNArgs(1)),
		RunE: func(_ *cobra.Command, as []string) error {
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			q := strings.Join(as, " ")
			v, err := showObject(cat, q)
			if err != nil {
				return err
			}
			if a.json {
				return a.printJSON(v)
			}
			printObject(a.stdout, v)
			return nil
		},
	}
}

func (a *app) attackSearchCmd() *cobra.Command {
	var limit int
	cmd := &cobra.Command{
		Use:   "search TEXT",
		Short: "Search ATT&CK names, aliases and ids",
		Long: `Search lists the objects whose ATT&CK id, name or alias contains TEXT (any
case): current objects first, then revoked and deprecated ones, marked so
(with what replaced a revoked one); each by how well it matches.`,
		Example: "  debrief attack search spearphishing\n  debrief attack search cozy --json",
		Args:    args(cobra.MinimumNArgs(1)),
		RunE: func(_ *cobra.Command, as []string) error {
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			hits := cat.Search(strings.Join(as, " "))
			if limit > 0 && len(hits) > limit {
				hits = hits[:limit]
			}
			type hitJSON struct {
				ID        string `json:"id"`
				Type      string `json:"type"`
				Name      string `json:"name"`
				Match     string `json:"match"`
				Score     int    `json:"score"`
				Status    string `json:"status,omitempty"`     // revoked, deprecated
				RevokedBy string `json:"revoked_by,omitempty"` // what replaced a revoked one
			}
			out := make([]hitJSON, 0, len(hits))
			for _, h := range hits {
				out = append(out, hitJSON{h.ID, h.Kind.String(), h.Name, h.Match.String(), h.Score, h.Status, h.RevokedBy})
			}
			if a.json {
				return a.printJSON(out)
			}
			if len(out) == 0 {
				fmt.Fprintln(a.stdout, "nothing matches")
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			for _, h := range out {
				status := h.Status
				if h.RevokedBy != "" {
					status += " → " + h.RevokedBy
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t(%s)\t%s\n", h.ID, h.Type, h.Name, h.Match, status)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 25, "at most this many results (0: all)")
	return cmd
}

func (a *app) attackImportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Keep an ATT&CK STIX bundle in the data directory for later commands",
		Long: `Import checks a STIX 2.0 or 2.1 ATT&CK bundle (plain or gzip) and keeps a
compressed copy in the data directory; later commands use it instead of the
embedded snapshot (--attack still wins). Import the embedded one back with
'debrief attack import --reset'.`,
		Example: "  debrief attack import enterprise-attack-19.0.json\n  debrief attack import --reset",
		Args:    args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, as []string) error {
			return a.runAttackImport(cmd, as)
		},
	}
	cmd.Flags().Bool("reset", false, "forget the imported bundle and use the embedded snapshot")
	return cmd
}

func (a *app) runAttackImport(cmd *cobra.Command, as []string) error {
	dir, err := dataDir()
	if err != nil {
		return err
	}
	dst := filepath.Join(dir, importedBundle)
	if reset, _ := cmd.Flags().GetBool("reset"); reset || len(as) == 0 {
		if len(as) > 0 {
			return usagef("give a FILE or --reset, not both")
		}
		if !reset {
			return usagef("import needs a FILE (or --reset)")
		}
		if err := os.Remove(dst); err != nil && !os.IsNotExist(err) {
			return err
		}
		fmt.Fprintln(a.stdout, "using the embedded ATT&CK snapshot again")
		return nil
	}
	cat, err := attack.LoadFile(as[0])
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := writeGzipCopy(as[0], dst); err != nil {
		return fmt.Errorf("keep %s: %w", as[0], err)
	}
	for _, d := range cat.Domains() {
		fmt.Fprintf(a.stdout, "imported %s %s (%d techniques, %d groups) into %s\n", d.Name, dash(d.Version), d.Counts.Techniques+d.Counts.SubTechniques, d.Counts.Groups, dst)
	}
	return nil
}

func (a *app) attackLayerCmd() *cobra.Command {
	var groups []string
	var out string
	cmd := &cobra.Command{
		Use:   "layer --group G [--group G…]",
		Short: "Write an ATT&CK Navigator layer of the techniques groups use, scored by how many use each",
		Long: `Layer writes an ATT&CK Navigator layer (format 4.5) of the techniques the given
groups use — their own, their software's and their campaigns' — scored by how
many of the groups use each technique, so the techniques they share stand out.
A group named twice (by id, name or alias) counts once.
Open it in the ATT&CK Navigator with "Open Existing Layer".`,
		Example: `  debrief attack layer --group G0016 --group G0007 > shared.json
  debrief attack layer --group APT29 --group "Sandworm Team" -o overlap.json`,
		Args: args(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			if len(groups) == 0 {
				return usagef("name at least one --group (id, name or alias)")
			}
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			l, err := groupLayer(cat, groups)
			if err != nil {
				return err
			}
			w := a.stdout
			if out != "" && out != "-" {
				f, err := os.Create(out)
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			return navigator.Encode(w, l)
		},
	}
	cmd.Flags().StringSliceVar(&groups, "group", nil, "an ATT&CK group by id, name or alias (repeat)")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the layer to this file instead of stdout")
	return cmd
}

// groupLayer scores each technique by the number of groups that use it.
func groupLayer(cat *attack.Catalog, names []string) (*navigator.Layer, error) {
	type use struct {
		groups []string
		tactic []string
	}
	uses := map[debrief.TechniqueID]*use{}
	var groups []*attack.Group
	for _, n := range names {
		g, ok := cat.Group(n)
		if !ok {
			return nil, debrief.Errorf(debrief.ENOTFOUND, "no ATT&CK group %q (try 'debrief attack search %s')", n, n)
		}
		if !slices.Contains(groups, g) { // an id and its aliases name one group
			groups = append(groups, g)
		}
	}
	var labels []string
	for _, g := range groups {
		labels = append(labels, g.ID+" "+g.Name)
		for _, ut := range cat.TechniquesOfGroup(g.ID) {
			t, ok := cat.Technique(string(ut.ID))
			if !ok || !t.Active() || t.Domain != "enterprise-attack" {
				continue
			}
			u := uses[ut.ID]
			if u == nil {
				u = &use{tactic: t.Tactics}
				uses[ut.ID] = u
			}
			if !slices.Contains(u.groups, g.Name) {
				u.groups = append(u.groups, g.Name)
			}
		}
	}
	version := ""
	for _, d := range cat.Domains() {
		if d.Name == "enterprise-attack" {
			version = d.Version
		}
	}
	l := navigator.New("Techniques of "+strings.Join(labels, ", "), "enterprise-attack", version)
	l.Description = fmt.Sprintf("Techniques used by %s (their own, their software's and their campaigns'), scored by how many of them use each. Made by debrief from ATT&CK v%s.", strings.Join(labels, ", "), version)
	l.Gradient = &navigator.Gradient{Colors: []string{"#fff3b0", "#e63946"}, MinValue: 1, MaxValue: float64(max(2, len(labels)))}
	for i := 1; i <= len(labels); i++ {
		l.Legend = append(l.Legend, navigator.LegendItem{Label: fmt.Sprintf("used by %d of %d", i, len(labels)), Color: legendColor(i, len(labels))})
	}
	ids := make([]debrief.TechniqueID, 0, len(uses))
	for id := range uses {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		u := uses[id]
		l.Techniques = append(l.Techniques, navigator.Technique{
			TechniqueID: string(id), Score: navigator.Score(float64(len(u.groups))),
			Comment: "Used by " + strings.Join(u.groups, ", "), ShowSubtechniques: false,
		})
	}
	l.Metadata = []navigator.Metadata{{Name: "groups", Value: strings.Join(labels, "; ")}, {Name: "generator", Value: "debrief"}}
	return l, nil
}

// legendColor interpolates the layer's gradient for the legend.
func legendColor(i, n int) string {
	if n < 2 {
		return "#e63946"
	}
	f := float64(i-1) / float64(n-1)
	lerp := func(a, b int) int { return a + int(f*float64(b-a)+0.5) }
	return fmt.Sprintf("#%02x%02x%02x", lerp(0xff, 0xe6), lerp(0xf3, 0x39), lerp(0xb0, 0x46))
}
