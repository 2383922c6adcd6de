package simulate

import (
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
)

// elasticWriter writes Elastic Security alert documents (the _source of
// .alerts-security.alerts-*), one per line: kibana.alert.* fields flat,
// the source event's ECS fields nested. An alert is written on the day it
// is raised and again on each day its workflow status changes, as an
// export of the alerts index would show it.
type elasticWriter struct{ seed uint64 }

func (*elasticWriter) ext() string              { return "ndjson" }
func (*elasticWriter) head(_ *enc, _ time.Time) {}
func (*elasticWriter) tail(_ *enc)              {}

func (w *elasticWriter) event(e *enc, ev *Event) (int, int) {
	return forDayAlerts(ev, func(a *debrief.Alert, seq int64) {
		w.doc(e, ev, a, seq)
		e.b = append(e.b, '\n')
		e.comma = false
	})
}

// forDayAlerts calls fn for each alert of the event's incident that was
// raised or changed on the event's day.
func forDayAlerts(ev *Event, fn func(a *debrief.Alert, seq int64)) (int, int) {
	end := ev.Day.Add(24 * time.Hour)
	n := 0
	for i := range ev.Incident.Alerts {
		a := &ev.Incident.Alerts[i]
		if raised(ev, a, end) || inDay(a.Updated, ev.Day, end) {
			fn(a, ev.plan.alertSeq+int64(i))
			n++
		}
	}
	return n, n
}

// elasticRules are the rule types and categories of Elastic's detection
// engine, picked per product for variety.
var elasticRules = map[string][2]string{
	productEndpoint:  {"eql", "Event Correlation Rule"},
	productEmail:     {"query", "Custom Query Rule"},
	productIdentity:  {"threshold", "Threshold Rule"},
	productDirectory: {"query", "Custom Query Rule"},
	productCloudApp:  {"new_terms", "New Terms Rule"},
}

func (w *elasticWriter) doc(e *enc, ev *Event, a *debrief.Alert, seq int64) {
	pr := productOfAlert(a)
	rule := elasticRules[pr.key]
	uuid := elasticAlertID(w.seed, seq)
	e.obj("")
	e.time("@timestamp", a.Created, layoutMillis)
	e.str("kibana.alert.uuid", uuid)
	e.time("kibana.alert.start", a.Created, layoutMillis)
	e.time("kibana.alert.last_detected", a.Created, layoutMillis)
	e.time("kibana.alert.original_time", a.FirstActivity, layoutMillis)
	e.str("kibana.alert.status", "active")
	e.str("kibana.alert.workflow_status", elasticStatus(a.Status))
	if a.Status != debrief.StatusNew {
		e.time("kibana.alert.workflow_status_updated_at", a.Updated, layoutMillis)
		e.str("kibana.alert.workflow_user", ev.Incident.Assignee)
	}
	if a.Verdict != "" {
		e.str("kibana.alert.workflow_reason", string(a.Verdict))
	}
	e.str("kibana.alert.severity", elasticSeverity(a.Severity))
	e.int("kibana.alert.risk_score", riskScore(a.Severity))
	e.str("kibana.alert.reason", a.Description)
	e.str("kibana.alert.rule.name", a.Title)
	e.str("kibana.alert.rule.uuid", a.RuleID)
	e.str("kibana.alert.rule.rule_id", formatGUID(hashString(a.RuleID), hashString(a.Title)))
	e.str("kibana.alert.rule.type", rule[0])
	e.str("kibana.alert.rule.category", rule[1])
	e.str("kibana.alert.rule.description", "Detects "+strings.ToLower(a.Title[:1])+a.Title[1:]+".")
	e.str("kibana.alert.rule.severity", elasticSeverity(a.Severity))
	e.int("kibana.alert.rule.risk_score", riskScore(a.Severity))
	w.threat(e, ev, a)
	e.strs("kibana.space_ids", []string{"default"})
	e.str("kibana.version", "8.15.0")
	e.str("kibana.alert.url", "https://kibana.contoso.internal/app/security/alerts/redirect/"+uuid+"?index=.alerts-security.alerts-default")
	e.obj("event")
	e.str("kind", "signal")
	e.str("module", strings.ReplaceAll(pr.key, "_", ""))
	e.str("dataset", "microsoft."+pr.key)
	e.end()
	elasticECS(e, a)
	e.end()
}

// threat writes kibana.alert.rule.threat: per tactic, its techniques with
// their sub-techniques nested.
func (w *elasticWriter) threat(e *enc, ev *Event, a *debrief.Alert) {
	ts := ev.gen.ts
	e.arr("kibana.alert.rule.threat")
	for _, short := range a.Tactics {
		tt := ts.byShort[short]
		if tt == nil {
			continue
		}
		e.obj("")
		e.str("framework", "MITRE ATT&CK")
		e.obj("tactic")
		e.str("id", string(tt.id))
		e.str("name", tt.name)
		e.str("reference", "https://attack.mitre.org/tactics/"+string(tt.id)+"/")
		e.end()
		e.arr("technique")
		for _, t := range a.Techniques {
			parent := t.ID.Parent()
			e.obj("")
			e.str("id", string(parent))
			e.str("name", techniqueName(ts, parent))
			e.str("reference", attackURL(parent))
			if t.ID.IsSub() {
				e.arr("subtechnique")
				e.obj("")
				e.str("id", string(t.ID))
				e.str("name", t.Name)
				e.str("reference", attackURL(t.ID))
				e.end()
				e.endArr()
			}
			e.end()
		}
		e.endArr()
		e.end()
	}
	e.endArr()
}

