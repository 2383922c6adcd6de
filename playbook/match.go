package playbook

import (
	"fmt"
	"slices"
	"strings"

	"github.com/debrief-dev/debrief"
)

// Incident events a trigger can name.
const (
	EventCreated         = "incident.created"
	EventUpdated         = "incident.updated"
	EventReviewCompleted = "review.completed"
)

var events = []string{EventCreated, EventUpdated, EventReviewCompleted}

// Matcher fields and the operators each accepts.
var fieldOps = map[string][]string{
	"severity":   {"in", "not_in", "at_least", "at_most"},
	"status":     {"in", "not_in"},
	"verdict":    {"in", "not_in"},
	"techniques": {"in", "not_in", "all"},
	"tactics":    {"in", "not_in", "all"},
	"sources":    {"in", "not_in"},
	"entities":   {"in", "not_in", "all"},
	"tags":       {"in", "not_in", "all"},
	"title":      {"contains", "not_contains"},
}

// Facts are an incident's values prepared for matching: sets keyed the way
// matchers compare. Build them once per incident, match many playbooks.
type Facts struct {
	inc        *debrief.Incident
	severity   int
	status     string
	verdict    string
	source     string
	techniques map[string]bool // every technique and, for a sub-technique, "T1234.*" marks its parent
	tactics    map[string]bool // TacticKey
	entities   map[string]bool // kinds and kind:id keys
	tags       map[string]bool // lower-case
	title      string          // lower-case
}

// NewFacts prepares an incident for matching. Techniques, tactics and
// entities come from the incident and its alerts.
func NewFacts(in *debrief.Incident) *Facts {
	f := &Facts{inc: in, severity: in.Severity.Rank(), status: string(in.Status), verdict: string(in.Verdict),
		source:     string(in.Source),
		techniques: map[string]bool{}, tactics: map[string]bool{}, entities: map[string]bool{}, tags: map[string]bool{},
		title: strings.ToLower(in.Title)}
	if f.verdict == "" {
		f.verdict = "undetermined"
	}
	addTech := func(id debrief.TechniqueID) {
		f.techniques[string(id)] = true
		if id.IsSub() {
			f.techniques[string(id.Parent())+".*"] = true
		}
	}
	for _, t := range in.Techniques {
		addTech(t)
	}
	for _, t := range in.Tactics {
		f.tactics[debrief.TacticKey(t)] = true
	}
	for _, t := range in.Tags {
		f.tags[strings.ToLower(t)] = true
	}
	for i := range in.Alerts {
		a := &in.Alerts[i]
		for _, t := range a.Techniques {
			addTech(t.ID)
			for _, ta := range t.Tactics {
				f.tactics[debrief.TacticKey(ta)] = true
			}
		}
		for _, ta := range a.Tactics {
			f.tactics[debrief.TacticKey(ta)] = true
		}
		for _, e := range a.Entities {
			f.entities[string(e.Kind)] = true
			f.entities[strings.ToLower(e.Key())] = true
		}
	}
	return f
}

// compiled is a trigger ready to evaluate.
type compiled struct {
	events map[string]bool
	all    []cmatcher
	any    []cmatcher
	expr   Expr
}

type cmatcher struct {
	Matcher
	field int      // fieldSeverity …
	keys  []string // values normalised for the field
	alt   []string // techniques: "T1234.*" for a parent value, so a sub-technique matches; else ""
	rank  int      // severity rank for at_least / at_most
}

// Fields, as numbers for the hot path.
const (
	fieldSeverity = iota
	fieldStatus
	fieldVerdict
	fieldSources
	fieldTechniques
	fieldTactics
	fieldEntities
	fieldTags
	fieldTitle
)

var fieldNums = map[string]int{"severity": fieldSeverity, "status": fieldStatus, "verdict": fieldVerdict,
	"sources": fieldSources, "techniques": fieldTechniques, "tactics": fieldTactics, "entities": fieldEntities,
	"tags": fieldTags, "title": fieldTitle}

