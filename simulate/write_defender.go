package simulate

import (
	"strconv"
	"time"

	"github.com/debrief-dev/debrief"
)

// defenderWriter writes the Defender XDR incidents API shape
// (GET /api/incidents): {"@odata.context": …, "value": [incident, …]},
// each incident with its alerts, their devices and entities.
type defenderWriter struct{}

func (*defenderWriter) ext() string { return "json" }

func (*defenderWriter) head(e *enc, _ time.Time) {
	e.obj("")
	e.str("@odata.context", "https://api.security.microsoft.com/api/$metadata#Incidents")
	e.arr("value")
	e.b = append(e.b, '\n')
}

func (*defenderWriter) tail(e *enc) {
	e.b = append(e.b, '\n')
	e.endArr()
	e.end()
	e.b = append(e.b, '\n')
}

func (w *defenderWriter) event(e *enc, ev *Event) (int, int) {
	if e.comma {
		e.b = append(e.b, ",\n"...)
		e.comma = false
	}
	in := ev.Incident
	e.obj("")
	id, _ := strconv.ParseInt(in.SourceID, 10, 64)
	e.int("incidentId", id)
	e.null("redirectIncidentId")
	e.str("incidentName", in.Title)
	e.time("createdTime", in.Times.Created, layoutMicrosoft)
	e.time("lastUpdateTime", in.Times.Updated, layoutMicrosoft)
	e.strOrNull("assignedTo", in.Assignee)
	e.str("classification", defenderClassification(in.Verdict))
	e.str("determination", defenderDetermination(in.Determination))
	e.str("status", defenderIncidentStatus(in.Status))
	e.str("severity", title(string(in.Severity)))
	e.strs("tags", in.Tags)
	e.arr("comments")
	for _, c := range in.Comments {
		e.obj("")
		e.str("comment", c.Text)
		e.str("createdBy", c.Author)
		e.time("createdTime", c.At, layoutMicrosoft)
		e.end()
	}
	e.endArr()
	e.arr("alerts")
	for i := range in.Alerts {
		w.alert(e, in, &in.Alerts[i])
	}
	e.endArr()
	e.end()
	return 1, len(in.Alerts)
}

func (w *defenderWriter) alert(e *enc, in *debrief.Incident, a *debrief.Alert) {
	pr := productOfAlert(a)
	e.obj("")
	e.str("alertId", a.SourceID)
	id, _ := strconv.ParseInt(in.SourceID, 10, 64)
	e.int("incidentId", id)
	e.str("serviceSource", pr.apiSource)
	e.time("creationTime", a.Created, layoutMicrosoft)
	e.time("lastUpdatedTime", a.Updated, layoutMicrosoft)
	e.time("resolvedTime", a.Resolved, layoutMicrosoft)
	e.time("firstActivity", a.FirstActivity, layoutMicrosoft)
	e.time("lastActivity", a.LastActivity, layoutMicrosoft)
	e.str("title", a.Title)
	e.str("description", a.Description)
	e.str("category", a.Category)
	e.str("status", defenderAlertStatus(a.Status))
	e.str("severity", title(string(a.Severity)))
	e.null("investigationId")
	e.str("investigationState", "UnsupportedAlertType")
	if a.Verdict == "" {
		e.null("classification")
		e.null("determination")
	} else {
		e.str("classification", defenderClassification(a.Verdict))
		e.str("determination", defenderDetermination(a.Determination))
	}
	detection := pr.apiDetection
	if a.DetectionSource == "antivirus" {
		detection = "WindowsDefenderAv"
	}
	e.str("detectionSource", detection)
	e.str("detectorId", a.RuleID)
	e.strOrNull("assignedTo", in.Assignee)
	e.null("actorName")
	e.strOrNull("threatFamilyName", first(a.ThreatNames))
	e.arr("mitreTechniques")
	for _, t := range a.Techniques {
		e.str("", string(t.ID))
	}
	e.endArr()
	e.arr("devices")
	for _, en := range a.Entities {
		if en.Kind == debrief.EntityDevice {
			defenderDevice(e, &en)
		}
	}
	e.endArr()
	e.arr("entities")
	for i := range a.Entities {
		defenderEntity(e, &a.Entities[i], a)
	}
	e.endArr()
	e.end()
}

func defenderDevice(e *enc, d *debrief.Entity) {
	e.obj("")
	e.str("mdatpDeviceId", d.Attributes["device_id"])
	e.str("aadDeviceId", d.Attributes["aad_device_id"])
	e.str("deviceDnsName", d.Attributes["fqdn"])
	e.str("osPlatform", d.Attributes["os"])
	e.str("version", "22H2")
	e.str("osProcessor", "x64")
	e.str("healthStatus", "Active")
	e.str("riskScore", "Medium")
	e.str("onboardingStatus", "Onboarded")
	e.strs("tags", nil)
	e.end()
}

