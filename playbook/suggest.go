package playbook

import (
	"fmt"
	"slices"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/d3fend"
)

// response is a built-in response step for a technique.
type response struct {
	action  string // graph action
	forEach string
}

// responses maps techniques (parents; sub-techniques fall back to them) to
// response steps a SOC commonly automates.
var responses = map[debrief.TechniqueID][]response{
	"T1566": {{"add_indicator", "url"}, {"add_indicator", "domain"}, {"add_indicator", "file"}},
	"T1204": {{"isolate_device", "device"}},
	"T1078": {{"revoke_sessions", "user"}, {"disable_user", "user"}},
	"T1110": {{"revoke_sessions", "user"}, {"disable_user", "user"}},
	"T1528": {{"revoke_sessions", "user"}},
	"T1539": {{"revoke_sessions", "user"}},
	"T1550": {{"revoke_sessions", "user"}, {"disable_user", "user"}},
	"T1556": {{"disable_user", "user"}},
	"T1098": {{"disable_user", "user"}},
	"T1114": {{"revoke_sessions", "user"}},
	"T1564": {{"revoke_sessions", "user"}},
	"T1059": {{"isolate_device", "device"}},
	"T1486": {{"isolate_device", "device"}},
	"T1490": {{"isolate_device", "device"}},
	"T1021": {{"isolate_device", "device"}},
	"T1570": {{"isolate_device", "device"}},
	"T1003": {{"isolate_device", "device"}, {"revoke_sessions", "user"}},
	"T1055": {{"isolate_device", "device"}},
	"T1047": {{"isolate_device", "device"}},
	"T1053": {{"isolate_device", "device"}},
	"T1543": {{"isolate_device", "device"}},
	"T1569": {{"isolate_device", "device"}},
	"T1105": {{"add_indicator", "url"}, {"add_indicator", "ip"}},
	"T1071": {{"add_indicator", "ip"}, {"add_indicator", "domain"}},
	"T1090": {{"add_indicator", "ip"}},
	"T1095": {{"add_indicator", "ip"}},
	"T1041": {{"add_indicator", "ip"}, {"isolate_device", "device"}},
	"T1567": {{"add_indicator", "domain"}, {"add_indicator", "url"}},
	"T1568": {{"add_indicator", "domain"}},
	"T1573": {{"add_indicator", "ip"}},
}

