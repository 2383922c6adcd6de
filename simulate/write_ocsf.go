package simulate

import (
	"time"

	"github.com/debrief-dev/debrief"
)

// ocsfWriter writes OCSF Detection Findings (class 2004, schema 1.3), one
// per line: a Create on the day an alert is raised, an Update or Close on
// each day its status changes. Times are epoch milliseconds with *_dt
// twins.
type ocsfWriter struct{ seed uint64 }

func (*ocsfWriter) ext() string              { return "ndjson" }
func (*ocsfWriter) head(_ *enc, _ time.Time) {}
func (*ocsfWriter) tail(_ *enc)              {}

func (w *ocsfWriter) event(e *enc, ev *Event) (int, int) {
	return forDayAlerts(ev, func(a *debrief.Alert, seq int64) {
		w.finding(e, ev, a, seq)
		e.b = append(e.b, '\n')
		e.comma = false
	})
}

func (w *ocsfWriter) finding(e *enc, ev *Event, a *debrief.Alert, seq int64) {
	activity, name := int64(1), "Create"
	at := a.Created
	switch {
	case a.Status == debrief.StatusResolved:
		activity, name, at = 3, "Close", a.Updated
	case a.Status == debrief.StatusInProgress:
		activity, name, at = 2, "Update", a.Updated
	}
	pr := productOfAlert(a)
	e.obj("")
	e.int("activity_id", activity)
	e.str("activity_name", name)
	e.int("category_uid", 2)
	e.str("category_name", "Findings")
	e.int("class_uid", 2004)
	e.str("class_name", "Detection Finding")
	e.int("type_uid", 200400+activity)
	e.str("type_name", "Detection Finding: "+name)
	e.int("time", at.UnixMilli())
	e.time("time_dt", at, layoutMillis)
	sevID, sev := ocsfSeverity(a.Severity)
	e.int("severity_id", sevID)
	e.str("severity", sev)
	statusID, status := ocsfStatus(a.Status)
	e.int("status_id", statusID)
	e.str("status", status)
	if id, text := ocsfVerdict(a.Verdict); id != 0 {
		e.int("verdict_id", id)
		e.str("verdict", text)
	}
	e.obj("metadata")
	e.str("version", "1.3.0")
	e.str("uid", a.SourceID)
	e.obj("product")
	e.str("name", pr.name)
	e.str("vendor_name", "Microsoft")
	e.end()
	e.end()
	w.findingInfo(e, ev, a, seq)
	ocsfObjects(e, a)
	e.end()
}

func (w *ocsfWriter) findingInfo(e *enc, ev *Event, a *debrief.Alert, seq int64) {
	ts := ev.gen.ts
	e.obj("finding_info")
	e.str("uid", ocsfFindingID(w.seed, seq))
	e.str("title", a.Title)
	e.str("desc", a.Description)
	e.int("created_time", a.Created.UnixMilli())
	e.int("first_seen_time", a.FirstActivity.UnixMilli())
	e.int("last_seen_time", a.LastActivity.UnixMilli())
	e.int("modified_time", a.Updated.UnixMilli())
	e.strs("types", []string{a.Category})
	e.obj("analytic")
	e.str("uid", a.RuleID)
	e.str("name", a.Title)
	e.int("type_id", 1)
	e.str("type", "Rule")
	e.end()
	e.arr("attacks")
	for _, t := range a.Techniques {
		e.obj("")
		e.str("version", "18.1")
		if len(a.Tactics) > 0 {
			if tt := ts.byShort[a.Tactics[0]]; tt != nil {
				e.obj("tactic")
				e.str("uid", string(tt.id))
				e.str("name", tt.name)
				e.end()
			}
		}
		parent := t.ID.Parent()
		e.obj("technique")
		e.str("uid", string(parent))
		e.str("name", techniqueName(ts, parent))
		e.end()
		if t.ID.IsSub() {
			e.obj("sub_technique")
			e.str("uid", string(t.ID))
			e.str("name", t.Name)
			e.end()
		}
		e.end()
	}
	e.endArr()
	e.end()
}

// ocsfObjects writes the device, actor, evidences and observables.
func ocsfObjects(e *enc, a *debrief.Alert) {
	var dev, user, proc *debrief.Entity
	for i := range a.Entities {
		en := &a.Entities[i]
		switch en.Kind {
		case debrief.EntityDevice:
			dev = pickFirst(dev, en)
		case debrief.EntityUser:
			user = pickFirst(user, en)
		case debrief.EntityProcess:
			proc = pickFirst(proc, en)
		}
	}
	if dev != nil {
		e.obj("device")
		e.str("hostname", dev.Attributes["fqdn"])
		e.str("name", dev.ID)
		e.str("uid", dev.Attributes["device_id"])
		e.str("ip", dev.Attributes["ip"])
		e.int("type_id", 2)
		e.obj("os")
		e.str("name", dev.Attributes["os"])
		e.int("type_id", 100)
		e.end()
		e.end()
	}
	if user != nil || proc != nil {
		e.obj("actor")
		if user != nil {
			ocsfUser(e, user)
		}
		if proc != nil {
			ocsfProcess(e, proc)
		}
		e.end()
	}
	ocsfEvidences(e, a)
}

