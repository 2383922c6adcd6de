package elastic

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
func (d *doc) alert(m *memos, t *text) (*debrief.Alert, []dropped, *fieldError) {
	id := d.uuid
	if id == "" {
		id = d.docID
	}
	if id == "" {
		return nil, nil, &fieldError{field: "kibana.alert.uuid", reason: "want the alert id (kibana.alert.uuid or the document _id), got none"}
	}
	a := t.alerts.one()
	*a = debrief.Alert{
		ID:              t.qualified(debrief.SourceElastic, id),
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
	if fe := d.enums(a, m); fe != nil {
		return nil, nil, fe
	}
	if fe := d.times(a); fe != nil {
		return nil, nil, fe
	}
	drops := d.attack(a, t)
	d.indicatorNames(a)
	a.Entities = d.entities(t, m)
	return a, drops, nil
}

// memos remember the last spelling of each enum a decoder parsed, and
// recent hosts and users: the documents of an export repeat a handful of
// them.
type memos struct {
	severity memo[debrief.Severity]
	status   memo[debrief.Status]
	verdict  memo[debrief.Verdict]

	devices, users entityMemo
}

type memo[T any] struct {
	in  string
	out T
	ok  bool
	set bool
}

// parse returns parse(s), from memory when s is the last spelling seen.
func (m *memo[T]) parse(s string, parse func(string) (T, bool)) (T, bool) {
	if !m.set || m.in != s {
		m.in, m.set = s, true
		m.out, m.ok = parse(s)
	}
	return m.out, m.ok
}

// enums fills severity, status and verdict.
func (d *doc) enums(a *debrief.Alert, m *memos) *fieldError {
	sev, field := d.severity, "kibana.alert.severity"
	if sev == "" {
		sev, field = d.ruleSeverity, "kibana.alert.rule.severity"
	}
	var ok bool
	if a.Severity, ok = m.severity.parse(sev, debrief.ParseSeverity); !ok {
		return &fieldError{field: field, reason: fmt.Sprintf("want low, medium, high or critical, got %q", sev)}
	}
	if a.Severity == debrief.SeverityUnknown && d.riskScore > 0 {
		a.Severity = riskSeverity(d.riskScore)
	}
	if a.Status, ok = m.status.parse(d.status, debrief.ParseStatus); !ok {
		return &fieldError{field: "kibana.alert.workflow_status", reason: fmt.Sprintf("want open, acknowledged or closed, got %q", d.status)}
	}
	// The closing reason ("false_positive", "duplicate" …) is kept as the
	// determination; it gives a verdict when it names one.
	if v, ok := m.verdict.parse(d.workflowReason, debrief.ParseVerdict); ok {
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
func (d *doc) attack(a *debrief.Alert, t *text) []dropped {
	threats, field := d.ruleThreat, "kibana.alert.rule.threat"
	if len(threats) == 0 {
		threats, field = d.signalThreat, "signal.rule.threat"
	}
	n := len(d.ecsTechs)
	for _, t := range threats {
		for _, tech := range t.Technique {
			n += 1 + len(tech.Subtechnique)
		}
	}
	var m mapping
	if n > 0 {
		a.Techniques = t.techniques.take(n)
	}
	// One array for the techniques' tactics and, after them, the alert's.
	if k := len(threats) + len(d.ecsTactics); n+k > 0 {
		buf := t.strs.take(n + k)
		m.tactics, a.Tactics = buf[:0:n], buf[n:n:n+k]
	}
	var drops []dropped
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
			if !m.add(a, tech.ID, tech.Name, tactic) {
				drops = append(drops, badID(fmt.Sprintf("%s[%d].technique[%d].id", field, i, j), tech.ID))
			}
			for k, sub := range tech.Subtechnique {
				if !m.add(a, sub.ID, sub.Name, tactic) {
					drops = append(drops, badID(fmt.Sprintf("%s[%d].technique[%d].subtechnique[%d].id", field, i, j, k), sub.ID))
				}
			}
		}
	}
	for i, raw := range d.ecsTechs {
		if !m.add(a, raw, "", "") {
			drops = append(drops, badID(fmt.Sprintf("threat.technique.id[%d]", i), raw))
		}
	}
	for _, t := range d.ecsTactics {
		addTactic(a, t)
	}
	if len(a.Techniques) == 0 {
		a.Techniques = nil
	}
	if len(a.Tactics) == 0 {
		a.Tactics = nil
	}
	return drops
}

func badID(path, raw string) dropped {
	return dropped{path, fmt.Sprintf("want T#### or T####.###, got %q", raw)}
}

// mapping adds an alert's techniques; the tactic lists of its techniques
// share one array.
type mapping struct {
	tactics []string
}

// add adds the technique raw names, paired with tactic; it reports false
// for an id that is not one.
func (m *mapping) add(a *debrief.Alert, raw, name, tactic string) bool {
	id, ok := techniqueID(raw)
	if !ok {
		return false
	}
	for i := range a.Techniques {
		t := &a.Techniques[i]
		if t.ID != id {
			continue
		}
		if t.Name == "" {
			t.Name = name
		}
		if tactic != "" && !contains(t.Tactics, tactic) {
			t.Tactics = append(t.Tactics, tactic)
		}
		return true
	}
	t := debrief.Technique{ID: id, Name: name}
	if tactic != "" {
		m.tactics = append(m.tactics, tactic)
		n := len(m.tactics)
		t.Tactics = m.tactics[n-1 : n : n]
	}
	a.Techniques = append(a.Techniques, t)
	return true
}

// techniqueID is debrief.ParseTechniqueID, without its copy of an id
// that is already in canonical form (as rule mappings write them).
func techniqueID(raw string) (debrief.TechniqueID, bool) {
	if (len(raw) == 5 || len(raw) == 9 && raw[5] == '.' && digits(raw[6:])) && raw[0] == 'T' && digits(raw[1:5]) {
		return debrief.TechniqueID(raw), true
	}
	id, err := debrief.ParseTechniqueID(raw)
	return id, err == nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
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
