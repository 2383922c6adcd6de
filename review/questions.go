package review

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
)

// Stamp writes a time as reviews show it: "2024-03-01 10:02 UTC"; "—" for
// the zero time.
func Stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

// maxFacts bounds the facts of one kind a question lists.
const maxFacts = 8

// questions are the NIST SP 800-61 lessons-learned questions with the
// facts the review knows beside each.
func questions(r *Review, b *builder) []Question {
	return []Question{
		{ID: "what_happened", Text: "Exactly what happened, and at what times?", Facts: whatHappened(r)},
		{ID: "staff_performance", Text: "How well did staff and management perform in dealing with the incident? " +
			"Were the documented procedures followed, and were they adequate?", Facts: performance(r, b)},
		{ID: "information_sooner", Text: "What information was needed sooner?", Facts: neededSooner(r)},
		{ID: "done_differently", Text: "What would the staff and management do differently the next time a similar incident occurs?",
			Facts: differently(r)},
		{ID: "prevent_recurrence", Text: "What corrective actions can prevent similar incidents in the future?",
			Facts: prevention(r)},
		{ID: "precursors_indicators", Text: "What precursors or indicators should be watched for in the future to detect similar incidents?",
			Facts: indicators(r)},
		{ID: "tools_resources", Text: "What additional tools or resources are needed to detect, analyze, and mitigate future incidents?",
			Facts: resources(r)},
	}
}

func whatHappened(r *Review) []string {
	h := r.Header
	facts := []string{fmt.Sprintf("%d alert%s in %d incident%s from %s, %s to %s.", h.Alerts, plural(h.Alerts),
		len(h.Incidents), plural(len(h.Incidents)), joinSources(h.Sources), Stamp(h.Start), Stamp(h.End))}
	for _, e := range r.Timeline {
		if e.Kind == EventMilestone {
			facts = append(facts, e.Title+": "+Stamp(e.At)+".")
		}
	}
	if seen := stageNames(r.KillChain, StageSeen); len(seen) > 0 {
		facts = append(facts, "Stages seen: "+strings.Join(seen, ", ")+".")
	}
	var ts []string
	for _, t := range r.Techniques {
		ts = append(ts, fmt.Sprintf("%s %s (%s)", t.ID, t.Name, Stamp(t.FirstSeen)))
	}
	if len(ts) > 0 {
		facts = append(facts, "Techniques, first seen first: "+capped(ts, maxFacts)+".")
	}
	return facts
}

func joinSources(ss []debrief.Source) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return listOr(out, "an unnamed source")
}

func stageNames(chain []Stage, st StageStatus) []string {
	var out []string
	for _, s := range chain {
		if s.Status == st {
			out = append(out, s.Name)
		}
	}
	return out
}

// capped joins at most n items and says how many more there are.
func capped(ss []string, n int) string {
	if len(ss) <= n {
		return strings.Join(ss, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ss[:n], ", "), len(ss)-n)
}

// Compare writes a metric beside its baseline: "6h (team median 40m, p90
// 3h): slow".
func (m Metric) Compare() string {
	switch m.Assessment {
	case AssessUnknown:
		return "not known"
	case AssessNoBaseline:
		return fmt.Sprintf("%s (no baseline: %d of the %d incidents needed)", m.Value, m.Baseline.N, MinBaseline)
	}
	return fmt.Sprintf("%s (team median %s, p90 %s): %s", m.Value, m.Baseline.Median, m.Baseline.P90, m.Assessment)
}

func performance(r *Review, b *builder) []string {
	var facts []string
	for _, m := range r.Metrics {
		facts = append(facts, m.Label+": "+m.Compare()+".")
	}
	if len(r.Header.Assignees) > 0 {
		facts = append(facts, "Handled by "+strings.Join(r.Header.Assignees, ", ")+".")
	} else {
		facts = append(facts, "No assignee was recorded.")
	}
	changes, comments := 0, 0
	for _, x := range b.in {
		changes += len(x.History)
		comments += len(x.Comments)
		if wasReopened(x.History) {
			facts = append(facts, x.ID+" was reopened after being closed.")
		}
	}
	facts = append(facts, fmt.Sprintf("%d recorded change%s of status, assignment or verdict; %d comment%s.",
		changes, plural(changes), comments, plural(comments)))
	return facts
}

func neededSooner(r *Review) []string {
	var facts []string
	if m := metric(r, TimeToDetect); m.Known {
		facts = append(facts, "The first alert came "+m.Value.String()+" after the first malicious activity.")
	}
	for i, st := range r.KillChain {
		if st.Status == StageGap {
			facts = append(facts, fmt.Sprintf("No alert showed %s, between %s and %s.", st.Name,
				neighbour(r.KillChain, i, -1), neighbour(r.KillChain, i, 1)))
		}
	}
	if late := alertsAfter(r, MilestoneContained); late > 0 {
		facts = append(facts, fmt.Sprintf("%d alert%s came after containment.", late, plural(late)))
	}
	if len(facts) == 0 {
		facts = append(facts, "No detection delay or blind spot was measured.")
	}
	return facts
}

