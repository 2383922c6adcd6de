package simulate

import (
	"reflect"
	"slices"
	"time"
	"unsafe"

	"github.com/debrief-dev/debrief"
)

// graphWriter writes Microsoft Graph GET /security/incidents?$expand=alerts:
// {"@odata.context": …, "value": [incident, …]}, alerts with evidence[]
// typed by @odata.type.
type graphWriter struct {
	tenant  string
	created []byte // the current alert's creation time, rendered once for its evidence
	// evidence of the organisation's devices, users and mailboxes as
	// rendered before, around its createdDateTime (the alert's);
	// createdAt and createdEnd mark that value while rendering.
	cache                 map[unsafe.Pointer]*cachedEvidence
	createdAt, createdEnd int
	// tenantID is the tenantId member and tid "?tid=" and the tenant,
	// escaped once (setup).
	tenantID, tid string
}

// setup renders the tenant's fragments on first use.
func (w *graphWriter) setup() {
	if w.tenantID != "" {
		return
	}
	w.tenantID = `"tenantId":` + string(appendQuoted(nil, w.tenant))
	w.tid = "?tid=" + string(appendEscaped(nil, w.tenant))
}

// cachedEvidence is an entity's evidence as rendered before and after
// its createdDateTime, by the entity it was rendered for. The cache finds
// it by the entity's attributes, a map each of the organisation's
// entities has to itself and nobody changes (holding the map keeps its
// address from being reused), and checks the other fields.
type cachedEvidence struct {
	en         debrief.Entity
	head, tail []byte
}

// maxCachedEvidence bounds the cache: more than an organisation has.
const maxCachedEvidence = 1 << 14

func (*graphWriter) ext() string { return "json" }

func (*graphWriter) head(e *enc, _ time.Time) {
	e.obj("")
	e.str("@odata.context", "https://graph.microsoft.com/v1.0/$metadata#security/incidents(alerts())")
	e.arr("value")
	e.b = append(e.b, '\n')
}

func (*graphWriter) tail(e *enc) {
	e.b = append(e.b, '\n')
	e.endArr()
	e.end()
	e.b = append(e.b, '\n')
}

func (w *graphWriter) event(e *enc, ev *Event) (int, int) {
	if e.comma {
		e.b = append(e.b, ",\n"...)
		e.comma = false
	}
	w.setup()
	in := ev.Incident
	e.obj("")
	e.raw(`"@odata.type":"#microsoft.graph.security.incident"`)
	e.str("id", in.SourceID)
	w.url(e, "incidentWebUrl", "", in.URL)
	e.raw(`"redirectIncidentId":null`)
	e.raw(w.tenantID)
	e.str("displayName", in.Title)
	e.time("createdDateTime", in.Times.Created, layoutMicrosoft)
	e.time("lastUpdateDateTime", in.Times.Updated, layoutMicrosoft)
	e.strOrNull("assignedTo", in.Assignee)
	e.word("classification", graphClassification(in.Verdict))
	e.word("determination", graphDetermination(in.Determination))
	e.word("status", graphStatus(in.Status, true))
	e.str("severity", graphSeverity(in.Severity))
	e.strs("tags", in.Tags)
	graphComments(e, in.Comments)
	e.raw(`"systemTags":[]`)
	e.str("description", in.Description)
	e.arr("alerts")
	for i := range in.Alerts {
		w.alert(e, in, &in.Alerts[i])
	}
	e.endArr()
	e.end()
	return 1, len(in.Alerts)
}

func graphComments(e *enc, cs []debrief.Comment) {
	e.arr("comments")
	for _, c := range cs {
		e.obj("")
		e.str("comment", c.Text)
		e.str("createdByDisplayName", c.Author)
		e.time("createdDateTime", c.At, layoutMicrosoft)
		e.end()
	}
	e.endArr()
}

