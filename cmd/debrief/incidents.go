package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/internal/query"
)

type incidentsOptions struct {
	since, until string
	severity     []string
	status       []string
	verdict      []string
	source       []string
	technique    string
	tactic       string
	limit        int
}

// incidentRow is one incident in "incidents --json": as docs/json.md
// says, absent fields are omitted and absent lists are empty.
type incidentRow struct {
	ID         string                `json:"id"`
	Title      string                `json:"title"`
	Severity   debrief.Severity      `json:"severity,omitempty"`
	Status     debrief.Status        `json:"status,omitempty"`
	Verdict    debrief.Verdict       `json:"verdict,omitempty"`
	Created    time.Time             `json:"created,omitzero"`
	Techniques []debrief.TechniqueID `json:"techniques"`
	Tactics    []string              `json:"tactics"`
	// Placeholder: debrief built the incident from its alerts; its own
	// record has not been ingested.
	Placeholder bool `json:"placeholder,omitempty"`
}

func (a *app) incidentsCmd() *cobra.Command {
	var o incidentsOptions
	cmd := &cobra.Command{
		Use:   "incidents",
		Short: "List incidents in the store",
		Example: `  debrief incidents --since 30d
  debrief incidents --severity high --severity critical --status active
  debrief incidents --technique T1566 --tactic initial-access --json`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := o.filter(time.Now(), a.catalog)
			if err != nil {
				return err
			}
			st, err := a.readStore(cmd.Context())
			if err != nil {
				return err
			}
			ins, err := st.Incidents(cmd.Context(), f)
			if err != nil {
				return err
			}
			if a.json {
				rows := make([]incidentRow, 0, len(ins))
				for _, in := range ins {
					rows = append(rows, incidentRow{in.ID, in.Title, in.Severity, in.Status, in.Verdict, in.Times.Created,
						nonNil(in.Techniques), nonNil(in.Tactics), in.Placeholder})
				}
				return a.printJSON(rows)
			}
			printIncidents(a.stdout, ins)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.since, "since", "", "created at or after: a duration back from now (30d, 12h, 2w) or a date (2026-01-31)")
	fl.StringVar(&o.until, "until", "", "created before: a duration back from now or a date")
	fl.StringSliceVar(&o.severity, "severity", nil, "informational, low, medium, high or critical (repeat or comma-separate)")
	fl.StringSliceVar(&o.status, "status", nil, "new, active, in_progress, resolved or redirected")
	fl.StringSliceVar(&o.verdict, "verdict", nil, "true_positive, benign_positive, false_positive")
	fl.StringSliceVar(&o.source, "source", nil, "defender, sentinel, elastic, wazuh, ocsf or debrief (correlated): the incident's source or one of its alerts'")
	fl.StringVar(&o.technique, "technique", "", "an ATT&CK technique id; a technique also matches its sub-techniques")
	fl.StringVar(&o.tactic, "tactic", "", "an ATT&CK tactic in any spelling: initial-access, \"Initial Access\", TA0001")
	fl.IntVar(&o.limit, "limit", 0, "at most this many incidents (0: all)")
	return cmd
}

// joinNames lists names for a message: "a, b, c".
func joinNames[S ~string](names []S) string {
	ss := make([]string, len(names))
	for i, n := range names {
		ss[i] = string(n)
	}
	return strings.Join(ss, ", ")
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// filter turns the flags into a store filter; catalog is called only for
// --tactic, whose spelling the ATT&CK catalog folds to a shortname.
func (o incidentsOptions) filter(now time.Time, catalog func() (*attack.Catalog, error)) (debrief.IncidentFilter, error) {
	var f debrief.IncidentFilter
	var err error
	if f.Since, err = query.When(o.since, now); err != nil {
		return f, usagef("--since: %v", err)
	}
	if f.Until, err = query.When(o.until, now); err != nil {
		return f, usagef("--until: %v", err)
	}
	for _, s := range o.severity {
		v, ok := debrief.ParseSeverity(s)
		if !ok || v == debrief.SeverityUnknown {
			return f, usagef("--severity %q: want one of %s", s, joinNames(debrief.Severities))
		}
		f.Severity = append(f.Severity, v)
	}
	for _, s := range o.status {
		v, ok := debrief.ParseStatus(s)
		if !ok || v == debrief.StatusUnknown {
			return f, usagef("--status %q: want one of %s", s, joinNames(debrief.Statuses))
		}
		f.Status = append(f.Status, v)
	}
	for _, s := range o.verdict {
		v, ok := debrief.ParseVerdict(s)
		if !ok || v == debrief.VerdictUndetermined {
			return f, usagef("--verdict %q: want one of %s", s, joinNames(debrief.Verdicts))
		}
		f.Verdict = append(f.Verdict, v)
	}
	for _, s := range o.source {
		v := debrief.Source(strings.ToLower(strings.TrimSpace(s)))
		if !slices.Contains(debrief.Sources, v) {
			return f, usagef("--source %q: want one of %s (Microsoft Graph and advanced hunting data are stored under defender)", s, joinNames(debrief.Sources))
		}
		f.Source = append(f.Source, v)
	}
	if o.technique != "" {
		if f.Technique, err = debrief.ParseTechniqueID(o.technique); err != nil {
			return f, usagef("--technique: %v", err)
		}
	}
	if o.tactic != "" {
		cat, err := catalog()
		if err != nil {
			return f, err
		}
		t, ok := cat.Tactic(o.tactic)
		if !ok {
			return f, usagef("--tactic %q: not an ATT&CK tactic; want an id, name or shortname such as %s", o.tactic, tacticNames(cat))
		}
		f.Tactic = t.Shortname
	}
	if o.limit < 0 {
		return f, usagef("--limit %d: want a count, or 0 for all", o.limit)
	}
	f.Limit = o.limit
	return f, nil
}

// tacticNames lists the Enterprise tactics' shortnames in matrix order.
func tacticNames(cat *attack.Catalog) string {
	var names []string
	for _, t := range cat.Tactics("enterprise-attack") {
		if t.Active() {
			names = append(names, t.Shortname)
		}
	}
	return strings.Join(names, ", ")
}

func printIncidents(w io.Writer, ins []debrief.Incident) {
	if len(ins) == 0 {
		fmt.Fprintln(w, "no incidents match")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tCREATED\tSEVERITY\tSTATUS\tVERDICT\tTECHNIQUES\tTITLE")
	placeholders := false
	for _, in := range ins {
		techs := make([]string, 0, len(in.Techniques))
		for _, t := range in.Techniques {
			techs = append(techs, string(t))
		}
		id := in.ID
		if in.Placeholder {
			id, placeholders = id+" *", true
		}
		textf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", id, stamp(in.Times.Created), dash(string(in.Severity)),
			dash(string(in.Status)), dash(string(in.Verdict)), dash(clip(strings.Join(techs, ","), 40)), clip(in.Title, 70))
	}
	tw.Flush()
	if placeholders {
		fmt.Fprintln(w, "* built from its alerts: the incident record itself has not been ingested (see 'debrief incident show ID')")
	}
}

// stamp writes t to the minute, or "-" when it is not known.
func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format("2006-01-02 15:04")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
