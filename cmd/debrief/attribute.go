package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attribution"
)

func (a *app) attributeCmd() *cobra.Command {
	var top int
	cmd := &cobra.Command{
		Use:   "attribute ID...",
		Short: "Rank the ATT&CK groups and campaigns an intrusion resembles",
		Long: `Attribute ranks every ATT&CK group and campaign by how much the incidents resemble
them: the techniques they share (rare ones weigh more), and the software and actor
names the alerts show (threat names, file and process names). Several IDs are one
intrusion. Each candidate comes with a calibrated confidence, the shared techniques
rarest first, the matched software, and its signature techniques that were not
seen; when no group stands out the answer is "no confident attribution".`,
		Example: `  debrief attribute defender:924565
  debrief attribute debrief:80b2eb72bb447cf1 debrief:a33ee2584bb4f267 --top 5 --json`,
		Args: args(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, ids []string) error {
			if top < 1 {
				return usagef("--top %d: want at least 1", top)
			}
			st, err := a.readStore(cmd.Context())
			if err != nil {
				return err
			}
			ins := make([]*debrief.Incident, len(ids))
			for i, id := range ids {
				if ins[i], err = findIncident(cmd, st, id); err != nil {
					return err
				}
			}
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			m, err := attribution.New(cat, attribution.DefaultOptions())
			if err != nil {
				return err
			}
			r := m.Rank(attribution.EvidenceOf(ins...), top)
			if a.json {
				return a.printJSON(r)
			}
			printAttribution(a.stdout, r)
			return nil
		},
	}
	cmd.Flags().IntVar(&top, "top", 10, "how many candidates to show")
	return cmd
}

func printAttribution(w io.Writer, r attribution.Result) {
	if r.Confident {
		fmt.Fprintf(w, "Most likely: %s %s (confidence %.0f%%)\n", r.Candidates[0].ID, r.Candidates[0].Name, 100*r.Candidates[0].Confidence)
	} else {
		fmt.Fprintln(w, strings.ToUpper(r.Reason[:1])+r.Reason[1:]+".")
	}
	if len(r.Candidates) == 0 {
		return
	}
	fmt.Fprintf(w, "Evidence: %d techniques", len(r.Techniques))
	for _, s := range append(r.Software, r.Actors...) {
		fmt.Fprintf(w, ", %s %s", s.ID, s.Name)
	}
	fmt.Fprint(w, "\n\n")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tID\tKIND\tNAME\tSCORE\tCONFIDENCE\tSHARED (RAREST FIRST)\tSOFTWARE\tNOT SEEN")
	for i, c := range r.Candidates {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%.1f\t%.0f%%\t%s\t%s\t%s\n", i+1, c.ID, c.Kind, c.Name, c.Score, 100*c.Confidence,
			techList(c.SharedTechniques, 5), refList(c.MatchedSoftware), techList(c.MissingTechniques, 3))
	}
	tw.Flush()
}

func techList(ts []attribution.TechniqueRef, n int) string {
	var parts []string
	for i, t := range ts {
		if i == n {
			parts = append(parts, fmt.Sprintf("+%d", len(ts)-n))
			break
		}
		parts = append(parts, string(t.ID))
	}
	return dash(strings.Join(parts, " "))
}

func refList(rs []attribution.Ref) string {
	var parts []string
	for _, r := range rs {
		parts = append(parts, r.Name)
	}
	return dash(strings.Join(parts, ", "))
}