func (w *graphWriter) alert(e *enc, in *debrief.Incident, a *debrief.Alert) {
	pr := productOfAlert(a)
	w.created = appendTime(w.created[:0], a.Created, layoutMicrosoft)
	e.obj("")
	e.raw(`"@odata.type":"#microsoft.graph.security.alert"`)
	e.str("id", a.SourceID)
	e.str("providerAlertId", a.SourceID)
	e.str("incidentId", in.SourceID)
	e.word("status", graphStatus(a.Status, false))
	e.str("severity", graphSeverity(a.Severity))
	e.word("classification", graphClassification(a.Verdict))
	e.word("determination", graphDetermination(a.Determination))
	e.word("serviceSource", pr.graphSource)
	e.str("detectionSource", a.DetectionSource)
	e.str("detectorId", a.RuleID)
	e.raw(w.tenantID)
	e.str("title", a.Title)
	e.str("description", a.Description)
	e.str("category", a.Category)
	e.strOrNull("assignedTo", in.Assignee)
	w.url(e, "alertWebUrl", "https://security.microsoft.com/alerts/", a.SourceID)
	w.url(e, "incidentWebUrl", "", in.URL)
	e.raw(`"actorDisplayName":null`)
	e.strOrNull("threatDisplayName", first(a.ThreatNames))
	e.strOrNull("threatFamilyName", first(a.ThreatNames))
	e.arr("mitreTechniques")
	for _, t := range a.Techniques {
		e.str("", string(t.ID))
	}
	e.endArr()
	w.renderedTime("createdDateTime", e, a.Created, a.Created)
	w.renderedTime("lastUpdateDateTime", e, a.Updated, a.Created)
	e.time("resolvedDateTime", a.Resolved, layoutMicrosoft)
	e.time("firstActivityDateTime", a.FirstActivity, layoutMicrosoft)
	e.time("lastActivityDateTime", a.LastActivity, layoutMicrosoft)
	e.raw(`"comments":[]`)
	e.arr("evidence")
	for i := range a.Entities {
		w.evidence(e, &a.Entities[i], a)
	}
	e.endArr()
	e.end()
}

// url writes member k, the concatenation of base, v and the tenant's
// "?tid=": base and the tid are written as they are (rendered before).
func (w *graphWriter) url(e *enc, k, base, v string) {
	if e.nested {
		e.cat(k, base, v, "?tid=", w.tenant)
		return
	}
	e.key(k)
	e.b = append(e.b, '"')
	e.b = append(e.b, base...)
	e.b = appendEscaped(e.b, v)
	e.b = append(e.b, w.tid...)
	e.b = append(e.b, '"')
}

// sameEntity reports whether two entities with the same attributes map
// have the same fields.
func sameEntity(a, b *debrief.Entity) bool {
	return a.Kind == b.Kind && a.ID == b.ID && a.Name == b.Name && a.Role == b.Role && a.Verdict == b.Verdict
}

// renderedTime writes t, reusing the alert's creation time rendered
// for its evidence when t is that time.
func (w *graphWriter) renderedTime(k string, e *enc, t, created time.Time) {
	if t.IsZero() || !t.Equal(created) {
		e.time(k, t, layoutMicrosoft)
		return
	}
	e.key(k)
	e.quote()
	e.b = append(e.b, w.created...)
	e.quote()
}

// evidence writes one entity as Graph evidence.
func (w *graphWriter) evidence(e *enc, en *debrief.Entity, a *debrief.Alert) {
	e.obj("")
	var key unsafe.Pointer
	if !e.nested && (en.Kind == debrief.EntityDevice || en.Kind == debrief.EntityUser || en.Kind == debrief.EntityMailbox) {
		key = reflect.ValueOf(en.Attributes).UnsafePointer()
	}
	if key != nil {
		if c := w.cache[key]; c != nil && sameEntity(&c.en, en) {
			e.b = append(e.b, c.head...)
			e.b = append(e.b, w.created...)
			e.b = append(e.b, c.tail...)
			e.comma = true
			e.end()
			return
		}
	}
	start := len(e.b)
	w.createdAt = -1
	if !w.accountEvidence(e, en) {
		w.artefactEvidence(e, en, a)
	}
	if key != nil && w.createdAt > start {
		if w.cache == nil || len(w.cache) >= maxCachedEvidence {
			w.cache = map[unsafe.Pointer]*cachedEvidence{}
		}
		w.cache[key] = &cachedEvidence{en: *en, head: slices.Clone(e.b[start:w.createdAt]), tail: slices.Clone(e.b[w.createdEnd:])}
	}
	e.end()
}

