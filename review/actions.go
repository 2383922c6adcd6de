package review

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
)

// actions derives the action items from what the review found, in order
// of priority: blind spots in the kill chain, slow phases, process
// problems, mitigations to verify, training.
func actions(r *Review, b *builder, now time.Time) []Action {
	var out []Action
	out = append(out, gapActions(r, b)...)
	out = append(out, metricActions(r)...)
	out = append(out, processActions(r, b)...)
	out = append(out, techniqueActions(r)...)
	out = append(out, trainingActions(r)...)
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	for i := range out {
		a := &out[i]
		a.ID = fmt.Sprintf("A%d", i+1)
		a.Owner = owner(a.Type, r.Header)
		a.Due = day.AddDate(0, 0, dueDays(a.Type))
		a.CSFTitle = CSFTitle(a.CSF)
	}
	if out == nil {
		out = []Action{}
	}
	return out
}

// owner suggests who takes an action: the incident's assignee for
// response actions, a role otherwise.
func owner(t ActionType, h Header) string {
	switch t {
	case ActionDetect:
		return "Detection engineering"
	case ActionRespond:
		if len(h.Assignees) == 1 {
			return h.Assignees[0]
		}
		return "Incident response lead"
	case ActionPrevent:
		return "IT operations"
	case ActionTraining:
		return "Security awareness"
	}
	return "SOC lead"
}

func dueDays(t ActionType) int {
	switch t {
	case ActionDetect, ActionRespond:
		return 14
	case ActionTraining:
		return 60
	}
	return 30
}

// gapActions asks for telemetry on every stage missing between the first
// and last stage seen.
func gapActions(r *Review, b *builder) []Action {
	var out []Action
	where := target(r.Impact)
	for i, st := range r.KillChain {
		if st.Status != StageGap {
			continue
		}
		before, after := neighbour(r.KillChain, i, -1), neighbour(r.KillChain, i, 1)
		common := b.commonTechniques(st.Tactic, 3)
		csf := "DE.CM-09"
		if networkTactic(st.Tactic) {
			csf = "DE.CM-01"
		}
		refs := []string{string(st.TacticID)}
		names := make([]string, len(common))
		for j, t := range common {
			refs = append(refs, string(t.ID))
			names[j] = string(t.ID) + " " + t.Name
		}
		title := fmt.Sprintf("Review telemetry for %s on %s", st.Name, where)
		if len(names) > 0 {
			title += ": " + strings.Join(names, ", ")
		}
		out = append(out, Action{
			Type: ActionDetect, CSF: csf, Title: title, Refs: refs,
			Reason: fmt.Sprintf("%s (%s) was not seen between %s and %s: a likely blind spot. "+
				"The techniques named are the %s techniques most ATT&CK groups use.", st.Name, st.TacticID, before, after, st.Name),
		})
	}
	return out
}

// neighbour is the name of the nearest seen stage in direction dir.
func neighbour(chain []Stage, i, dir int) string {
	for j := i + dir; j >= 0 && j < len(chain); j += dir {
		if chain[j].Status == StageSeen {
			return chain[j].Name
		}
	}
	return "?"
}

// target names the device (or else the user) most alerts involve.
func target(im Impact) string {
	for _, k := range []debrief.EntityKind{debrief.EntityDevice, debrief.EntityUser, debrief.EntityMailbox} {
		if es := im.Of(k); len(es) > 0 {
			return es[0].Label()
		}
	}
	return "the affected hosts"
}

type common struct {
	ID     debrief.TechniqueID
	Name   string
	groups int
}

// commonTechniques returns the n techniques (not sub-techniques) of a
// tactic that the most ATT&CK groups use.
func (b *builder) commonTechniques(tactic string, n int) []common {
	var cs []common
	for _, t := range b.cat.Techniques(enterprise) {
		if t.IsSub() || !t.Active() || !slices.Contains(t.Tactics, tactic) {
			continue
		}
		cs = append(cs, common{t.ID, t.Name, len(b.cat.GroupsUsing(string(t.ID)))})
	}
	slices.SortFunc(cs, func(x, y common) int {
		return cmp.Or(cmp.Compare(y.groups, x.groups), strings.Compare(string(x.ID), string(y.ID)))
	})
	return cs[:min(n, len(cs))]
}

