package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attribution"
	"github.com/debrief-dev/debrief/internal/query"
)

// campaignJSON is one campaign in "campaigns --json".
type campaignJSON struct {
	attribution.Campaign
	Attribution *attribution.Candidate `json:"attribution,omitempty"` // the top candidate when confident
}

func (a *app) campaignsCmd() *cobra.Command {
	var since, until string
	var window time.Duration
	cmd := &cobra.Command{
		Use:   "campaigns",
		Short: "Group the store's incidents into campaigns by shared adversary infrastructure",
		Long: `Campaigns groups incidents that share adversary infrastructure — public IP
addresses, domains and URL hosts, e-mail senders, file hashes — within --window
of each other into one campaign, and says which ATT&CK group each most resembles.

--since and --until take a duration back from now or a date. When the store's
latest incident is more than a day old (an imported history, a simulation),
"now" is that incident's creation, as for trends, and the output says so.

An indicator seen over more than 90 days, in more than 5% of all incidents, or
mostly in incidents closed as benign or false positive belongs to the
environment (a VPN exit, an update server), not to an adversary, and joins
nothing.`,
		Example: `  debrief campaigns --since 180d
  debrief campaigns --window 30d --json`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, err := campaignsFilter(since, until, time.Now()); err != nil {
				return err // before the store opens
			}
			st, end, note, err := a.analysisStore(cmd.Context())
			if err != nil {
				return err
			}
			f, err := campaignsFilter(since, until, end)
			if err != nil {
				return err
			}
			cl := attribution.NewClusterer(attribution.ClusterOptions{Window: window})
			if err := scanIncidents(cmd.Context(), st, f, cl.Add); err != nil {
				return err
			}
			out, err := a.attributeCampaigns(cl.Campaigns())
			if err != nil {
				return err
			}
			if a.json {
				if note != "" {
					fmt.Fprintln(a.stderr, note)
				}
				return a.printJSON(out)
			}
			if note != "" {
				fmt.Fprintln(a.stdout, note)
			}
			printCampaigns(a.stdout, out, cl.Len())
			return nil
		},
	}
	cmd.Flags().StringVar(&since, "since", "180d", "incidents created at or after: a duration back from now or the store's latest incident if older (180d), or a date")
	cmd.Flags().StringVar(&until, "until", "", "incidents created before: a duration back from now or the store's latest incident if older, or a date")
	cmd.Flags().Var(spanFlag(&window, 60*24*time.Hour), "window", "how far apart two incidents sharing infrastructure may be (30d, 2w, 36h)")
	return cmd
}

// campaignsFilter reads --since and --until, their durations counted back
// from end.
func campaignsFilter(since, until string, end time.Time) (debrief.IncidentFilter, error) {
	var f debrief.IncidentFilter
	var err error
	if f.Since, err = query.When(since, end); err != nil {
		return f, usagef("--since: %v", err)
	}
	if f.Until, err = query.When(until, end); err != nil {
		return f, usagef("--until: %v", err)
	}
	return f, nil
}

// scanIncidents calls fn for each incident matching f with its alerts:
// lean (only what clustering and attribution read, see
// debrief.ScanOptions.Lean) in a few bulk queries when the store is a
// debrief.IncidentScanner, else whole, one Store.Incident call per
// incident. fn must not keep the pointer.
func scanIncidents(ctx context.Context, st debrief.Store, f debrief.IncidentFilter, fn func(*debrief.Incident)) error {
	if sc, ok := st.(debrief.IncidentScanner); ok {
		return sc.ScanIncidents(ctx, f, debrief.ScanOptions{Alerts: true, Lean: true}, func(in *debrief.Incident) error {
			fn(in)
			return nil
		})
	}
	list, err := st.Incidents(ctx, f)
	if err != nil {
		return err
	}
	for _, l := range list {
		in, err := st.Incident(ctx, l.ID)
		if err != nil {
			return err
		}
		fn(in)
	}
	return nil
}

// attributeCampaigns ranks each campaign's evidence and keeps the top
// candidate when the attribution is confident.
func (a *app) attributeCampaigns(cs []attribution.Campaign) ([]campaignJSON, error) {
	cat, err := a.catalog()
	if err != nil {
		return nil, err
	}
	m, err := attribution.New(cat, attribution.DefaultOptions())
	if err != nil {
		return nil, err
	}
	out := []campaignJSON{}
	for _, c := range cs {
		cj := campaignJSON{Campaign: c}
		if r := m.Rank(c.Evidence, 1); r.Confident && len(r.Candidates) > 0 {
			cj.Attribution = &r.Candidates[0]
		}
		out = append(out, cj)
	}
	return out, nil
}

func printCampaigns(w io.Writer, cs []campaignJSON, total int) {
	if len(cs) == 0 {
		fmt.Fprintf(w, "no campaigns: none of the %d incidents share adversary infrastructure\n", total)
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CAMPAIGN\tINCIDENTS\tFIRST\tLAST\tRESEMBLES\tSHARED INFRASTRUCTURE")
	for _, c := range cs {
		who := "-"
		if c.Attribution != nil {
			who = fmt.Sprintf("%s %s (%.0f%%)", c.Attribution.ID, c.Attribution.Name, 100*c.Attribution.Confidence)
		}
		textf(tw, "%s\t%d\t%s\t%s\t%s\t%s\n", c.ID, len(c.Incidents), c.First.Format("2006-01-02"), c.Last.Format("2006-01-02"),
			who, clip(strings.Join(c.Indicators, " "), 80))
	}
	tw.Flush()
	fmt.Fprintf(w, "%d campaigns over %d incidents; 'debrief review ID…' with a campaign's incidents reviews it as one.\n", len(cs), total)
}
