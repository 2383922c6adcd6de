package elasticv0

import (
	"fmt"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
)

// dropped is a field left out of a kept alert.
type dropped struct {
	field, reason string
}

// alert maps a document to a debrief alert. It returns the fields it had
// to drop (malformed technique ids), or the error that rejects the record.
func (d *doc) alert() (*debrief.Alert, []dropped, *fieldError) {
	id := d.uuid
	if id == "" {
		id = d.docID
	}
	if id == "" {
		return nil, nil, &fieldError{field: "kibana.alert.uuid", reason: "want the alert id (kibana.alert.uuid or the document _id), got none"}
	}
	a := &debrief.Alert{
		ID:              debrief.QualifiedID(debrief.SourceElastic, id),
		Source:          debrief.SourceElastic,
		SourceID:        id,
		Product:         "Elastic Security",
		DetectionSource: d.ruleType,
		Category:        d.ruleCategory,
		RuleID:          d.ruleID,
		RuleName:        d.ruleName,
		Title:           d.ruleName,
		Description:     d.reason,
		Determination:   d.workflowReason,
		URL:             d.url,
		ThreatNames:     d.threatNames,
	}
	if a.RuleID == "" {
		a.RuleID = d.ruleUUID
	}
	if a.Description == "" {
		a.Description = d.ruleDesc
	}
	if a.Title == "" {
		a.Title = "Elastic alert " + id
	}
	if fe := d.enums(a); fe != nil {
		return nil, nil, fe
	}
	if fe := d.times(a); fe != nil {
		return nil, nil, fe
	}
	drops := d.attack(a)
	d.indicatorNames(a)
	a.Entities = d.entities()
	return a, drops, nil
}

// enums fills severity, status and verdict.
func (d *doc) enums(a *debrief.Alert) *fieldError {
	sev, field := d.severity, "kibana.alert.severity"
	if sev == "" {
		sev, field = d.ruleSeverity, "kibana.alert.rule.severity"
	}
	var ok bool
	if a.Severity, ok = debrief.ParseSeverity(sev); !ok {
		return &fieldError{field: field, reason: fmt.Sprintf("want low, medium, high or critical, got %q", sev)}
	}
	if a.Severity == debrief.SeverityUnknown && d.riskScore > 0 {
		a.Severity = riskSeverity(d.riskScore)
	}
	if a.Status, ok = debrief.ParseStatus(d.status); !ok {
		return &fieldError{field: "kibana.alert.workflow_status", reason: fmt.Sprintf("want open, acknowledged or closed, got %q", d.status)}
	}
	// The closing reason ("false_positive", "duplicate" …) is kept as the
	// determination; it gives a verdict when it names one.
	if v, ok := debrief.ParseVerdict(d.workflowReason); ok {
		a.Verdict = v
	}
	return nil
}

// riskSeverity maps a 0–100 risk score to the severity Elastic's rule
// editor pairs with it by default (21 low, 47 medium, 73 high, 99 critical).
func riskSeverity(score float64) debrief.Severity {
	switch {
	case score < 22:
		return debrief.SeverityLow
	case score < 48:
		return debrief.SeverityMedium
	case score < 74:
		return debrief.SeverityHigh
	}
	return debrief.SeverityCritical
}

// times fills the alert's times: created at @timestamp (else
// kibana.alert.start, else the source event's time), activity from the
// source event and suppression window, updated at the latest detection or
// status change.
func (d *doc) times(a *debrief.Alert) *fieldError {
	a.Created = first(d.timestamp, d.start, d.originalTime, d.suppStart)
	if a.Created.IsZero() {
		return &fieldError{field: "@timestamp", reason: "want the alert creation time (@timestamp or kibana.alert.start), got none"}
	}
	a.FirstActivity = earliest(d.originalTime, d.suppStart)
	a.LastActivity = latest(d.originalTime, d.suppEnd)
	a.Updated = latest(d.lastDetected, d.statusUpdated)
	if a.Status.Closed() {
		a.Resolved = first(d.statusUpdated, a.Updated)
	}
	return nil
}

func first(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

func earliest(ts ...time.Time) time.Time {
	var e time.Time
	for _, t := range ts {
		if !t.IsZero() && (e.IsZero() || t.Before(e)) {
			e = t
		}
	}
	return e
}

func latest(ts ...time.Time) time.Time {
	var l time.Time
	for _, t := range ts {
		if t.After(l) {
			l = t
		}
	}
	return l
}

// attack fills techniques and tactics from the rule's threat mapping (each
// technique and sub-technique paired with its tactic) and from the ECS
// threat fields (unpaired). It returns the malformed ids it dropped.
func (d *doc) attack(a *debrief.Alert) []dropped {
	threats, field := d.ruleThreat, "kibana.alert.rule.threat"
	if len(threats) == 0 {
		threats, field = d.signalThreat, "signal.rule.threat"
	}
	var drops []dropped
	add := func(raw, name, tactic string, path func() string) {
		id, err := debrief.ParseTechniqueID(raw)
		if err != nil {
			drops = append(drops, dropped{path(), fmt.Sprintf("want T#### or T####.###, got %q", raw)})
			return
		}
		addTechnique(a, debrief.Technique{ID: id, Name: name}, tactic)
	}
	for i, t := range threats {
		if t.Framework != "" && !strings.Contains(strings.ToUpper(t.Framework), "ATT&CK") {
			continue
		}
		tactic := t.Tactic.Name
		if tactic == "" {
			tactic = t.Tactic.ID
		}
		addTactic(a, tactic)
		for j, tech := range t.Technique {
			add(tech.ID, tech.Name, tactic, func() string {
				return fmt.Sprintf("%s[%d].technique[%d].id", field, i, j)
			})
			for k, sub := range tech.Subtechnique {
				add(sub.ID, sub.Name, tactic, func() string {
					return fmt.Sprintf("%s[%d].technique[%d].subtechnique[%d].id", field, i, j, k)
				})
			}
		}
	}
	for i, raw := range d.ecsTechs {
		add(raw, "", "", func() string { return fmt.Sprintf("threat.technique.id[%d]", i) })
	}
	for _, t := range d.ecsTactics {
		addTactic(a, t)
	}
	return drops
}

// addTechnique adds t to the alert, merging the tactics of a technique
// that several threat entries name.
func addTechnique(a *debrief.Alert, t debrief.Technique, tactic string) {
	for i := range a.Techniques {
		if a.Techniques[i].ID != t.ID {
			continue
		}
		if a.Techniques[i].Name == "" {
			a.Techniques[i].Name = t.Name
		}
		if tactic != "" && !contains(a.Techniques[i].Tactics, tactic) {
			a.Techniques[i].Tactics = append(a.Techniques[i].Tactics, tactic)
		}
		return
	}
	if tactic != "" {
		t.Tactics = []string{tactic}
	}
	a.Techniques = append(a.Techniques, t)
}

func addTactic(a *debrief.Alert, tactic string) {
	if tactic != "" && !contains(a.Tactics, tactic) {
		a.Tactics = append(a.Tactics, tactic)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// indicatorNames adds the display names of matched threat indicators to
// the alert's threat names, when they name more than the matched value.
func (d *doc) indicatorNames(a *debrief.Alert) {
	add := func(in indicator, atomic string) {
		if in.Name != "" && !strings.EqualFold(in.Name, atomic) && !contains(a.ThreatNames, in.Name) {
			a.ThreatNames = append(a.ThreatNames, in.Name)
		}
	}
	for _, e := range d.enrichments {
		add(e.Indicator, e.Matched.Atomic)
	}
	for _, in := range d.indicators {
		add(in, in.Matched.Atomic)
	}
}