// defenderEntity writes one entity; devices are listed under devices.
func defenderEntity(e *enc, en *debrief.Entity, a *debrief.Alert) {
	if en.Kind == debrief.EntityDevice {
		return
	}
	mark, comma, depth := len(e.b), e.comma, len(e.stack)
	e.obj("")
	if !defenderAccount(e, en) && !defenderArtefact(e, en, a) {
		e.b, e.comma, e.stack = e.b[:mark], comma, e.stack[:depth]
		return
	}
	if en.Role == "attacker" {
		e.str("verdict", "Malicious")
	}
	e.end()
}

// defenderAccount writes the members of accounts, mail and network
// entities; false for other kinds.
func defenderAccount(e *enc, en *debrief.Entity) bool {
	at := en.Attributes
	switch en.Kind {
	case debrief.EntityUser:
		e.str("entityType", "User")
		e.str("accountName", at["name"])
		e.str("domainName", at["domain"])
		e.strOrNull("userSid", at["sid"])
		e.strOrNull("aadUserId", at["object_id"])
		e.strOrNull("userPrincipalName", at["upn"])
	case debrief.EntityMailbox:
		e.str("entityType", "Mailbox")
		e.str("mailboxDisplayName", en.Name)
		e.str("mailboxAddress", en.ID)
		e.str("userPrincipalName", at["upn"])
	case debrief.EntityMailMessage:
		e.str("entityType", "MailMessage")
		e.str("networkMessageId", en.ID)
		e.str("sender", at["sender"])
		e.str("recipient", at["recipient"])
		e.str("subject", at["subject"])
		e.str("deliveryAction", at["delivery_action"])
	case debrief.EntityIP:
		e.str("entityType", "Ip")
		e.str("ipAddress", en.ID)
	case debrief.EntityURL:
		e.str("entityType", "Url")
		e.str("url", en.ID)
	case debrief.EntityCloudApp:
		e.str("entityType", "CloudApplication")
		e.int("applicationId", atoi(en.ID))
		e.str("applicationName", en.Name)
	default:
		return false
	}
	return true
}

// defenderArtefact writes the members of files, processes and registry
// values; false for other kinds.
func defenderArtefact(e *enc, en *debrief.Entity, a *debrief.Alert) bool {
	at := en.Attributes
	switch en.Kind {
	case debrief.EntityFile:
		e.str("entityType", "File")
		e.str("sha1", at["sha1"])
		e.str("sha256", at["sha256"])
		e.str("fileName", at["name"])
		e.str("filePath", at["dir"])
		e.str("deviceId", alertDeviceID(a))
	case debrief.EntityProcess:
		e.str("entityType", "Process")
		e.str("sha256", at["sha256"])
		e.str("fileName", en.Name)
		e.str("filePath", dirOf(at["image"]))
		e.int("processId", atoi(at["pid"]))
		e.str("processCommandLine", at["command_line"])
		e.str("processCreationTime", at["created"])
		e.int("parentProcessId", atoi(at["parent_pid"]))
		e.str("parentProcessFileName", at["parent_image"])
		e.str("deviceId", at["device_id"])
	case debrief.EntityRegistry:
		e.str("entityType", "Registry")
		e.str("registryHive", at["hive"])
		e.str("registryKey", at["key"])
		e.str("registryValueName", at["value_name"])
		e.str("registryValueType", at["value_type"])
		e.str("registryValue", at["value"])
	default:
		return false
	}
	return true
}

// alertDeviceID is the Defender id of the alert's first device.
func alertDeviceID(a *debrief.Alert) string {
	for _, en := range a.Entities {
		if en.Kind == debrief.EntityDevice {
			return en.Attributes["device_id"]
		}
	}
	return ""
}

func defenderClassification(v debrief.Verdict) string {
	switch v {
	case debrief.VerdictTruePositive:
		return "TruePositive"
	case debrief.VerdictBenignPositive:
		return "InformationalExpectedActivity"
	case debrief.VerdictFalsePositive:
		return "FalsePositive"
	}
	return "Unknown"
}

func defenderDetermination(d string) string {
	if d == "" {
		return "NotAvailable"
	}
	return d
}

func defenderIncidentStatus(s debrief.Status) string {
	switch s {
	case debrief.StatusResolved:
		return "Resolved"
	case debrief.StatusInProgress:
		return "InProgress"
	}
	return "Active"
}

func defenderAlertStatus(s debrief.Status) string {
	switch s {
	case debrief.StatusResolved:
		return "Resolved"
	case debrief.StatusInProgress:
		return "InProgress"
	}
	return "New"
}

// title capitalises the first letter: "medium" → "Medium".
func title(s string) string {
	if s == "" {
		return "Unspecified"
	}
	return string(s[0]-'a'+'A') + s[1:]
}

func first(ss []string) string {
	if len(ss) == 0 {
		return ""
	}
	return ss[0]
}

func atoi(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}

// dirOf returns the folder of a Windows or POSIX path, with its trailing
// separator removed.
func dirOf(p string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '\\' || p[i] == '/' {
			return p[:i]
		}
	}
	return ""
}
