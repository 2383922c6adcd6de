package playbook

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/debrief-dev/debrief"
)

// webhook is a step that calls an HTTP endpoint: a Power Automate or Logic
// Apps HTTP trigger, a Teams or Slack incoming webhook, or any URL.
type webhook struct {
	s *step
	r *Runner
}

func (w webhook) Plan(_ context.Context, in *debrief.Incident, runID string) ([]Step, error) {
	var out []Step
	for _, v := range w.s.scopes(in, runID, w.s.playbook) {
		st, err := w.plan(v)
		if err != nil {
			return nil, fmt.Errorf("step %s: %w", w.s.ID, err)
		}
		out = append(out, st)
	}
	return out, nil
}

func (w webhook) plan(v *scope) (Step, error) {
	sp := w.s.Spec
	st := w.s.base(v)
	st.Action = sp.Preset
	live := &Request{Method: sp.Method, Header: map[string]string{}}
	secretURL := sp.URL == ""
	if secretURL {
		u, err := secret(w.r.getenv, sp.URLEnv, sp.URLFile)
		if err != nil {
			u = ""
			st.Summary = "URL unavailable: " + err.Error() + "; "
		}
		live.URL = u
	} else {
		u, err := renderURL(w.s.tpl["url"], v)
		if err != nil {
			return st, err
		}
		live.URL = u
	}
	for k := range sp.Headers {
		live.Header[k] = oneLine(w.s.tpl["headers."+k].render(v, nil))
	}
	body, err := w.body(v)
	if err != nil {
		return st, err
	}
	live.Body = body
	masked := *live
	masked.Header = map[string]string{}
	for k, x := range live.Header {
		if secretHeader(k) {
			x = "***"
		}
		masked.Header[k] = x
	}
	masked.URL = maskURL(live.URL)
	if secretURL || sp.Preset == PresetTeams || sp.Preset == PresetSlack {
		masked.URL = maskPath(live.URL)
	}
	if live.URL == "" {
		masked.URL = "(secret from " + or(sp.URLEnv, sp.URLFile) + ")"
	}
	st.Request, st.live = &masked, live
	st.Summary += fmt.Sprintf("%s %s (%s)", live.Method, masked.URL, sp.Preset)
	if u, err := url.Parse(live.URL); err == nil && live.URL != "" && !w.r.Config.hostAllowed(u.Hostname()) {
		st.Summary += "; host " + u.Hostname() + " is not in webhook_hosts"
	}
	return st, nil
}

// body builds the JSON body of the preset, rendering templates inside
// strings; values are JSON-encoded, so they cannot leave their string.
func (w webhook) body(v *scope) (json.RawMessage, error) {
	sp := w.s.Spec
	var b any
	switch {
	case sp.Preset == PresetTeams:
		text := w.s.tpl["text"].render(v, nil)
		b = map[string]any{"type": "message", "attachments": []any{map[string]any{
			"contentType": "application/vnd.microsoft.card.adaptive",
			"content": map[string]any{"type": "AdaptiveCard", "version": "1.4",
				"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
				"body":    []any{map[string]any{"type": "TextBlock", "text": text, "wrap": true}}}}}}
	case sp.Preset == PresetSlack:
		b = map[string]any{"text": w.s.tpl["text"].render(v, nil)}
	case sp.Body != nil:
		b = renderBody(w.s, "body", sp.Body, v)
	case sp.Method == "GET":
		return nil, nil
	default:
		b = incidentPayload(v)
	}
	return json.Marshal(b)
}

// incidentPayload is the default body for HTTP triggers: the incident's
// typed facts, for the flow's "Parse JSON" step.
func incidentPayload(v *scope) map[string]any {
	in := v.inc
	p := map[string]any{"incident_id": in.ID, "source": in.Source, "source_id": in.SourceID, "title": in.Title,
		"severity": in.Severity, "status": in.Status, "verdict": in.Verdict, "techniques": in.Techniques,
		"tactics": in.Tactics, "url": in.URL, "playbook": v.playbook, "step": v.stepID, "run_id": v.runID}
	if v.entity != nil {
		p["entity"] = map[string]any{"kind": v.entity.Kind, "id": v.entity.ID, "name": v.entity.Name}
	}
	return p
}