// compileMatcher checks and normalises one matcher.
func compileMatcher(m Matcher) (cmatcher, error) {
	ops, ok := fieldOps[m.Field]
	if !ok {
		return cmatcher{}, fmt.Errorf("field %q: want one of %s", m.Field, strings.Join(sortedKeys(fieldOps), ", "))
	}
	if !slices.Contains(ops, m.Op) {
		return cmatcher{}, fmt.Errorf("field %s: operator %q: want one of %s", m.Field, m.Op, strings.Join(ops, ", "))
	}
	if len(m.Values) == 0 {
		return cmatcher{}, fmt.Errorf("field %s: values: want at least one value", m.Field)
	}
	c := cmatcher{Matcher: m, field: fieldNums[m.Field]}
	for _, v := range m.Values {
		k, err := matchKey(m.Field, v)
		if err != nil {
			return cmatcher{}, fmt.Errorf("field %s: %w", m.Field, err)
		}
		alt := ""
		if p, ok := strings.CutSuffix(k, "+"); ok {
			k, alt = p, p+".*"
		}
		c.keys = append(c.keys, k)
		c.alt = append(c.alt, alt)
	}
	if m.Op == "at_least" || m.Op == "at_most" {
		if len(m.Values) != 1 {
			return cmatcher{}, fmt.Errorf("field %s: operator %s: want exactly one value", m.Field, m.Op)
		}
		c.rank = debrief.Severity(c.keys[0]).Rank()
	}
	return c, nil
}

// matchKey normalises a value the way Facts keys the field.
func matchKey(field, v string) (string, error) {
	switch field {
	case "severity":
		s, ok := debrief.ParseSeverity(v)
		if !ok || s == debrief.SeverityUnknown {
			return "", fmt.Errorf("value %q: want one of %v", v, debrief.Severities)
		}
		return string(s), nil
	case "status":
		s, ok := debrief.ParseStatus(v)
		if !ok || s == debrief.StatusUnknown {
			return "", fmt.Errorf("value %q: want one of %v", v, debrief.Statuses)
		}
		return string(s), nil
	case "verdict":
		s, ok := debrief.ParseVerdict(v)
		if !ok {
			return "", fmt.Errorf("value %q: want one of %v or undetermined", v, debrief.Verdicts)
		}
		if s == debrief.VerdictUndetermined {
			return "undetermined", nil
		}
		return string(s), nil
	case "techniques":
		id, err := debrief.ParseTechniqueID(v)
		if err != nil {
			return "", err
		}
		if id.IsSub() {
			return string(id), nil
		}
		return string(id) + "+", nil // the technique or any of its sub-techniques
	case "tactics":
		return debrief.TacticKey(v), nil
	case "entities":
		k, _, _ := strings.Cut(v, ":")
		if !slices.Contains(debrief.EntityKinds, debrief.EntityKind(k)) {
			return "", fmt.Errorf("value %q: want an entity kind or kind:id (kinds %v)", v, debrief.EntityKinds)
		}
		return strings.ToLower(v), nil
	}
	return strings.ToLower(v), nil
}

// has reports whether the incident holds one normalised value (or alt).
func (f *Facts) has(field int, key, alt string) bool {
	switch field {
	case fieldSeverity:
		return string(f.inc.Severity) == key
	case fieldStatus:
		return f.status == key
	case fieldVerdict:
		return f.verdict == key
	case fieldSources:
		return f.source == key
	case fieldTechniques:
		return f.techniques[key] || alt != "" && f.techniques[alt]
	case fieldTactics:
		return f.tactics[key]
	case fieldEntities:
		return f.entities[key]
	case fieldTags:
		return f.tags[key]
	case fieldTitle:
		return strings.Contains(f.title, key)
	}
	return false
}

