package simulate

import (
	"strconv"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
)

// sentinelWriter writes Log Analytics rows as NDJSON: a SecurityAlert row
// for each alert created or changed that day, then a SecurityIncident row
// for each change of the incident that day (Sentinel appends a row per
// update; the latest wins, the others are its history). Dynamic columns
// (Entities, Owner, Comments, AlertIds …) hold JSON as text, and Tactics
// is comma-separated text, as the tables do.
type sentinelWriter struct {
	seed                 uint64
	tenant, subscription string
	urlBase              string            // incident URLs up to the incident name
	objectIDs            map[string]string // analysts' object ids by email, made once
}

func (*sentinelWriter) ext() string              { return "ndjson" }
func (*sentinelWriter) head(_ *enc, _ time.Time) {}
func (*sentinelWriter) tail(_ *enc)              {}

func (w *sentinelWriter) event(e *enc, ev *Event) (int, int) {
	in := ev.Incident
	end := ev.Day.Add(24 * time.Hour)
	rows, alerts := 0, 0
	for i := range in.Alerts {
		a := &in.Alerts[i]
		if raised(ev, a, end) || inDay(a.Updated, ev.Day, end) {
			w.alertRow(e, a, ev.plan.alertSeq+int64(i))
			rows++
			alerts++
		}
	}
	for _, v := range ev.versions(false) {
		w.incidentRow(e, v, ev)
		rows++
	}
	return rows, alerts
}

func inDay(t, day, end time.Time) bool { return !t.Before(day) && t.Before(end) }

// raised reports whether an alert first shows in the event's day: raised
// that day, or raised late the day before when its incident was created
// only after midnight (the export shows it with its incident).
func raised(ev *Event, a *debrief.Alert, end time.Time) bool {
	return inDay(a.Created, ev.Day, end) || ev.First && a.Created.Before(ev.Day)
}

// incidentURL is the portal link of an incident.
func (w *sentinelWriter) incidentURL(name string) string {
	if w.urlBase == "" {
		w.urlBase = "https://portal.azure.com/#asset/Microsoft_Azure_Security_Insights/Incident/subscriptions/" + w.subscription +
			"/resourceGroups/soc/providers/Microsoft.OperationalInsights/workspaces/soc-sentinel/providers/Microsoft.SecurityInsights/Incidents/"
	}
	return w.urlBase + name
}

// objectID is an analyst's Entra object id.
func (w *sentinelWriter) objectID(a *analyst) string {
	if w.objectIDs == nil {
		w.objectIDs = map[string]string{}
	}
	id, ok := w.objectIDs[a.Email]
	if !ok {
		id = formatGUID(hashString(a.Email), hashString(a.Name))
		w.objectIDs[a.Email] = id
	}
	return id
}

func (w *sentinelWriter) incidentRow(e *enc, in *debrief.Incident, ev *Event) {
	name := sentinelIncidentName(w.seed, ev.Seq)
	e.obj("")
	e.str("TenantId", w.tenant)
	e.time("TimeGenerated", in.Times.Updated, layoutMicrosoft)
	e.str("IncidentName", name)
	e.str("Title", in.Title)
	e.str("Description", in.Description)
	e.str("Severity", title(string(in.Severity)))
	e.str("Status", sentinelStatus(in.Status))
	e.str("Classification", sentinelClassification(in.Verdict))
	e.str("ClassificationComment", "")
	e.str("ClassificationReason", sentinelReason(in.Determination))
	e.text("Owner")
	w.owner(e, in.Assignee, ev)
	e.endText()
	e.str("ProviderName", "Microsoft XDR")
	e.str("ProviderIncidentId", in.SourceID)
	e.time("FirstActivityTime", in.Times.FirstActivity, layoutMicrosoft)
	e.time("LastActivityTime", in.Times.LastActivity, layoutMicrosoft)
	e.time("FirstModifiedTime", in.Times.FirstTriage, layoutMicrosoft)
	e.time("LastModifiedTime", in.Times.Updated, layoutMicrosoft)
	e.time("CreatedTime", in.Times.Created, layoutMicrosoft)
	e.time("ClosedTime", in.Times.Resolved, layoutMicrosoft)
	e.int("IncidentNumber", ev.Seq)
	e.str("RelatedAnalyticRuleIds", "[]")
	e.text("AlertIds")
	w.alertIDs(e, in, ev)
	e.endText()
	e.str("BookmarkIds", "[]")
	e.text("Comments")
	w.comments(e, in, ev)
	e.endText()
	e.str("Tasks", "[]")
	e.str("Labels", "[]")
	e.str("IncidentUrl", w.incidentURL(name))
	e.text("AdditionalData")
	w.additional(e, in)
	e.endText()
	e.str("ModifiedBy", modifiedBy(in))
	e.str("SourceSystem", "Azure")
	e.str("Type", "SecurityIncident")
	e.end()
	e.b = append(e.b, '\n')
	e.comma = false
}