func renderBody(s *step, path string, x any, v *scope) any {
	switch x := x.(type) {
	case string:
		return s.tpl[path].render(v, nil)
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = renderBody(s, path+"."+k, e, v)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = renderBody(s, fmt.Sprintf("%s[%d]", path, i), e, v)
		}
		return out
	}
	return x
}

// renderURL substitutes values into a URL whose scheme and host are
// literal: path-escaped before '?', query-escaped after. It checks that
// the host did not change.
func renderURL(t template, v *scope) (string, error) {
	var b strings.Builder
	inQuery := false
	for _, p := range t.parts {
		if p.name == "" {
			b.WriteString(p.lit)
			inQuery = inQuery || strings.Contains(p.lit, "?")
			continue
		}
		if inQuery {
			b.WriteString(url.QueryEscape(v.get(p.name)))
		} else {
			b.WriteString(url.PathEscape(v.get(p.name)))
		}
	}
	out := b.String()
	u, err := url.Parse(out)
	lit, _ := url.Parse(t.parts[0].lit)
	if err != nil || lit == nil || u.Host != lit.Host || u.Scheme != lit.Scheme || u.User != nil {
		return "", fmt.Errorf("url: rendered URL changes its scheme or host")
	}
	return out, nil
}

// Query parameters that carry secrets in trigger URLs (SAS signatures,
// function keys, tokens).
var secretParams = map[string]bool{"sig": true, "code": true, "token": true, "key": true, "api-key": true,
	"apikey": true, "access_token": true, "secret": true, "password": true, "signature": true}

// maskURL hides the values of secret query parameters.
func maskURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "***"
	}
	u.User = nil
	q := u.Query()
	for k := range q {
		if secretParams[strings.ToLower(k)] {
			q.Set(k, "***")
		}
	}
	u.RawQuery = strings.ReplaceAll(q.Encode(), "%2A%2A%2A", "***")
	return u.String()
}

// maskPath keeps only scheme and host: for URLs that are secrets whole.
func maskPath(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return "***"
	}
	return u.Scheme + "://" + u.Host + "/***"
}

func (w webhook) Execute(ctx context.Context, s Step) (Outcome, error) {
	if s.live == nil || s.live.URL == "" {
		return Outcome{}, debrief.Errorf(debrief.EINVALID, "step %s: webhook URL is not available (%s)", s.Key, s.Request.URL)
	}
	u, err := url.Parse(s.live.URL)
	if err != nil || !w.r.Config.hostAllowed(u.Hostname()) {
		return Outcome{}, debrief.Errorf(debrief.EINVALID, "step %s: host %s is not in webhook_hosts", s.Key, u.Hostname())
	}
	out, body, err := w.r.send(ctx, s, redirects(w.r.httpClient(), w.r.Config.hostAllowed))
	if err != nil {
		return out, fmt.Errorf("step %s: %w", s.Key, err)
	}
	out.Result, out.Note = replyID(body)
	return out, nil
}

// replyID reads an id from a JSON reply, if any. A reply that is not JSON
// does not fail the step (the service accepted the request); it is noted.
func replyID(body []byte) (id, note string) {
	if len(strings.TrimSpace(string(body))) == 0 {
		return "accepted", ""
	}
	var v map[string]any
	if err := json.Unmarshal(body, &v); err != nil {
		return "accepted", "reply is not JSON"
	}
	for _, k := range []string{"id", "Id", "runId", "name"} {
		if s, ok := v[k].(string); ok && s != "" {
			return oneLine(snippet([]byte(s))), ""
		}
	}
	return "accepted", ""
}

// secretHeader reports whether a header's value is likely a credential.
func secretHeader(k string) bool {
	k = strings.ToLower(k)
	for _, w := range []string{"key", "token", "secret", "signature", "auth", "password"} {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}
