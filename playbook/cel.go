package playbook

import (
	"fmt"
	"strings"

	"github.com/google/cel-go/cel"

	"github.com/debrief-dev/debrief"
)

// CELCostLimit bounds the work one trigger expression may do on one
// incident (CEL's runtime cost units).
const CELCostLimit = 10_000

// CEL compiles trigger expressions written in the Common Expression
// Language. The expression sees one variable, incident, a map with the
// fields matchers use: id, source, title, severity, status, verdict,
// assignee, tags, techniques (ids, sub-techniques and parents), tactics
// (shortnames), alerts (count), entities (kind:id keys). It must return a
// bool; evaluation stops past CELCostLimit.
//
//	incident.severity == "high" && "T1566" in incident.techniques && incident.alerts > 3
func CEL(src string) (Expr, error) {
	env, err := cel.NewEnv(cel.Variable("incident", cel.MapType(cel.StringType, cel.DynType)))
	if err != nil {
		return nil, fmt.Errorf("cel environment: %w", err)
	}
	ast, iss := env.Compile(src)
	if iss != nil && iss.Err() != nil {
		return nil, fmt.Errorf("expression %q: %w", src, iss.Err())
	}
	if ast.OutputType() != cel.BoolType && ast.OutputType() != cel.DynType {
		return nil, fmt.Errorf("expression %q: want a bool, it gives %s", src, ast.OutputType())
	}
	prg, err := env.Program(ast, cel.CostLimit(CELCostLimit))
	if err != nil {
		return nil, fmt.Errorf("expression %q: %w", src, err)
	}
	return celExpr{src: src, prg: prg}, nil
}

type celExpr struct {
	src string
	prg cel.Program
}

func (e celExpr) Eval(in *debrief.Incident) (bool, error) {
	out, _, err := e.prg.Eval(map[string]any{"incident": celIncident(in)})
	if err != nil {
		return false, fmt.Errorf("expression %q: %w", e.src, err)
	}
	b, ok := out.Value().(bool)
	if !ok {
		return false, fmt.Errorf("expression %q: want a bool, got %v", e.src, out.Value())
	}
	return b, nil
}

// celIncident is what expressions see of an incident: plain values only.
func celIncident(in *debrief.Incident) map[string]any {
	var techs, tactics, ents []string
	seen := map[string]bool{}
	add := func(list *[]string, s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			*list = append(*list, s)
		}
	}
	for _, t := range in.Techniques {
		add(&techs, string(t))
		add(&techs, string(t.Parent()))
	}
	for _, t := range in.Tactics {
		add(&tactics, t)
	}
	for _, a := range in.Alerts {
		for _, t := range a.Techniques {
			add(&techs, string(t.ID))
			add(&techs, string(t.ID.Parent()))
		}
		for _, t := range a.Tactics {
			add(&tactics, t)
		}
		for _, e := range a.Entities {
			add(&ents, e.Key())
		}
	}
	return map[string]any{
		"id": in.ID, "source": string(in.Source), "title": in.Title, "severity": string(in.Severity),
		"status": string(in.Status), "verdict": string(in.Verdict), "assignee": strings.ToLower(in.Assignee),
		"tags": nonNilStrings(in.Tags), "techniques": nonNilStrings(techs), "tactics": nonNilStrings(tactics),
		"alerts": int64(len(in.Alerts)), "entities": nonNilStrings(ents),
	}
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