func metric(r *Review, k MetricKey) Metric {
	for _, m := range r.Metrics {
		if m.Key == k {
			return m
		}
	}
	return Metric{Key: k}
}

func alertsAfter(r *Review, m Milestone) int {
	var at time.Time
	n := 0
	for _, e := range r.Timeline {
		switch {
		case e.Kind == EventMilestone && e.Milestone == m:
			at = e.At
		case e.Kind == EventAlert && !at.IsZero() && e.At.After(at):
			n++
		}
	}
	return n
}

func differently(r *Review) []string {
	var facts []string
	for _, m := range r.Metrics {
		if m.Assessment == AssessSlow {
			facts = append(facts, fmt.Sprintf("%s was slower than 90%% of the team's incidents: %s vs p90 %s.",
				m.Label, m.Value, m.Baseline.P90))
		}
	}
	for _, x := range r.Header.Incidents {
		if x.Status.Closed() && x.Verdict == debrief.VerdictUndetermined {
			facts = append(facts, x.ID+" was closed without a verdict.")
		}
	}
	if len(facts) == 0 {
		facts = append(facts, "No phase was slower than the team's p90.")
	}
	return facts
}

func prevention(r *Review) []string {
	var facts []string
	for _, t := range leaves(r.Techniques) {
		if len(t.Mitigations) == 0 {
			continue
		}
		names := make([]string, len(t.Mitigations))
		for i, m := range t.Mitigations {
			names[i] = m.ID + " " + m.Name
		}
		facts = append(facts, string(t.ID)+": "+strings.Join(names, ", ")+".")
	}
	if len(facts) > maxFacts {
		facts = append(facts[:maxFacts], fmt.Sprintf("Mitigations of %d more techniques are listed under Techniques.", len(facts)-maxFacts))
	}
	if len(facts) == 0 {
		facts = append(facts, "ATT&CK lists no mitigation for the techniques seen.")
	}
	return facts
}

// indicator reports whether entities of a kind are worth watching for.
func indicator(k debrief.EntityKind) bool {
	switch k {
	case debrief.EntityIP, debrief.EntityDomain, debrief.EntityURL, debrief.EntityFile:
		return true
	}
	return false
}

func indicators(r *Review) []string {
	var facts, first []string
	for _, e := range r.Timeline {
		if e.Kind == EventAlert && len(first) < 3 {
			first = append(first, fmt.Sprintf("%s (%s)", quote(e.Title), Stamp(e.At)))
		}
	}
	if len(first) > 0 {
		facts = append(facts, "Earliest alerts: "+strings.Join(first, ", ")+".")
	}
	var iocs []string
	for _, e := range r.Impact.Entities {
		if indicator(e.Kind) {
			iocs = append(iocs, fmt.Sprintf("%s %s (%d alert%s)", e.Kind, e.Label(), e.Alerts, plural(e.Alerts)))
		}
	}
	if len(iocs) > 0 {
		facts = append(facts, "Indicators: "+capped(iocs, maxFacts)+".")
	}
	if len(facts) == 0 {
		facts = append(facts, "No alerts or indicators were recorded.")
	}
	return facts
}

func resources(r *Review) []string {
	var facts []string
	var sources set
	for _, t := range r.Techniques {
		for _, s := range t.Sources {
			sources.add(s)
		}
	}
	if len(sources.list) > 0 {
		slices.Sort(sources.list)
		facts = append(facts, "Detection sources that fired: "+strings.Join(sources.list, ", ")+".")
	}
	for _, st := range r.KillChain {
		if st.Status == StageGap {
			facts = append(facts, "Telemetry that would show "+st.Name+" ("+string(st.TacticID)+").")
		}
	}
	if top := topCountermeasures(r.Techniques, 5); len(top) > 0 {
		facts = append(facts, "D3FEND countermeasures that apply to the most techniques here: "+strings.Join(top, ", ")+".")
	}
	if len(facts) == 0 {
		facts = append(facts, "No detection source, blind spot or countermeasure was recorded.")
	}
	return facts
}

// topCountermeasures names the n countermeasures that apply to the most
// techniques.
func topCountermeasures(ts []Technique, n int) []string {
	type count struct {
		c Countermeasure
		n int
	}
	byID := map[string]*count{}
	for _, t := range leaves(ts) {
		for _, c := range t.Countermeasures {
			if byID[c.ID] == nil {
				byID[c.ID] = &count{c: c}
			}
			byID[c.ID].n++
		}
	}
	all := make([]*count, 0, len(byID))
	for _, c := range byID {
		all = append(all, c)
	}
	slices.SortFunc(all, func(x, y *count) int { return cmp.Or(y.n-x.n, strings.Compare(x.c.ID, y.c.ID)) })
	var out []string
	for _, c := range all[:min(n, len(all))] {
		out = append(out, fmt.Sprintf("%s %s (%s, %d technique%s)", c.c.ID, c.c.Name, c.c.Tactic, c.n, plural(c.n)))
	}
	return out
}
