package review

import (
	"cmp"
	"fmt"
	"strings"

	"github.com/debrief-dev/debrief"
)

// summary writes the review in a few sentences from its facts.
func summary(r *Review, b *builder) Summary {
	s := Summary{What: what(r), Impact: impactLine(r), Detection: detection(r, b), Containment: containment(r)}
	s.TopActions = []string{}
	for _, a := range r.Actions[:min(3, len(r.Actions))] {
		s.TopActions = append(s.TopActions, a.Title)
	}
	return s
}

func what(r *Review) string {
	h := r.Header
	in := ""
	if len(h.Incidents) > 1 {
		in = fmt.Sprintf(" in %d incidents", len(h.Incidents))
	}
	text := fmt.Sprintf("%d alert%s%s from %s to %s", h.Alerts, plural(h.Alerts), in, Stamp(h.Start), Stamp(h.End))
	seen := stageNames(r.KillChain, StageSeen)
	switch {
	case len(r.Techniques) == 0:
		text += ", with no ATT&CK technique."
	case len(seen) == 0:
		text += fmt.Sprintf(", %d ATT&CK technique%s.", len(r.Techniques), plural(len(r.Techniques)))
	case len(seen) == 1:
		text += fmt.Sprintf(", %d ATT&CK technique%s in one kill-chain stage (%s only).",
			len(r.Techniques), plural(len(r.Techniques)), seen[0])
	default:
		text += fmt.Sprintf(", %d ATT&CK technique%s across %d kill-chain stage%s (%s → %s).",
			len(r.Techniques), plural(len(r.Techniques)), len(seen), plural(len(seen)), seen[0], seen[len(seen)-1])
	}
	if gaps := stageNames(r.KillChain, StageGap); len(gaps) > 0 {
		text += " Not seen in between: " + strings.Join(gaps, ", ") + "."
	}
	return text
}

func kindNoun(k debrief.EntityKind, n int) string {
	noun := map[debrief.EntityKind]string{
		debrief.EntityIP: "IP address", debrief.EntityURL: "URL", debrief.EntityCloudApp: "cloud app",
		debrief.EntityCloudResource: "cloud resource", debrief.EntityMailMessage: "mail message",
		debrief.EntityRegistry: "registry key", debrief.EntityOther: "other entity",
	}[k]
	if noun == "" {
		noun = string(k)
	}
	if n == 1 {
		return noun
	}
	if strings.HasSuffix(noun, "s") || strings.HasSuffix(noun, "x") {
		return noun + "es"
	}
	if strings.HasSuffix(noun, "y") && noun != "registry key" {
		return strings.TrimSuffix(noun, "y") + "ies"
	}
	return noun + "s"
}

func impactLine(r *Review) string {
	var parts []string
	for _, c := range r.Impact.Counts {
		parts = append(parts, fmt.Sprintf("%d %s", c.Count, kindNoun(c.Kind, c.Count)))
	}
	text := "No entities were recorded"
	if len(parts) > 0 {
		text = "Involves " + andList(parts)
	}
	h := r.Header
	text += "; severity " + orUnknown(string(h.Severity)) + "; verdict " + orUnknown(strings.ReplaceAll(string(h.Verdict), "_", " "))
	if h.Determination != "" {
		text += " (" + h.Determination + ")"
	}
	return text + "."
}

// quote puts typographic quotes around text for a sentence, leaving the
// text itself as it is: the renderers escape it for their format (%q
// would add Go escapes, \" and \\, that people then read).
func quote(s string) string { return "“" + s + "”" }

func orUnknown(s string) string {
	if s == "" {
		return "not decided"
	}
	return s
}

func andList(ss []string) string {
	if len(ss) <= 1 {
		return strings.Join(ss, "")
	}
	return strings.Join(ss[:len(ss)-1], ", ") + " and " + ss[len(ss)-1]
}

// detection names the first alert and how long after the first activity
// it came.
func detection(r *Review, b *builder) string {
	var first *Event
	for i := range r.Timeline {
		if r.Timeline[i].Kind == EventAlert {
			first = &r.Timeline[i]
			break
		}
	}
	if first == nil {
		return "No alert was recorded."
	}
	text := fmt.Sprintf("First detected at %s by %s (%s)", Stamp(first.At), cmp.Or(first.Actor, "an unnamed source"), quote(first.Title))
	m := metric(r, TimeToDetect)
	switch {
	case m.Known && len(b.in) > 1:
		text += fmt.Sprintf("; median time to detect over %d incidents %s", m.Incidents, m.Value)
	case m.Known:
		text += ", " + m.Value.String() + " after the first malicious activity"
	}
	return text + "."
}

func containment(r *Review) string {
	ttc, ttr, dwell := metric(r, TimeToContain), metric(r, TimeToResolve), metric(r, DwellTime)
	var text string
	switch {
	case ttc.Known:
		text = "Contained " + ttc.Value.String() + " after the incident was created"
	case ttr.Known:
		text = "No containment action was recorded; resolved " + ttr.Value.String() + " after the incident was created"
	default:
		return "Neither contained nor resolved yet."
	}
	if dwell.Known {
		text += "; dwell time " + dwell.Value.String()
	}
	return text + "."
}