// metricActions turns every phase slower than the team's p90 into an
// action, and asks for the times that are missing.
func metricActions(r *Review) []Action {
	var out, missing []Action
	for _, m := range r.Metrics {
		if m.Assessment == AssessSlow {
			out = append(out, slowAction(m, r))
		}
	}
	var unknown []string
	for _, m := range r.Metrics {
		if !m.Known {
			unknown = append(unknown, strings.ToLower(m.Label))
		}
	}
	if len(unknown) > 0 {
		missing = append(missing, Action{
			Type: ActionProcess, CSF: "RS.AN-06", Refs: keysOf(r.Metrics, false),
			Title:  "Record the missing points of the time model (" + strings.Join(missingPoints(r), ", ") + ") in the incident",
			Reason: "Without them " + strings.Join(unknown, ", ") + " cannot be measured or compared with the team's baseline.",
		})
	}
	return append(out, missing...)
}

func keysOf(ms []Metric, known bool) []string {
	var out []string
	for _, m := range ms {
		if m.Known == known {
			out = append(out, string(m.Key))
		}
	}
	return out
}

// missingPoints names the milestones the timeline lacks.
func missingPoints(r *Review) []string {
	have := map[Milestone]bool{}
	for _, e := range r.Timeline {
		if e.Kind == EventMilestone {
			have[e.Milestone] = true
		}
	}
	var out []string
	for _, m := range []Milestone{MilestoneFirstActivity, MilestoneFirstTriage, MilestoneContained, MilestoneResolved} {
		if !have[m] && (m != MilestoneResolved || r.Header.Status.Closed()) {
			out = append(out, strings.ToLower(MilestoneTitle(m)))
		}
	}
	if len(out) == 0 {
		out = append(out, "times in order")
	}
	return out
}

func slowAction(m Metric, r *Review) Action {
	reason := fmt.Sprintf("%s %s vs team median %s (p90 %s, %d incidents in the last %d days).",
		m.Label, m.Value, m.Baseline.Median, m.Baseline.P90, m.Baseline.N, BaselineDays)
	a := Action{Reason: reason, Refs: []string{string(m.Key)}}
	switch m.Key {
	case TimeToDetect:
		first := "the first technique seen"
		if len(r.Techniques) > 0 {
			first = string(r.Techniques[0].ID) + " " + r.Techniques[0].Name
		}
		a.Type, a.CSF = ActionDetect, "DE.AE-02"
		a.Title = "Find out why detection took " + m.Value.String() + ": check rule schedules and telemetry delay for " + first
	case TimeToAcknowledge:
		a.Type, a.CSF = ActionRespond, "RS.MA-02"
		a.Title = "Shorten time to acknowledge: review alert routing, on-call cover and queue priority for " +
			cmp.Or(string(r.Header.Severity), "these") + " incidents"
	case TimeToContain:
		a.Type, a.CSF = ActionRespond, "RS.MI-01"
		a.Title = "Shorten time to contain: pre-approve containment steps (isolate device, disable user, revoke sessions) for this kind of incident"
	case TimeToResolve:
		a.Type, a.CSF = ActionProcess, "ID.IM-03"
		a.Title = "Find what slowed resolution and update the runbook"
	case DwellTime:
		a.Type, a.CSF = ActionProcess, "ID.IM-04"
		a.Title = "Review the response plan's containment triggers: the attacker had " + m.Value.String() + " before containment"
	}
	return a
}

// processActions flags incidents closed without a verdict and incidents
// that were reopened.
func processActions(r *Review, b *builder) []Action {
	var undecided, reopened []string
	for _, x := range b.in {
		if x.Status.Closed() && x.Verdict == debrief.VerdictUndetermined {
			undecided = append(undecided, x.ID)
		}
		if wasReopened(x.History) {
			reopened = append(reopened, x.ID)
		}
	}
	var out []Action
	if len(undecided) > 0 {
		out = append(out, Action{Type: ActionProcess, CSF: "RS.MA-03", Refs: undecided,
			Title:  "Classify the incident (true positive, benign positive or false positive) before closing it",
			Reason: "Closed with no verdict: " + strings.Join(undecided, ", ") + "."})
	}
	if len(reopened) > 0 {
		out = append(out, Action{Type: ActionProcess, CSF: "RS.AN-03", Refs: reopened,
			Title:  "Find out why the incident was reopened and what the first closure missed",
			Reason: "Status went from closed back to open: " + strings.Join(reopened, ", ") + "."})
	}
	return out
}