// The helpers below render a dynamic column's JSON into the text column
// e.text opened.

// owner renders the Owner column for an analyst's email.
func (w *sentinelWriter) owner(i *enc, email string, ev *Event) {
	i.obj("")
	if a := ev.gen.analystByEmail(email); a != nil {
		i.str("objectId", w.objectID(a))
		i.str("email", a.Email)
		i.str("assignedTo", a.Name)
		i.str("userPrincipalName", a.Email)
	} else {
		i.null("objectId")
		i.null("email")
		i.null("assignedTo")
		i.null("userPrincipalName")
	}
	i.end()
}

func (w *sentinelWriter) alertIDs(i *enc, in *debrief.Incident, ev *Event) {
	i.arr("")
	for n := range in.Alerts {
		i.str("", sentinelAlertID(w.seed, ev.plan.alertSeq+int64(n)))
	}
	i.endArr()
}

func (w *sentinelWriter) comments(i *enc, in *debrief.Incident, ev *Event) {
	i.arr("")
	for _, c := range in.Comments {
		i.obj("")
		i.str("message", c.Text)
		i.time("createdTimeUtc", c.At, layoutMicrosoft)
		i.obj("author")
		if a := ev.gen.analystByEmail(c.Author); a != nil {
			i.str("name", a.Name)
		}
		i.str("email", c.Author)
		i.str("userPrincipalName", c.Author)
		i.end()
		i.end()
	}
	i.endArr()
}

func (w *sentinelWriter) additional(i *enc, in *debrief.Incident) {
	i.obj("")
	i.int("alertsCount", int64(len(in.Alerts)))
	i.int("bookmarksCount", 0)
	i.int("commentsCount", int64(len(in.Comments)))
	var products, tactics, techniques []string
	for n := range in.Alerts {
		a := &in.Alerts[n]
		products = appendNew(products, productOfAlert(a).sentinelProduct)
		for _, t := range a.Tactics {
			tactics = appendNew(tactics, camel(tacticTitle(t)))
		}
		for _, t := range a.Techniques {
			techniques = appendNew(techniques, string(t.ID.Parent()))
		}
	}
	i.strs("alertProductNames", products)
	i.strs("tactics", tactics)
	i.strs("techniques", techniques)
	i.str("providerIncidentUrl", in.URL)
	i.end()
}

func modifiedBy(in *debrief.Incident) string {
	if n := len(in.Comments); n > 0 && !in.Comments[n-1].At.Before(in.Times.Updated) {
		return in.Comments[n-1].Author
	}
	return "Microsoft 365 Defender"
}

func appendNew(ss []string, s string) []string {
	if contains(ss, s) {
		return ss
	}
	return append(ss, s)
}

// sentinelProviders are the SecurityAlert ProviderName values of the
// Defender products.
var sentinelProviders = map[string]string{
	productEndpoint: "MDATP", productEmail: "OATP", productIdentity: "IPC",
	productDirectory: "Azure Advanced Threat Protection", productCloudApp: "MCAS",
}