// techniqueName names a technique. Writers run beside the generator, so
// they read the catalog (safe for concurrent use), not the generator's
// caches.
func techniqueName(ts *techniques, id debrief.TechniqueID) string {
	if t, ok := ts.cat.Technique(string(id)); ok {
		return t.Name
	}
	return string(id)
}

// attackURL is the technique's ATT&CK page: T1566.002 → …/T1566/002/.
func attackURL(id debrief.TechniqueID) string {
	return "https://attack.mitre.org/techniques/" + strings.ReplaceAll(string(id), ".", "/") + "/"
}

// ecsEntities are the entities of an alert that ECS fields show: the
// first of each kind, and every address and URL.
type ecsEntities struct {
	dev, user, proc, file, mail *debrief.Entity
	ips, urls                   []string
}

func collectECS(a *debrief.Alert) ecsEntities {
	var x ecsEntities
	for i := range a.Entities {
		en := &a.Entities[i]
		switch en.Kind {
		case debrief.EntityDevice:
			x.dev = pickFirst(x.dev, en)
		case debrief.EntityUser:
			x.user = pickFirst(x.user, en)
		case debrief.EntityProcess:
			x.proc = pickFirst(x.proc, en)
		case debrief.EntityFile:
			x.file = pickFirst(x.file, en)
		case debrief.EntityMailMessage:
			x.mail = pickFirst(x.mail, en)
		case debrief.EntityIP:
			x.ips = append(x.ips, en.ID)
		case debrief.EntityURL:
			x.urls = append(x.urls, en.ID)
		}
	}
	return x
}

// elasticECS writes the source event's ECS fields from the entities.
func elasticECS(e *enc, a *debrief.Alert) {
	x := collectECS(a)
	if x.dev != nil {
		elasticHost(e, x.dev)
	}
	if x.user != nil {
		e.obj("user")
		e.str("name", x.user.Attributes["name"])
		e.str("domain", x.user.Attributes["domain"])
		if upn := x.user.Attributes["upn"]; upn != "" {
			e.str("email", upn)
			e.str("id", x.user.Attributes["sid"])
		}
		e.end()
	}
	if len(x.ips) > 0 {
		e.obj("source")
		e.str("ip", x.ips[0])
		e.end()
	}
	if x.proc != nil {
		elasticProcess(e, x.proc)
	}
	if x.file != nil {
		elasticFile(e, x.file)
	}
	if len(x.urls) > 0 {
		e.obj("url")
		e.str("full", x.urls[0])
		e.end()
	}
	if x.mail != nil {
		elasticEmail(e, x.mail)
	}
	if len(a.ThreatNames) > 0 {
		e.obj("threat")
		e.obj("software")
		e.str("name", a.ThreatNames[0])
		e.end()
		e.end()
	}
}

func elasticHost(e *enc, dev *debrief.Entity) {
	e.obj("host")
	e.str("name", dev.ID)
	e.str("hostname", dev.ID)
	e.str("id", dev.Attributes["device_id"])
	e.strs("ip", []string{dev.Attributes["ip"]})
	e.obj("os")
	e.str("family", "windows")
	e.str("name", dev.Attributes["os"])
	e.end()
	e.end()
}

func elasticFile(e *enc, f *debrief.Entity) {
	e.obj("file")
	e.str("name", f.Attributes["name"])
	e.str("path", f.Attributes["path"])
	e.int("size", atoi(f.Attributes["size"]))
	e.obj("hash")
	e.str("sha256", f.Attributes["sha256"])
	e.str("sha1", f.Attributes["sha1"])
	e.str("md5", f.Attributes["md5"])
	e.end()
	e.end()
}

func elasticEmail(e *enc, m *debrief.Entity) {
	e.obj("email")
	e.obj("from")
	e.strs("address", []string{m.Attributes["sender"]})
	e.end()
	e.obj("to")
	e.strs("address", []string{m.Attributes["recipient"]})
	e.end()
	e.str("subject", m.Attributes["subject"])
	e.str("message_id", m.ID)
	e.end()
}

func elasticProcess(e *enc, p *debrief.Entity) {
	at := p.Attributes
	e.obj("process")
	e.int("pid", atoi(at["pid"]))
	e.str("name", p.Name)
	e.str("executable", at["image"])
	e.str("command_line", at["command_line"])
	e.str("entity_id", p.ID)
	if c := at["created"]; len(c) == len("2006-01-02T15:04:05.0000000Z") {
		e.str("start", c[:23]+"Z") // to the millisecond, as Elastic writes
	}
	e.obj("hash")
	e.str("sha256", at["sha256"])
	e.end()
	e.obj("parent")
	e.int("pid", atoi(at["parent_pid"]))
	e.str("name", at["parent_image"])
	e.end()
	e.end()
}

func pickFirst(cur, en *debrief.Entity) *debrief.Entity {
	if cur != nil {
		return cur
	}
	return en
}

func elasticStatus(s debrief.Status) string {
	switch s {
	case debrief.StatusResolved:
		return "closed"
	case debrief.StatusInProgress:
		return "acknowledged"
	}
	return "open"
}

// elasticSeverity spells severities as Elastic rules do (no
// informational: low).
func elasticSeverity(s debrief.Severity) string {
	switch s {
	case debrief.SeverityMedium, debrief.SeverityHigh, debrief.SeverityCritical:
		return string(s)
	}
	return "low"
}

// riskScore is the default risk score Elastic pairs with a severity.
func riskScore(s debrief.Severity) int64 {
	switch s {
	case debrief.SeverityMedium:
		return 47
	case debrief.SeverityHigh:
		return 73
	case debrief.SeverityCritical:
		return 99
	}
	return 21
}
