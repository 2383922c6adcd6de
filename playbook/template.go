package playbook

import (
	"fmt"
	"strings"

	"github.com/debrief-dev/debrief"
)

// Variables a template may name. entity.* need for_each.
var variables = map[string]bool{
	"incident.id": true, "incident.source": true, "incident.source_id": true, "incident.title": true,
	"incident.severity": true, "incident.status": true, "incident.verdict": true, "incident.url": true,
	"incident.assignee": true, "incident.techniques": true, "incident.tactics": true, "incident.tags": true,
	"entity.kind": true, "entity.id": true, "entity.name": true, "entity.key": true,
	"run.id": true, "playbook.name": true, "step.id": true,
}

// template is a parsed "text {{ var }} text". Values are substituted once:
// what a value holds is never read as template syntax.
type template struct {
	parts []tpart
}

type tpart struct {
	lit  string
	name string // a variable, when set
}

// parseTemplate splits s into literals and {{ variable }} references.
// entity tells whether the step has for_each: an unknown variable's error
// offers the entity.* variables only then.
func parseTemplate(s string, entity bool) (template, error) {
	var t template
	for {
		i := strings.Index(s, "{{")
		if i < 0 {
			if s != "" {
				t.parts = append(t.parts, tpart{lit: s})
			}
			return t, nil
		}
		if i > 0 {
			t.parts = append(t.parts, tpart{lit: s[:i]})
		}
		j := strings.Index(s[i:], "}}")
		if j < 0 {
			return t, fmt.Errorf("template %q: unclosed {{", s)
		}
		name := strings.TrimSpace(s[i+2 : i+j])
		if !variables[name] {
			return t, fmt.Errorf("template %q: unknown variable %q (want one of %s)", s, name, strings.Join(validVariables(entity), ", "))
		}
		t.parts = append(t.parts, tpart{name: name})
		s = s[i+j+2:]
	}
}

// validVariables lists, sorted, the variables a step may name: the
// entity.* ones only with for_each.
func validVariables(entity bool) []string {
	var out []string
	for _, v := range sortedKeys(variables) {
		if entity || !strings.HasPrefix(v, "entity.") {
			out = append(out, v)
		}
	}
	return out
}

// usesEntity reports whether the template names an entity.* variable.
func (t template) usesEntity() bool {
	for _, p := range t.parts {
		if strings.HasPrefix(p.name, "entity.") {
			return true
		}
	}
	return false
}

// isVar reports whether the template is one variable and nothing else.
func (t template) startsWithVar() bool { return len(t.parts) > 0 && t.parts[0].name != "" }

// render substitutes values, passing each through esc.
func (t template) render(v *scope, esc func(string) string) string {
	var b strings.Builder
	for _, p := range t.parts {
		if p.name == "" {
			b.WriteString(p.lit)
			continue
		}
		s := v.get(p.name)
		if esc != nil {
			s = esc(s)
		}
		b.WriteString(s)
	}
	return b.String()
}

// scope holds the typed values a template may name.
type scope struct {
	inc      *debrief.Incident
	entity   *debrief.Entity
	runID    string
	playbook string
	stepID   string
}

func (v *scope) get(name string) string {
	in := v.inc
	switch name {
	case "incident.id":
		return in.ID
	case "incident.source":
		return string(in.Source)
	case "incident.source_id":
		return in.SourceID
	case "incident.title":
		return in.Title
	case "incident.severity":
		return string(in.Severity)
	case "incident.status":
		return string(in.Status)
	case "incident.verdict":
		return string(in.Verdict)
	case "incident.url":
		return in.URL
	case "incident.assignee":
		return in.Assignee
	case "incident.techniques":
		ids := make([]string, len(in.Techniques))
		for i, t := range in.Techniques {
			ids[i] = string(t)
		}
		return strings.Join(ids, ", ")
	case "incident.tactics":
		return strings.Join(in.Tactics, ", ")
	case "incident.tags":
		return strings.Join(in.Tags, ", ")
	case "run.id":
		return v.runID
	case "playbook.name":
		return v.playbook
	case "step.id":
		return v.stepID
	}
	if v.entity == nil {
		return ""
	}
	switch name {
	case "entity.kind":
		return string(v.entity.Kind)
	case "entity.id":
		return v.entity.ID
	case "entity.name":
		if v.entity.Name != "" {
			return v.entity.Name
		}
		return v.entity.ID
	case "entity.key":
		return v.entity.Key()
	}
	return ""
}

// oneLine replaces control characters (CR, LF, NUL …) with spaces, for
// header values, mail subjects and other single-line fields.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
}