func (w *sentinelWriter) alertRow(e *enc, a *debrief.Alert, seq int64) {
	pr := productOfAlert(a)
	e.obj("")
	e.str("TenantId", w.tenant)
	e.time("TimeGenerated", a.Updated, layoutMicrosoft)
	e.str("DisplayName", a.Title)
	e.str("AlertName", a.Title)
	e.str("AlertSeverity", title(string(a.Severity)))
	e.str("Description", a.Description)
	e.str("ProviderName", sentinelProviders[pr.key])
	e.str("VendorName", "Microsoft")
	e.str("VendorOriginalId", a.SourceID)
	e.str("SystemAlertId", sentinelAlertID(w.seed, seq))
	e.str("ResourceId", "")
	e.str("SourceComputerId", "")
	e.str("AlertType", a.RuleID)
	e.str("ConfidenceLevel", "Unknown")
	e.int("IsIncident", 0)
	e.time("StartTime", a.FirstActivity, layoutMicrosoft)
	e.time("EndTime", a.LastActivity, layoutMicrosoft)
	e.time("ProcessingEndTime", a.Created, layoutMicrosoft)
	e.str("RemediationSteps", "[]")
	e.text("ExtendedProperties")
	w.extended(e, a)
	e.endText()
	e.text("Entities")
	w.entities(e, a)
	e.endText()
	e.str("SourceSystem", "Detection")
	e.str("WorkspaceSubscriptionId", w.subscription)
	e.str("WorkspaceResourceGroup", "soc")
	e.str("ProductName", pr.sentinelProduct)
	e.str("ProductComponentName", "")
	e.str("AlertLink", "https://security.microsoft.com/alerts/"+a.SourceID)
	e.str("Status", sentinelAlertStatus(a.Status))
	e.str("CompromisedEntity", compromised(a))
	e.str("Tactics", sentinelTactics(a))
	e.text("Techniques")
	w.techniqueList(e, a, false)
	e.endText()
	e.text("SubTechniques")
	w.techniqueList(e, a, true)
	e.endText()
	e.str("Type", "SecurityAlert")
	e.end()
	e.b = append(e.b, '\n')
	e.comma = false
}

func (w *sentinelWriter) extended(i *enc, a *debrief.Alert) {
	i.obj("")
	i.str("Category", a.Category)
	i.str("DetectionSource", a.DetectionSource)
	if len(a.ThreatNames) > 0 {
		i.str("ThreatName", a.ThreatNames[0])
	}
	i.end()
}

func sentinelTactics(a *debrief.Alert) string {
	var b strings.Builder
	for n, t := range a.Tactics {
		if n > 0 {
			b.WriteString(", ")
		}
		b.WriteString(camel(tacticTitle(t)))
	}
	return b.String()
}

// techniqueList renders the Techniques column (parents) or the
// SubTechniques column as JSON text.
func (w *sentinelWriter) techniqueList(i *enc, a *debrief.Alert, subs bool) {
	i.arr("")
	var seen []string
	for _, t := range a.Techniques {
		id := string(t.ID.Parent())
		if subs {
			if !t.ID.IsSub() {
				continue
			}
			id = string(t.ID)
		}
		if !contains(seen, id) {
			seen = append(seen, id)
			i.str("", id)
		}
	}
	i.endArr()
}

func compromised(a *debrief.Alert) string {
	for _, k := range []debrief.EntityKind{debrief.EntityDevice, debrief.EntityUser, debrief.EntityMailbox} {
		for _, en := range a.Entities {
			if en.Kind == k {
				return en.ID
			}
		}
	}
	return ""
}

// entities renders the Entities column: entities with $id, files and
// hosts referenced by $ref from processes.
func (w *sentinelWriter) entities(i *enc, a *debrief.Alert) {
	i.arr("")
	id := 0
	next := func() string { id++; return strconv.Itoa(id) }
	host := ""
	for n := range a.Entities {
		en := &a.Entities[n]
		if en.Kind == debrief.EntityDevice {
			ref := next()
			if host == "" {
				host = ref
			}
			sentinelHost(i, ref, en)
		}
	}
	for n := range a.Entities {
		sentinelEntity(i, &a.Entities[n], host, next)
	}
	if len(a.ThreatNames) > 0 {
		i.obj("")
		i.str("$id", next())
		i.str("Type", "malware")
		i.str("Name", a.ThreatNames[0])
		i.str("Category", "Malware")
		i.end()
	}
	i.endArr()
}

func sentinelHost(i *enc, ref string, en *debrief.Entity) {
	at := en.Attributes
	i.obj("")
	i.str("$id", ref)
	i.str("Type", "host")
	i.str("HostName", en.ID)
	i.str("DnsDomain", strings.TrimPrefix(at["fqdn"], en.ID+"."))
	i.str("OSFamily", "Windows")
	i.str("MdatpDeviceId", at["device_id"])
	i.str("AzureID", at["aad_device_id"])
	i.end()
}

// sentinelEntity writes an entity (and the files and keys it refers to)
// as Entities nodes.
func sentinelEntity(i *enc, en *debrief.Entity, host string, next func() string) {
	sentinelAccount(i, en, next)
	sentinelArtefact(i, en, host, next)
}

