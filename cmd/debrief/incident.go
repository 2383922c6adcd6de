package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief"
)

func (a *app) incidentCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "incident",
		Short: "Inspect one incident",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "show ID",
		Short: "Show an incident with its alerts, techniques, entities and history",
		Long: `Show an incident with its alerts, techniques, entities and history.

ID is source-qualified (defender:924565, sentinel:<guid>); a bare id is looked
up in every source.`,
		Example: `  debrief incident show defender:924565
  debrief incident show 924565 --json`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, as []string) error {
			st, err := a.readStore(cmd.Context())
			if err != nil {
				return err
			}
			in, err := findIncident(cmd, st, as[0])
			if err != nil {
				return err
			}
			if a.json {
				return a.printJSON(in)
			}
			printIncident(a.stdout, in)
			return nil
		},
	})
	return cmd
}

// findIncident looks id up as given (its source prefix in any case), then
// in each source when it has no source prefix. When it is not found, the
// error suggests the id another source has it under (defender:42 for
// sentinel:42) and says that Microsoft Graph incidents are stored as
// defender:….
func findIncident(cmd *cobra.Command, st debrief.Store, id string) (*debrief.Incident, error) {
	src, rest, qualified := debrief.SplitID(id)
	src = debrief.Source(strings.ToLower(string(src)))
	if qualified && slices.Contains(debrief.Sources, src) {
		id = debrief.QualifiedID(src, rest)
	}
	in, err := st.Incident(cmd.Context(), id)
	if err == nil || debrief.ErrorCode(err) != debrief.ENOTFOUND {
		return in, err
	}
	if !strings.Contains(id, ":") {
		if in := lookupAnySource(cmd, st, id, ""); in != nil {
			return in, nil
		}
	}
	hint := " (list them with 'debrief incidents')"
	if qualified {
		other := lookupAnySource(cmd, st, rest, src)
		switch {
		case src == "graph":
			hint = ": Graph incidents are stored as " + debrief.QualifiedID(debrief.SourceDefender, rest)
			if other == nil || other.Source != debrief.SourceDefender {
				hint += ", which is not in the store either (list them with 'debrief incidents')"
			}
		case other != nil:
			hint = "; did you mean " + other.ID + "?"
		}
	}
	return nil, debrief.Errorf(debrief.ENOTFOUND, "incident %q not found%s", id, hint)
}

// lookupAnySource returns the incident stored as src:id for any source but
// not, or nil.
func lookupAnySource(cmd *cobra.Command, st debrief.Store, id string, not debrief.Source) *debrief.Incident {
	for _, src := range []debrief.Source{debrief.SourceDefender, debrief.SourceSentinel, debrief.SourceCorrelate,
		debrief.SourceElastic, debrief.SourceWazuh, debrief.SourceOCSF} {
		if src == not {
			continue
		}
		if in, err := st.Incident(cmd.Context(), debrief.QualifiedID(src, id)); err == nil {
			return in
		}
	}
	return nil
}

// howToExport says how to export the incident records of src.
func howToExport(src debrief.Source) string {
	switch src {
	case debrief.SourceDefender:
		return "export it from Microsoft Graph (GET /security/incidents?$expand=alerts) or the Defender XDR incidents API (GET /api/incidents)"
	case debrief.SourceSentinel:
		return "export its SecurityIncident rows from Microsoft Sentinel (or the incidents REST API)"
	}
	return "export the incidents of " + string(src) + ", not only its alerts,"
}

func printIncident(w io.Writer, in *debrief.Incident) {
	textf(w, "%s  %s\n", in.ID, in.Title)
	textf(w, "  severity %s  status %s  verdict %s", dash(string(in.Severity)), dash(string(in.Status)), dash(string(in.Verdict)))
	if in.Determination != "" {
		textf(w, " (%s)", in.Determination)
	}
	fmt.Fprintln(w)
	if in.Placeholder {
		textf(w, "  built by debrief from its alerts: the incident record itself has not been ingested.\n")
		textf(w, "  To get it, %s and ingest it; it replaces this placeholder.\n", howToExport(in.Source))
	}
	if in.Assignee != "" {
		textf(w, "  assigned to %s\n", in.Assignee)
	}
	times := []struct {
		label string
		t     time.Time
	}{{"first activity", in.Times.FirstActivity}, {"first alert", in.Times.FirstAlert}, {"created", in.Times.Created},
		{"first triage", in.Times.FirstTriage}, {"contained", in.Times.Contained}, {"resolved", in.Times.Resolved}}
	for _, t := range times {
		if !t.t.IsZero() {
			textf(w, "  %-15s %s\n", t.label, t.t.Format(time.RFC3339))
		}
	}
	if len(in.Tactics) > 0 {
		textf(w, "  tactics  %s\n", strings.Join(in.Tactics, " → "))
	}
	textf(w, "\nalerts (%d)\n", len(in.Alerts))
	for _, al := range in.Alerts {
		textf(w, "  %s  %s  %s  %s\n", al.Created.Format("2006-01-02 15:04:05"), dash(string(al.Severity)), al.ID, al.Title)
		for _, t := range al.Techniques {
			note := ""
			switch t.Status {
			case debrief.TechniqueRevoked:
				note = " (was " + t.Original + ", revoked)"
			case debrief.TechniqueUnknown:
				note = " (unknown to the ATT&CK release in use)"
			}
			textf(w, "      %s %s [%s]%s\n", t.ID, t.Name, strings.Join(t.Tactics, ", "), note)
		}
		for _, e := range al.Entities {
			name := e.Name
			if name == "" || name == e.ID {
				name = ""
			} else {
				name = " (" + name + ")"
			}
			textf(w, "      %s %s%s\n", e.Kind, e.ID, name)
		}
	}
	if len(in.History) > 0 {
		textf(w, "\nhistory\n")
		for _, c := range in.History {
			by := ""
			if c.By != "" {
				by = " by " + c.By
			}
			textf(w, "  %s  %s: %s → %s%s\n", c.At.Format(time.RFC3339), c.Field, dash(c.From), dash(c.To), by)
		}
	}
	if len(in.Comments) > 0 {
		textf(w, "\ncomments\n")
		for _, c := range in.Comments {
			textf(w, "  %s  %s: %s\n", c.At.Format(time.RFC3339), dash(c.Author), c.Text)
		}
	}
}