func ocsfUser(e *enc, u *debrief.Entity) {
	at := u.Attributes
	e.obj("user")
	e.str("name", at["name"])
	e.str("domain", at["domain"])
	if upn := at["upn"]; upn != "" {
		e.str("email_addr", upn)
		e.str("uid", at["object_id"])
	} else {
		e.str("uid", at["sid"])
	}
	e.end()
}

func ocsfProcess(e *enc, p *debrief.Entity) {
	at := p.Attributes
	e.obj("process")
	e.int("pid", atoi(at["pid"]))
	e.str("name", p.Name)
	e.str("cmd_line", at["command_line"])
	if t, err := time.Parse(time.RFC3339Nano, at["created"]); err == nil {
		e.int("created_time", t.UnixMilli())
	}
	e.obj("file")
	e.str("name", p.Name)
	e.str("path", at["image"])
	ocsfHashes(e, at["sha256"], "")
	e.end()
	e.end()
}

func ocsfHashes(e *enc, sha256, sha1 string) {
	e.arr("hashes")
	if sha256 != "" {
		e.obj("")
		e.int("algorithm_id", 3)
		e.str("algorithm", "SHA-256")
		e.str("value", sha256)
		e.end()
	}
	if sha1 != "" {
		e.obj("")
		e.int("algorithm_id", 2)
		e.str("algorithm", "SHA-1")
		e.str("value", sha1)
		e.end()
	}
	e.endArr()
}

// ocsfEvidences writes network, file, URL and email evidence, and the
// observables that index them.
func ocsfEvidences(e *enc, a *debrief.Alert) {
	e.arr("evidences")
	for i := range a.Entities {
		en := &a.Entities[i]
		at := en.Attributes
		switch en.Kind {
		case debrief.EntityIP:
			e.obj("")
			e.obj("src_endpoint")
			e.str("ip", en.ID)
			e.end()
			e.end()
		case debrief.EntityFile:
			e.obj("")
			e.obj("file")
			e.str("name", at["name"])
			e.str("path", at["path"])
			e.int("size", atoi(at["size"]))
			ocsfHashes(e, at["sha256"], at["sha1"])
			e.end()
			e.end()
		case debrief.EntityURL:
			e.obj("")
			e.obj("url")
			e.str("url_string", en.ID)
			e.end()
			e.end()
		case debrief.EntityMailMessage:
			e.obj("")
			e.obj("email")
			e.str("uid", en.ID)
			e.str("from", at["sender"])
			e.strs("to", []string{at["recipient"]})
			e.str("subject", at["subject"])
			e.end()
			e.end()
		}
	}
	e.endArr()
	e.arr("observables")
	for i := range a.Entities {
		en := &a.Entities[i]
		typeID, typ, name := ocsfObservable(en.Kind)
		if typeID == 0 {
			continue
		}
		e.obj("")
		e.str("name", name)
		e.int("type_id", typeID)
		e.str("type", typ)
		e.str("value", en.ID)
		e.end()
	}
	e.endArr()
}

func ocsfObservable(k debrief.EntityKind) (int64, string, string) {
	switch k {
	case debrief.EntityDevice:
		return 1, "Hostname", "device.name"
	case debrief.EntityIP:
		return 2, "IP Address", "evidences.src_endpoint.ip"
	case debrief.EntityUser:
		return 4, "User Name", "actor.user.name"
	case debrief.EntityURL:
		return 6, "URL String", "evidences.url.url_string"
	case debrief.EntityFile:
		return 8, "Hash", "evidences.file.hashes.value"
	case debrief.EntityMailbox:
		return 5, "Email Address", "actor.user.email_addr"
	}
	return 0, "", ""
}

func ocsfSeverity(s debrief.Severity) (int64, string) {
	switch s {
	case debrief.SeverityInformational:
		return 1, "Informational"
	case debrief.SeverityLow:
		return 2, "Low"
	case debrief.SeverityMedium:
		return 3, "Medium"
	case debrief.SeverityHigh:
		return 4, "High"
	case debrief.SeverityCritical:
		return 5, "Critical"
	}
	return 0, "Unknown"
}

func ocsfStatus(s debrief.Status) (int64, string) {
	switch s {
	case debrief.StatusResolved:
		return 4, "Resolved"
	case debrief.StatusInProgress:
		return 2, "In Progress"
	}
	return 1, "New"
}

// ocsfVerdict maps a verdict onto OCSF's verdict_id and caption.
func ocsfVerdict(v debrief.Verdict) (int64, string) {
	switch v {
	case debrief.VerdictFalsePositive:
		return 1, "False Positive"
	case debrief.VerdictTruePositive:
		return 2, "True Positive"
	case debrief.VerdictBenignPositive:
		return 5, "Benign"
	}
	return 0, ""
}