// accountEvidence writes devices, accounts, mail and network evidence;
// false for other kinds.
func (w *graphWriter) accountEvidence(e *enc, en *debrief.Entity) bool {
	at := en.Attributes
	switch en.Kind {
	case debrief.EntityDevice:
		e.raw(`"@odata.type":"#microsoft.graph.security.deviceEvidence"`)
		w.common(e, en, "compromised")
		e.str("mdeDeviceId", at["device_id"])
		e.str("azureAdDeviceId", at["aad_device_id"])
		e.str("deviceDnsName", at["fqdn"])
		e.str("osPlatform", at["os"])
		e.raw(`"healthStatus":"active","onboardingStatus":"onboarded"`)
		e.strs("ipInterfaces", []string{at["ip"]})
	case debrief.EntityUser:
		e.raw(`"@odata.type":"#microsoft.graph.security.userEvidence"`)
		w.common(e, en, "compromised")
		graphAccount(e, en)
	case debrief.EntityMailbox:
		e.raw(`"@odata.type":"#microsoft.graph.security.mailboxEvidence"`)
		w.common(e, en, "")
		e.str("primaryAddress", en.ID)
		e.str("displayName", en.Name)
		e.str("upn", at["upn"])
	case debrief.EntityMailMessage:
		e.raw(`"@odata.type":"#microsoft.graph.security.analyzedMessageEvidence"`)
		w.common(e, en, "")
		e.str("networkMessageId", en.ID)
		e.str("subject", at["subject"])
		e.strOrNull("senderIp", at["sender_ip"])
		e.str("recipientEmailAddress", at["recipient"])
		e.str("deliveryAction", lowerFirst(at["delivery_action"]))
		e.obj("p1Sender")
		e.str("emailAddress", at["sender"])
		e.str("domainName", domainOf(at["sender"]))
		e.end()
	case debrief.EntityIP:
		e.raw(`"@odata.type":"#microsoft.graph.security.ipEvidence"`)
		w.common(e, en, "")
		e.str("ipAddress", en.ID)
	case debrief.EntityURL:
		e.raw(`"@odata.type":"#microsoft.graph.security.urlEvidence"`)
		w.common(e, en, "")
		e.str("url", en.ID)
	case debrief.EntityCloudApp:
		e.raw(`"@odata.type":"#microsoft.graph.security.cloudApplicationEvidence"`)
		w.common(e, en, "")
		e.int("appId", atoi(en.ID))
		e.str("displayName", en.Name)
	default:
		return false
	}
	return true
}