// sentinelAccount writes accounts, mail and network entities.
func sentinelAccount(i *enc, en *debrief.Entity, next func() string) {
	at := en.Attributes
	switch en.Kind {
	case debrief.EntityUser:
		i.obj("")
		i.str("$id", next())
		i.str("Type", "account")
		i.str("Name", at["name"])
		i.str("NTDomain", at["domain"])
		if upn := at["upn"]; upn != "" {
			i.str("UPNSuffix", domainOf(upn))
			i.str("AadUserId", at["object_id"])
		}
		i.str("Sid", at["sid"])
		i.end()
	case debrief.EntityIP:
		i.obj("")
		i.str("$id", next())
		i.str("Type", "ip")
		i.str("Address", en.ID)
		i.end()
	case debrief.EntityURL:
		i.obj("")
		i.str("$id", next())
		i.str("Type", "url")
		i.str("Url", en.ID)
		i.end()
	case debrief.EntityMailbox:
		i.obj("")
		i.str("$id", next())
		i.str("Type", "mailbox")
		i.str("MailboxPrimaryAddress", en.ID)
		i.str("DisplayName", en.Name)
		i.str("Upn", at["upn"])
		i.end()
	case debrief.EntityMailMessage:
		i.obj("")
		i.str("$id", next())
		i.str("Type", "mailMessage")
		i.str("NetworkMessageId", en.ID)
		i.str("Recipient", at["recipient"])
		i.str("P1Sender", at["sender"])
		i.str("Subject", at["subject"])
		i.str("DeliveryAction", at["delivery_action"])
		i.end()
	case debrief.EntityCloudApp:
		i.obj("")
		i.str("$id", next())
		i.str("Type", "cloud-application")
		i.int("AppId", atoi(en.ID))
		i.str("Name", en.Name)
		i.end()
	}
}

// sentinelArtefact writes files, processes (with their image file and
// host) and registry values (with their key).
func sentinelArtefact(i *enc, en *debrief.Entity, host string, next func() string) {
	at := en.Attributes
	switch en.Kind {
	case debrief.EntityFile:
		sentinelFile(i, next(), at["name"], at["dir"], at["sha256"], next)
	case debrief.EntityProcess:
		img := next()
		sentinelFile(i, img, en.Name, dirOf(at["image"]), at["sha256"], next)
		i.obj("")
		i.str("$id", next())
		i.str("Type", "process")
		i.str("ProcessId", at["pid"])
		i.str("CommandLine", at["command_line"])
		i.str("CreationTimeUtc", at["created"])
		i.obj("ImageFile")
		i.str("$ref", img)
		i.end()
		if host != "" {
			i.obj("Host")
			i.str("$ref", host)
			i.end()
		}
		i.end()
	case debrief.EntityRegistry:
		key := next()
		i.obj("")
		i.str("$id", key)
		i.str("Type", "registry-key")
		i.str("Hive", at["hive"])
		i.str("Key", strings.TrimPrefix(at["key"], at["hive"]+`\`))
		i.end()
		i.obj("")
		i.str("$id", next())
		i.str("Type", "registry-value")
		i.obj("Key")
		i.str("$ref", key)
		i.end()
		i.str("Name", at["value_name"])
		i.str("Value", at["value"])
		i.str("ValueType", at["value_type"])
		i.end()
	}
}

func sentinelFile(i *enc, ref, name, dir, sha256 string, next func() string) {
	hash := next()
	i.obj("")
	i.str("$id", hash)
	i.str("Type", "filehash")
	i.str("Algorithm", "SHA256")
	i.str("Value", sha256)
	i.end()
	i.obj("")
	i.str("$id", ref)
	i.str("Type", "file")
	i.str("Name", name)
	i.str("Directory", dir)
	i.arr("FileHashes")
	i.obj("")
	i.str("$ref", hash)
	i.end()
	i.endArr()
	i.end()
}

func sentinelStatus(s debrief.Status) string {
	switch s {
	case debrief.StatusResolved:
		return "Closed"
	case debrief.StatusInProgress:
		return "Active"
	}
	return "New"
}

func sentinelAlertStatus(s debrief.Status) string {
	switch s {
	case debrief.StatusResolved:
		return "Resolved"
	case debrief.StatusInProgress:
		return "InProgress"
	}
	return "New"
}

func sentinelClassification(v debrief.Verdict) string {
	switch v {
	case debrief.VerdictTruePositive:
		return "TruePositive"
	case debrief.VerdictBenignPositive:
		return "BenignPositive"
	case debrief.VerdictFalsePositive:
		return "FalsePositive"
	}
	return ""
}

func sentinelReason(defender string) string {
	if d := determinationOf(detKey(defender)); d != nil {
		return d.sentinel
	}
	return ""
}