func wasReopened(h []debrief.Change) bool {
	for _, c := range h {
		from, _ := debrief.ParseStatus(c.From)
		to, _ := debrief.ParseStatus(c.To)
		if c.Field == "status" && from.Closed() && to != debrief.StatusUnknown && !to.Closed() {
			return true
		}
	}
	return false
}

// leaves are the techniques no other technique of the review refines.
func leaves(ts []Technique) []Technique {
	var out []Technique
	for _, t := range ts {
		if !slices.ContainsFunc(ts, func(s Technique) bool { return s.ID.IsSub() && s.ID.Parent() == t.ID && s.ID != t.ID }) {
			out = append(out, t)
		}
	}
	return out
}

// techniqueActions asks to verify the mitigations of every technique seen,
// or to make sure it is detected when ATT&CK lists none.
func techniqueActions(r *Review) []Action {
	var out []Action
	for _, t := range leaves(r.Techniques) {
		var ms []Mitigation
		for _, m := range t.Mitigations {
			if m.ID != "M1017" {
				ms = append(ms, m)
			}
		}
		if len(ms) == 0 && len(t.Mitigations) == 0 {
			out = append(out, detectAction(t))
			continue
		}
		if len(ms) == 0 {
			continue
		}
		out = append(out, preventAction(t, ms))
	}
	return out
}

func preventAction(t Technique, ms []Mitigation) Action {
	names := make([]string, len(ms))
	refs := []string{string(t.ID)}
	votes := map[string]int{}
	for i, m := range ms {
		names[i] = m.ID + " " + m.Name
		refs = append(refs, m.ID)
		votes[mitigationCSF(m.ID)]++
	}
	return Action{
		Type: ActionPrevent, CSF: mostVoted(votes, mitigationCSF(ms[0].ID)), Refs: refs,
		Title: fmt.Sprintf("Verify the mitigations of %s %s are in place: %s", t.ID, t.Name, strings.Join(names, ", ")),
		Reason: fmt.Sprintf("%s was seen in %d alert%s from %s; ATT&CK lists %d mitigation%s for it.",
			t.ID, t.Alerts, plural(t.Alerts), listOr(t.Sources, "an unnamed source"), len(ms), plural(len(ms))),
	}
}

func mostVoted(votes map[string]int, tie string) string {
	best := tie
	for k, v := range votes {
		if v > votes[best] || v == votes[best] && k < best {
			best = k
		}
	}
	return best
}

func detectAction(t Technique) Action {
	var detect []string
	for _, c := range t.Countermeasures {
		if c.Tactic == "Detect" && len(detect) < 3 {
			detect = append(detect, c.ID+" "+c.Name)
		}
	}
	reason := fmt.Sprintf("ATT&CK lists no mitigation for %s, so detection is the defence.", t.ID)
	if len(detect) > 0 {
		reason += " D3FEND suggests " + strings.Join(detect, ", ") + "."
	}
	return Action{Type: ActionDetect, CSF: "DE.CM-09", Refs: []string{string(t.ID)}, Reason: reason,
		Title: fmt.Sprintf("Make sure %s %s is detected wherever it can occur", t.ID, t.Name)}
}

// trainingActions asks for user training where ATT&CK lists it as a
// mitigation of a technique seen.
func trainingActions(r *Review) []Action {
	var ids []string
	for _, t := range leaves(r.Techniques) {
		if slices.ContainsFunc(t.Mitigations, func(m Mitigation) bool { return m.ID == "M1017" }) {
			ids = append(ids, string(t.ID))
		}
	}
	if len(ids) == 0 {
		return nil
	}
	return []Action{{
		Type: ActionTraining, CSF: "PR.AT-01", Refs: append([]string{"M1017"}, ids...),
		Title:  "Train users to recognise and report " + strings.Join(ids, ", "),
		Reason: "ATT&CK lists User Training (M1017) as a mitigation of " + strings.Join(ids, ", ") + ", seen in this incident.",
	}}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func listOr(ss []string, none string) string {
	if len(ss) == 0 {
		return none
	}
	return strings.Join(ss, ", ")
}