// Suggest writes a playbook (YAML, with comments) for incidents like this
// one: a trigger on its techniques and severity, a Teams notification,
// the response steps of the built-in technique → action table for the
// entity kinds the incident has, containment behind approval, and, as
// comments, the ATT&CK mitigations and D3FEND countermeasures of each
// technique. d3 may be nil. The result passes Parse.
func Suggest(in *debrief.Incident, cat *attack.Catalog, d3 *d3fend.Catalog) []byte {
	techs := observed(in)
	kinds := map[string]bool{}
	for i := range in.Alerts {
		for _, e := range in.Alerts[i].Entities {
			kinds[string(e.Kind)] = true
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Suggested by debrief from incident %s: %s\n", in.ID, oneLine(in.Title))
	b.WriteString("# Review every step, then lint with: debrief playbook lint FILE\n")
	b.WriteString("apiVersion: debrief/v1\nkind: Playbook\nmetadata:\n")
	fmt.Fprintf(&b, "  name: respond-%s\n", safeName(in.ID))
	fmt.Fprintf(&b, "  description: %s\n", quote("Response to incidents like "+in.ID))
	b.WriteString("trigger:\n  events: [incident.created, incident.updated]\n  all:\n")
	sev := in.Severity
	if sev.Rank() == 0 {
		sev = debrief.SeverityMedium
	}
	fmt.Fprintf(&b, "    - {field: severity, op: at_least, values: [%s]}\n", sev)
	b.WriteString("    - {field: verdict, op: not_in, values: [false_positive, benign_positive]}\n")
	if len(techs) > 0 {
		b.WriteString("  any:\n")
		for _, t := range techs {
			fmt.Fprintf(&b, "    - {field: techniques, op: in, values: [%s]}  # %s\n", t, techName(cat, t))
		}
	}
	b.WriteString("steps:\n")
	b.WriteString("  - id: notify\n    kind: webhook\n    preset: teams\n    url_env: DEBRIEF_TEAMS_WEBHOOK_URL\n")
	b.WriteString("    text: \"{{ incident.severity }} incident {{ incident.id }}: {{ incident.title }} ({{ incident.techniques }})\"\n")
	seen := map[response]bool{}
	for _, t := range techs {
		for _, r := range responsesFor(t) {
			if seen[r] || !kinds[r.forEach] {
				continue
			}
			seen[r] = true
			fmt.Fprintf(&b, "  - id: %s  # for %s\n    kind: graph\n    action: %s\n    for_each: %s\n",
				r.stepID(), t, r.action, r.forEach)
			if r.action != "add_indicator" {
				b.WriteString("    approval: required\n")
			}
			b.WriteString("    retry: {attempts: 4, backoff: 2s, max_backoff: 1m}\n")
		}
	}
	b.WriteString("  - id: record\n    kind: comment\n    text: \"Playbook {{ playbook.name }} ran as {{ run.id }}\"\n")
	b.WriteString(guidance(techs, cat, d3))
	return []byte(b.String())
}

// observed lists the incident's techniques, sorted, without repeats.
func observed(in *debrief.Incident) []debrief.TechniqueID {
	set := map[debrief.TechniqueID]bool{}
	for _, t := range in.Techniques {
		set[t] = true
	}
	for i := range in.Alerts {
		for _, t := range in.Alerts[i].Techniques {
			set[t.ID] = true
		}
	}
	out := make([]debrief.TechniqueID, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// stepID names the response's step: its action, and the entity kind unless
// the action names it already (isolate-device, add-indicator-url).
func (r response) stepID() string {
	id := strings.ReplaceAll(r.action, "_", "-")
	if strings.HasSuffix(r.action, "_"+r.forEach) {
		return id
	}
	return id + "-" + r.forEach
}

func responsesFor(t debrief.TechniqueID) []response {
	if r, ok := responses[t]; ok {
		return r
	}
	return responses[t.Parent()]
}

// guidance renders mitigations and countermeasures as YAML comments.
func guidance(techs []debrief.TechniqueID, cat *attack.Catalog, d3 *d3fend.Catalog) string {
	var b strings.Builder
	b.WriteString("\n# What else to do, per technique (not automated):\n")
	for _, t := range techs {
		fmt.Fprintf(&b, "# %s %s\n", t, techName(cat, t))
		if cat != nil {
			ms := cat.MitigationsOf(string(t))
			if len(ms) == 0 && t.IsSub() {
				ms = cat.MitigationsOf(string(t.Parent()))
			}
			for i, m := range ms {
				if i == 5 {
					fmt.Fprintf(&b, "#   … and %d more mitigations\n", len(ms)-5)
					break
				}
				fmt.Fprintf(&b, "#   mitigation %s %s\n", m.ID, oneLine(m.Name))
			}
		}
		if d3 != nil {
			for i, m := range d3.For(t) {
				if i == 5 {
					break
				}
				fmt.Fprintf(&b, "#   D3FEND %s %s (%s) %s\n", m.Countermeasure.ID, m.Countermeasure.Name, m.Countermeasure.Tactic, m.Countermeasure.URL())
			}
		}
	}
	return b.String()
}

func techName(cat *attack.Catalog, t debrief.TechniqueID) string {
	if cat == nil {
		return ""
	}
	if x, ok := cat.Technique(string(t)); ok {
		return oneLine(x.Name)
	}
	return ""
}

func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '-'
	}, s)
}

func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(oneLine(s)) + `"`
}