// eval applies the matcher to the facts.
func (m *cmatcher) eval(f *Facts) bool {
	switch m.Op {
	case "at_least":
		return f.severity >= m.rank
	case "at_most":
		return f.severity > 0 && f.severity <= m.rank
	case "all":
		for i, k := range m.keys {
			if !f.has(m.field, k, m.alt[i]) {
				return false
			}
		}
		return true
	case "not_in", "not_contains":
		return !m.anyOf(f)
	}
	return m.anyOf(f)
}

func (m *cmatcher) anyOf(f *Facts) bool {
	for i, k := range m.keys {
		if f.has(m.field, k, m.alt[i]) {
			return true
		}
	}
	return false
}

func (m *cmatcher) String() string {
	return m.Field + " " + m.Op + " [" + strings.Join(m.Values, ", ") + "]"
}

// Result says whether a playbook's trigger matched an incident, and why.
type Result struct {
	Playbook string   `json:"playbook"`
	Matched  bool     `json:"matched"`
	Reasons  []string `json:"reasons"` // each condition with "✓" or "✗"
}

// Matches reports whether the trigger fires for the event on the incident;
// an empty event matches any event the trigger names.
func (p *Playbook) Matches(f *Facts, event string) bool {
	ok, _ := p.match.eval(f, event, nil)
	return ok
}

// Explain evaluates the trigger and records each condition's outcome.
func (p *Playbook) Explain(f *Facts, event string) Result {
	var reasons []string
	ok, err := p.match.eval(f, event, &reasons)
	if err != nil {
		reasons = append(reasons, "✗ expr: "+err.Error())
	}
	return Result{Playbook: p.Name(), Matched: ok, Reasons: reasons}
}

// failed lists the trigger's conditions that keep it from matching the
// incident on any event, as Explain words them without the mark; nil when
// it matches. The conditions of an any group are listed only when none of
// them holds.
func (p *Playbook) failed(f *Facts) []string {
	r := p.Explain(f, "")
	if r.Matched {
		return nil
	}
	anyHit := slices.ContainsFunc(r.Reasons, func(s string) bool { return strings.HasPrefix(s, "✓ any: ") })
	var out []string
	for _, s := range r.Reasons {
		if what, ok := strings.CutPrefix(s, "✗ "); ok && !(anyHit && strings.HasPrefix(what, "any: ")) {
			out = append(out, what)
		}
	}
	if len(out) == 0 { // not expected: a trigger that does not match has a condition that failed
		out = []string{"the trigger"}
	}
	return out
}

func (c *compiled) eval(f *Facts, event string, why *[]string) (bool, error) {
	note := func(ok bool, what string, m *cmatcher) {
		if why == nil {
			return
		}
		mark := "✗ "
		if ok {
			mark = "✓ "
		}
		if m != nil {
			what += m.String()
		}
		*why = append(*why, mark+what)
	}
	ok := event == "" || len(c.events) == 0 || c.events[event]
	if event != "" {
		note(ok, "event "+event, nil)
	}
	if !ok && why == nil {
		return false, nil
	}
	for i := range c.all {
		m := &c.all[i]
		r := m.eval(f)
		note(r, "all: ", m)
		if !r {
			ok = false
			if why == nil {
				return false, nil
			}
		}
	}
	if len(c.any) > 0 {
		hit := false
		for i := range c.any {
			m := &c.any[i]
			r := m.eval(f)
			note(r, "any: ", m)
			if hit = hit || r; hit && why == nil {
				break
			}
		}
		ok = ok && hit
	}
	if c.expr != nil && (ok || why != nil) {
		r, err := c.expr.Eval(f.inc)
		if err != nil {
			return false, err
		}
		note(r, "expr", nil)
		ok = ok && r
	}
	return ok, nil
}

// Expr is a compiled trigger expression (CEL). Options.Expr compiles one.
type Expr interface {
	Eval(in *debrief.Incident) (bool, error)
}

// ExprCompiler compiles a trigger's expr field; it should bound the cost
// of evaluation.
type ExprCompiler func(src string) (Expr, error)

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