func (a *app) attributionCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "attribution",
		Short:   "Measure how well attribution works",
		Example: `  debrief attribution eval`,
		Args:    args(cobra.NoArgs),
	}
	var draws, protocol string
	eval := &cobra.Command{
		Use:   "eval",
		Short: "Evaluate attribution on ATT&CK's attributed campaigns (leave-campaign-out)",
		Long: `Eval takes each campaign ATT&CK attributes to a group as an incident, leaves it out
of every group's profile, and ranks all groups. Under --protocol loco_cite (the
default, the main setting of the published reference benchmark) every relationship
that only the campaign's reports support is dropped too, for all groups;
--protocol loco keeps them (an easier test). It reports top-1/3/5/10 and mean
reciprocal rank for the full technique set and for 50% and 30% of it (20 random
draws per campaign, fixed seed, or the saved draws of --draws), with and without
the campaign's software names; for debrief's ranking and the Jaccard and
naive-Bayes baselines in the same run; and a reliability table of the confidence.`,
		Example: `  debrief attribution eval
  debrief attribution eval --draws partial_draws.json --json
  debrief attribution eval --protocol loco`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat, err := a.catalog()
			if err != nil {
				return err
			}
			var o attribution.EvalOptions
			if o.Protocol, err = attribution.ParseProtocol(protocol); err != nil {
				return usageError{err}
			}
			if draws != "" {
				if o.Draws, err = attribution.ReadDraws(draws); err != nil {
					return err
				}
			}
			rep, err := attribution.Evaluate(cat, o)
			if err != nil {
				return err
			}
			if a.json {
				return a.printJSON(rep)
			}
			printEval(a.stdout, rep)
			return nil
		},
	}
	eval.Flags().StringVar(&draws, "draws", "", "saved partial observations (partial_draws.json) instead of drawing with the fixed seed")
	eval.Flags().StringVar(&protocol, "protocol", string(attribution.LOCOCite), "what is left out for each campaign: loco_cite (also what only its reports support) or loco (the campaign alone)")
	cmd.AddCommand(eval)
	return cmd
}

func printEval(w io.Writer, rep *attribution.Report) {
	fmt.Fprintf(w, "%s, %d campaigns, %d candidate groups; draws: %s\n", rep.Catalog, len(rep.Campaigns), rep.Groups, rep.Draws)
	if len(rep.Skipped) > 0 {
		fmt.Fprintf(w, "skipped (fewer than 3 Enterprise techniques): %s\n", strings.Join(rep.Skipped, ", "))
	}
	fmt.Fprintf(w, "protocol %s: %s\ncalibration: %s (T = %.3f)\n\n", rep.Setting, rep.Protocol, rep.Calibration, rep.Temperature)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "method\tevidence\tobs\tn\ttop1\ttop3\ttop5\ttop10\tMRR\tmean rank\tECE\t")
	for _, r := range rep.Rows {
		ece := "-"
		if r.ECE != nil {
			ece = fmt.Sprintf("%.3f", *r.ECE)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.1f\t%s\t\n", r.Method, r.Evidence, r.Obs, r.N,
			r.Top1, r.Top3, r.Top5, r.Top10, r.MRR, r.MeanRank, ece)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nreliability (debrief, all observation levels): confidence of the top group vs. how often it was right")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\tT\t\t\tT+S\t\t\t")
	fmt.Fprintln(tw, "confidence\tn\tpredicted\tobserved\tn\tpredicted\tobserved\t")
	for i, b := range rep.Reliability {
		t := rep.ReliabilityT[i]
		fmt.Fprintf(tw, "%.1f–%.1f\t%d\t%.3f\t%.3f\t%d\t%.3f\t%.3f\t\n", b.Lo, b.Hi, t.N, t.Predicted, t.Observed, b.N, b.Predicted, b.Observed)
	}
	fmt.Fprintf(tw, "ECE\t\t%.3f\t\t\t%.3f\t\t\n", rep.ECET, rep.ECE)
	fmt.Fprintf(tw, "95%% over campaigns\t\t%.3f–%.3f\t\t\t%.3f–%.3f\t\t\n", rep.ECETInterval[0], rep.ECETInterval[1], rep.ECEInterval[0], rep.ECEInterval[1])
	tw.Flush()
	ab := rep.Abstention
	fmt.Fprintf(w, "\nabstention: %d of %d unattributed campaigns get \"no confident attribution\"; %d of %d attributed campaigns (full, T+S) get a confident answer, %d of them right\n",
		ab.UnattributedAbstained, ab.Unattributed, ab.AttributedConfident, ab.Attributed, ab.ConfidentCorrect)
}