// artefactEvidence writes file, process and registry evidence; false for
// other kinds.
func (w *graphWriter) artefactEvidence(e *enc, en *debrief.Entity, a *debrief.Alert) bool {
	at := en.Attributes
	switch en.Kind {
	case debrief.EntityFile:
		e.raw(`"@odata.type":"#microsoft.graph.security.fileEvidence"`)
		w.common(e, en, "")
		e.raw(`"detectionStatus":"detected"`)
		e.str("mdeDeviceId", alertDeviceID(a))
		graphFile(e, "fileDetails", at["name"], at["dir"], at["sha1"], at["sha256"], at["size"])
	case debrief.EntityProcess:
		e.raw(`"@odata.type":"#microsoft.graph.security.processEvidence"`)
		w.common(e, en, "")
		e.int("processId", atoi(at["pid"]))
		e.int("parentProcessId", atoi(at["parent_pid"]))
		e.str("processCommandLine", at["command_line"])
		e.str("processCreationDateTime", at["created"])
		e.raw(`"detectionStatus":"detected"`)
		e.str("mdeDeviceId", at["device_id"])
		graphFile(e, "imageFile", en.Name, dirOf(at["image"]), "", at["sha256"], "")
		// What graphFile writes for the parent image in System32, its
		// constant members rendered before.
		e.obj("parentProcessImageFile")
		e.raw(`"sha1":null,"sha256":null`)
		e.str("fileName", at["parent_image"])
		e.raw(`"filePath":"C:\\Windows\\System32","fileSize":null`)
		e.end()
	case debrief.EntityRegistry:
		e.raw(`"@odata.type":"#microsoft.graph.security.registryValueEvidence"`)
		w.common(e, en, "")
		e.str("registryHive", at["hive"])
		e.str("registryKey", at["key"])
		e.str("registryValueName", at["value_name"])
		e.str("registryValue", at["value"])
		e.str("registryValueType", at["value_type"])
		e.str("mdeDeviceId", alertDeviceID(a))
	default:
		return false
	}
	return true
}

func (w *graphWriter) common(e *enc, en *debrief.Entity, role string) {
	e.key("createdDateTime")
	e.quote()
	w.createdAt = len(e.b)
	e.b = append(e.b, w.created...)
	w.createdEnd = len(e.b)
	e.quote()
	if en.Role == "attacker" {
		role = "attacker"
	}
	switch role {
	case "":
		e.raw(`"verdict":"unknown","remediationStatus":"none","roles":[],"tags":[]`)
	case "attacker":
		e.raw(`"verdict":"malicious","remediationStatus":"none","roles":["attacker"],"tags":[]`)
	case "compromised":
		e.raw(`"verdict":"unknown","remediationStatus":"none","roles":["compromised"],"tags":[]`)
	default:
		e.raw(`"verdict":"unknown","remediationStatus":"none"`)
		e.strs("roles", []string{role})
		e.strs("tags", nil)
	}
}

func graphAccount(e *enc, en *debrief.Entity) {
	at := en.Attributes
	e.obj("userAccount")
	e.str("accountName", at["name"])
	e.str("domainName", at["domain"])
	e.strOrNull("userSid", at["sid"])
	e.strOrNull("azureAdUserId", at["object_id"])
	e.strOrNull("userPrincipalName", at["upn"])
	e.str("displayName", at["display_name"])
	e.end()
}

func graphFile(e *enc, key, name, dir, sha1, sha256, size string) {
	e.obj(key)
	e.strOrNull("sha1", sha1)
	e.strOrNull("sha256", sha256)
	e.str("fileName", name)
	e.str("filePath", dir)
	if size != "" {
		e.int("fileSize", atoi(size))
	} else {
		e.null("fileSize")
	}
	e.end()
}

func graphClassification(v debrief.Verdict) string {
	switch v {
	case debrief.VerdictTruePositive:
		return "truePositive"
	case debrief.VerdictBenignPositive:
		return "informationalExpectedActivity"
	case debrief.VerdictFalsePositive:
		return "falsePositive"
	}
	return "unknown"
}

func graphDetermination(defender string) string {
	if d := determinationOf(detKey(defender)); d != nil {
		return d.graph
	}
	return "unknown"
}

// graphStatus spells a status: incidents are active until someone works
// on them, alerts new.
func graphStatus(s debrief.Status, incident bool) string {
	switch {
	case s == debrief.StatusResolved:
		return "resolved"
	case s == debrief.StatusInProgress:
		return "inProgress"
	case incident:
		return "active"
	}
	return "new"
}

func graphSeverity(s debrief.Severity) string {
	if s == "" {
		return "unknown"
	}
	return string(s)
}

func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]-'A'+'a') + s[1:]
}

func domainOf(addr string) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == '@' {
			return addr[i+1:]
		}
	}
	return ""
}
