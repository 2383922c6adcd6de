package simulate

import (
	"fmt"
	"strconv"
	"time"

	"github.com/debrief-dev/debrief"
)

// wazuhWriter writes Wazuh alerts.json lines: one per alert, on the day it
// is raised (Wazuh alerts are events; they have no workflow state). The
// agent is the device, rule.mitre lists technique ids, names and the
// tactics of all of them.
type wazuhWriter struct{}

func (*wazuhWriter) ext() string              { return "json" }
func (*wazuhWriter) head(_ *enc, _ time.Time) {}
func (*wazuhWriter) tail(_ *enc)              {}

func (w *wazuhWriter) event(e *enc, ev *Event) (int, int) {
	end := ev.Day.Add(24 * time.Hour)
	n := 0
	for i := range ev.Incident.Alerts {
		a := &ev.Incident.Alerts[i]
		if raised(ev, a, end) {
			w.alert(e, ev, a, ev.plan.alertSeq+int64(i))
			e.b = append(e.b, '\n')
			e.comma = false
			n++
		}
	}
	return n, n
}

func (w *wazuhWriter) alert(e *enc, ev *Event, a *debrief.Alert, seq int64) {
	e.obj("")
	e.time("timestamp", a.Created, layoutWazuh)
	wazuhRule(e, ev, a)
	e.obj("agent")
	id, name, ip := wazuhAgent(a)
	e.str("id", id)
	e.str("name", name)
	if ip != "" {
		e.str("ip", ip)
	}
	e.end()
	e.obj("manager")
	e.str("name", "wazuh-manager")
	e.end()
	e.str("id", wazuhAlertID(seq, a.Created))
	e.str("full_log", a.Description)
	e.obj("decoder")
	e.str("name", "windows_eventchannel")
	e.end()
	wazuhData(e, a)
	e.str("location", "EventChannel")
	e.end()
}

// wazuhRule writes the rule that fired, with rule.mitre: ids, names, and
// the tactics of all of them.
func wazuhRule(e *enc, ev *Event, a *debrief.Alert) {
	e.obj("rule")
	e.int("level", wazuhLevel(a.Severity))
	e.str("description", a.Title)
	e.str("id", strconv.FormatUint(100000+hashString(a.RuleID)%90000, 10))
	e.int("firedtimes", 1)
	e.bool("mail", a.Severity.Rank() >= debrief.SeverityHigh.Rank())
	e.strs("groups", []string{"windows", productOfAlert(a).key})
	e.obj("mitre")
	var ids, names, tactics []string
	for _, t := range a.Techniques {
		ids = append(ids, string(t.ID))
		names = append(names, t.Name)
		for _, s := range t.Tactics {
			if tt := ev.gen.ts.byShort[s]; tt != nil {
				tactics = appendNew(tactics, tt.name)
			}
		}
	}
	e.strs("id", ids)
	e.strs("tactic", tactics)
	e.strs("technique", names)
	e.end()
	e.end()
}

// wazuhData writes the decoded event fields: source address, user,
// command line.
func wazuhData(e *enc, a *debrief.Alert) {
	var user *debrief.Entity
	var src, cmd string
	for i := range a.Entities {
		en := &a.Entities[i]
		switch {
		case en.Kind == debrief.EntityUser:
			user = pickFirst(user, en)
		case en.Kind == debrief.EntityIP && src == "":
			src = en.ID
		case en.Kind == debrief.EntityProcess:
			cmd = en.Attributes["command_line"]
		}
	}
	e.obj("data")
	if src != "" {
		e.str("srcip", src)
	}
	if user != nil {
		e.str("dstuser", user.Attributes["name"])
	}
	if cmd != "" {
		e.obj("win")
		e.obj("eventdata")
		e.str("commandLine", cmd)
		e.end()
		e.end()
	}
	e.end()
}

// wazuhAgent is the agent that reports an alert: the Wazuh agent on its
// device (a stable three-digit id from the host name), else the manager.
func wazuhAgent(a *debrief.Alert) (id, name, ip string) {
	for _, en := range a.Entities {
		if en.Kind == debrief.EntityDevice {
			return fmt.Sprintf("%03d", 1+hashString(en.ID)%999), en.ID, en.Attributes["ip"]
		}
	}
	return "000", "wazuh-manager", ""
}

// wazuhLevel maps severities onto Wazuh rule levels (0–15).
func wazuhLevel(s debrief.Severity) int64 {
	switch s {
	case debrief.SeverityLow:
		return 5
	case debrief.SeverityMedium:
		return 8
	case debrief.SeverityHigh:
		return 12
	case debrief.SeverityCritical:
		return 15
	}
	return 3
}
