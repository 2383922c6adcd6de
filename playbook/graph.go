package playbook

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/debrief-dev/debrief"
)

// graphOp is one Microsoft Graph or Defender for Endpoint action.
type graphOp struct {
	kinds    []string // entity kinds for_each must name; nil: none
	audience string   // "graph" or "defender"
	method   string
	path     string // with {id} for the entity or the incident's source id
	body     func(s *step, v *scope) map[string]any
	summary  string
}

// Graph actions.
var graphOps = map[string]graphOp{
	"isolate_device": {kinds: []string{"device"}, audience: "defender", method: "POST", path: "/api/machines/{id}/isolate",
		summary: "isolate device", body: func(s *step, v *scope) map[string]any {
			return map[string]any{"Comment": input(s, v, "comment", "isolated by debrief playbook "+v.playbook),
				"IsolationType": input(s, v, "isolation_type", "Full")}
		}},
	"release_device": {kinds: []string{"device"}, audience: "defender", method: "POST", path: "/api/machines/{id}/unisolate",
		summary: "release device from isolation", body: func(s *step, v *scope) map[string]any {
			return map[string]any{"Comment": input(s, v, "comment", "released by debrief playbook "+v.playbook)}
		}},
	"disable_user": {kinds: []string{"user"}, audience: "graph", method: "PATCH", path: "/v1.0/users/{id}",
		summary: "disable user", body: func(*step, *scope) map[string]any { return map[string]any{"accountEnabled": false} }},
	"revoke_sessions": {kinds: []string{"user"}, audience: "graph", method: "POST", path: "/v1.0/users/{id}/revokeSignInSessions",
		summary: "revoke sign-in sessions"},
	"add_indicator": {kinds: []string{"ip", "url", "domain", "file"}, audience: "defender", method: "POST", path: "/api/indicators",
		summary: "add indicator", body: indicatorBody},
	"comment_incident": {audience: "graph", method: "POST", path: "/v1.0/security/incidents/{incident}/comments",
		summary: "comment on incident", body: func(s *step, v *scope) map[string]any {
			return map[string]any{"@odata.type": "microsoft.graph.security.alertComment",
				"comment": input(s, v, "comment", "debrief playbook "+v.playbook)}
		}},
	"update_incident": {audience: "graph", method: "PATCH", path: "/v1.0/security/incidents/{incident}",
		summary: "update incident", body: func(s *step, v *scope) map[string]any {
			b := map[string]any{}
			for _, k := range []string{"status", "classification", "determination", "assignedTo"} {
				if x := input(s, v, k, ""); x != "" {
					b[k] = x
				}
			}
			return b
		}},
}

// graph input names per action.
var graphInputs = map[string][]string{
	"isolate_device": {"comment", "isolation_type"}, "release_device": {"comment"},
	"add_indicator":    {"action", "title", "description", "severity", "expiration"},
	"comment_incident": {"comment"}, "update_incident": {"status", "classification", "determination", "assignedTo"},
}

func input(s *step, v *scope, name, def string) string {
	t, ok := s.tpl["inputs."+name]
	if !ok {
		return def
	}
	return t.render(v, nil)
}

func indicatorBody(s *step, v *scope) map[string]any {
	typ := map[debrief.EntityKind]string{"ip": "IpAddress", "url": "Url", "domain": "DomainName"}[v.entity.Kind]
	if v.entity.Kind == debrief.EntityFile {
		typ = map[int]string{32: "FileMd5", 40: "FileSha1"}[len(v.entity.ID)]
		if typ == "" {
			typ = "FileSha256"
		}
	}
	return map[string]any{"indicatorValue": v.entity.ID, "indicatorType": typ,
		"action":      input(s, v, "action", "AlertAndBlock"),
		"title":       input(s, v, "title", "debrief: "+v.inc.ID),
		"description": input(s, v, "description", "added by debrief playbook "+v.playbook+" for incident "+v.inc.ID),
		"severity":    input(s, v, "severity", "High")}
}

func (c *checker) graph(s *step) {
	op, ok := graphOps[s.Action]
	if !ok {
		c.addf(s.path+".action", "graph action %q: want one of %s", s.Action, strings.Join(sortedKeys(graphOps), ", "))
		return
	}
	if op.kinds != nil && !slices.Contains(op.kinds, s.ForEach) {
		c.addf(s.path+".for_each", "action %s needs for_each: one of %s", s.Action, strings.Join(op.kinds, ", "))
	}
	for k, v := range s.Inputs {
		if !slices.Contains(graphInputs[s.Action], k) {
			c.addf(s.path+".inputs."+k, "action %s takes inputs %v", s.Action, graphInputs[s.Action])
		}
		c.tmpl(s, "inputs."+k, v)
	}
}

// graphAction plans and executes graph steps.
type graphAction struct {
	s *step
	r *Runner
}

func (g graphAction) Plan(_ context.Context, in *debrief.Incident, runID string) ([]Step, error) {
	op := graphOps[g.s.Action]
	var out []Step
	for _, v := range g.s.scopes(in, runID, g.s.playbook) {
		st := g.s.base(v)
		st.Action = g.s.Action
		path := op.path
		if v.entity != nil {
			path = strings.ReplaceAll(path, "{id}", url.PathEscape(apiID(v.entity)))
		}
		if strings.Contains(path, "{incident}") {
			if in.Source != debrief.SourceDefender {
				return nil, fmt.Errorf("step %s: %s needs a Defender XDR incident, %s is from %s", g.s.ID, g.s.Action, in.ID, in.Source)
			}
			path = strings.ReplaceAll(path, "{incident}", url.PathEscape(in.SourceID))
		}
		base := g.r.Config.Graph.graphURL()
		if op.audience == "defender" {
			base = g.r.Config.Graph.defenderURL()
		}
		req := &Request{Method: op.method, URL: base + path, Audience: op.audience}
		if op.body != nil {
			b, err := json.Marshal(op.body(g.s, v))
			if err != nil {
				return nil, fmt.Errorf("step %s: %w", g.s.ID, err)
			}
			req.Body = b
		}
		st.Request, st.live = req, req
		st.Summary = op.summary
		if v.entity != nil {
			st.Summary += " " + v.entity.Key()
		}
		out = append(out, st)
	}
	return out, nil
}

func (g graphAction) Execute(ctx context.Context, s Step) (Outcome, error) {
	client, err := g.r.oauthClient(s.live.Audience)
	if err != nil {
		return Outcome{}, fmt.Errorf("step %s: %w", s.Key, err)
	}
	host := ""
	if u, err := url.Parse(s.live.URL); err == nil {
		host = u.Hostname()
	}
	// A redirect elsewhere would take the bearer token with it.
	out, body, err := g.r.send(ctx, s, redirects(client, func(h string) bool { return strings.EqualFold(h, host) }))
	if err != nil {
		return out, fmt.Errorf("step %s: %w", s.Key, err)
	}
	out.Result, out.Note = replyID(body)
	return out, nil
}

// apiID is the id the API knows an entity by: for a device, the Defender
// machine id (attribute device_id) when the source gave one, else its key.
func apiID(e *debrief.Entity) string {
	if e.Kind == debrief.EntityDevice && e.Attributes["device_id"] != "" {
		return e.Attributes["device_id"]
	}
	return e.ID
}
