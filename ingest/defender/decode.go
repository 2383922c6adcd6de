package defender

import (
	"bytes"
	"context"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/m365"
	"github.com/debrief-dev/debrief/ingest/internal/recerr"
	"github.com/debrief-dev/debrief/ingest/internal/wire"
)

// Decoder reads Defender XDR incidents API exports. The zero value is ready
// to use.
type Decoder struct{}

// New returns a Decoder.
func New() *Decoder { return &Decoder{} }

// Name returns "defender", the --format name.
func (*Decoder) Name() string { return "defender" }

var (
	markID   = []byte(`"incidentId"`)
	markName = []byte(`"incidentName"`)
)

// Sniff reports whether head looks like an incidents API response: it
// names both "incidentId" and "incidentName" (Graph writes "displayName",
// Sentinel "IncidentName").
func (*Decoder) Sniff(head []byte) bool {
	return bytes.Contains(head, markID) && bytes.Contains(head, markName)
}

// Decode streams the incidents of r. file names r in errors.
func (*Decoder) Decode(ctx context.Context, r io.Reader, file string) iter.Seq2[debrief.Record, error] {
	return func(yield func(debrief.Record, error) bool) {
		in := &recerr.WatchReader{R: r}
		var w incident // reused: its slices keep their capacity
		var s scanner
		parse := func(b []byte) (int, bool) { return s.parse(b, &w) }
		seen := wire.EachParsed(ctx, in, file, yield, parse, func(it wire.Item) bool {
			return decodeItem(it, &w, &s, file, yield)
		}, "value")
		if seen == 0 && !in.Data {
			yield(debrief.Record{}, &debrief.RecordError{File: file, Reason: "input is empty: want Defender incidents JSON"})
		}
	}
}

// decodeItem decodes one record into w, unless the splitter had it
// decoded there already (it.Parsed), and yields it with the problems
// found in it; it reports whether the consumer wants more.
func decodeItem(it wire.Item, w *incident, s *scanner, file string, yield func(debrief.Record, error) bool) bool {
	p := &problems{recerr.Collector{File: file, Line: it.Line, Index: it.Index}}
	if !it.Parsed {
		w.reset()
		if err := s.unmarshal(it.Raw, it.Strings, w); err != nil {
			field, reason := recerr.Describe(err)
			return yield(debrief.Record{}, p.Reject(field, reason))
		}
	}
	in := mapIncident(w, p)
	if in == nil {
		return yield(debrief.Record{}, p.Fatal)
	}
	in.Raw = it.Raw // nothing writes to an incident's Raw
	if !it.Kept {
		in.Raw = bytes.Clone(it.Raw)
	}
	if !yield(debrief.Record{Incident: in, Line: it.Line, Index: it.Index}, nil) {
		return false
	}
	for _, e := range p.Kept {
		if !yield(debrief.Record{}, e) {
			return false
		}
	}
	return true
}

// Wire types, shaped like the incidents API documentation. Only the
// members debrief uses are declared; others are skipped unread.

type incident struct {
	IncidentID         intID     `json:"incidentId"`
	RedirectIncidentID intID     `json:"redirectIncidentId"`
	IncidentName       string    `json:"incidentName"`
	CreatedTime        string    `json:"createdTime"`
	LastUpdateTime     string    `json:"lastUpdateTime"`
	AssignedTo         string    `json:"assignedTo"`
	Classification     string    `json:"classification"`
	Determination      string    `json:"determination"`
	Status             string    `json:"status"`
	Severity           string    `json:"severity"`
	Tags               []string  `json:"tags"`
	Comments           []comment `json:"comments"`
	Alerts             []alert   `json:"alerts"`
}

// reset clears w for the next record, keeping the capacity of its slices.
func (w *incident) reset() {
	*w = incident{Alerts: w.Alerts[:0], Comments: w.Comments[:0]}
}

type comment struct {
	Comment     string `json:"comment"`
	CreatedBy   string `json:"createdBy"`
	CreatedTime string `json:"createdTime"`
}

type alert struct {
	AlertID          string        `json:"alertId"`
	IncidentID       intID         `json:"incidentId"`
	ServiceSource    string        `json:"serviceSource"`
	DetectionSource  string        `json:"detectionSource"`
	DetectorID       string        `json:"detectorId"`
	CreationTime     string        `json:"creationTime"`
	LastUpdatedTime  string        `json:"lastUpdatedTime"`
	ResolvedTime     string        `json:"resolvedTime"`
	FirstActivity    string        `json:"firstActivity"`
	LastActivity     string        `json:"lastActivity"`
	Title            string        `json:"title"`
	Description      string        `json:"description"`
	Category         string        `json:"category"`
	Status           string        `json:"status"`
	Severity         string        `json:"severity"`
	Classification   string        `json:"classification"`
	Determination    string        `json:"determination"`
	AssignedTo       string        `json:"assignedTo"`
	ActorName        string        `json:"actorName"`
	ThreatFamilyName string        `json:"threatFamilyName"`
	ThreatName       string        `json:"threatName"`
	MitreTechniques  []string      `json:"mitreTechniques"`
	Devices          []device      `json:"devices"`
	Entities         []alertEntity `json:"entities"`
}

type device struct {
	MdatpDeviceID string `json:"mdatpDeviceId"`
	DeviceID      string `json:"deviceId"` // the documentation's spelling of mdatpDeviceId
	AadDeviceID   string `json:"aadDeviceId"`
	DeviceDNSName string `json:"deviceDnsName"`
	OsPlatform    string `json:"osPlatform"`
}

type alertEntity struct {
	EntityType                string `json:"entityType"`
	EvidenceCreationTime      string `json:"evidenceCreationTime"`
	Verdict                   string `json:"verdict"`
	RemediationStatus         string `json:"remediationStatus"`
	DeviceID                  string `json:"deviceId"`
	Sha1                      string `json:"sha1"`
	Sha256                    string `json:"sha256"`
	Md5                       string `json:"md5"`
	FileName                  string `json:"fileName"`
	FilePath                  string `json:"filePath"`
	ProcessID                 intID  `json:"processId"`
	ProcessCommandLine        string `json:"processCommandLine"`
	ProcessCreationTime       string `json:"processCreationTime"`
	ParentProcessID           intID  `json:"parentProcessId"`
	ParentProcessFileName     string `json:"parentProcessFileName"`
	IPAddress                 string `json:"ipAddress"`
	URL                       string `json:"url"`
	AccountName               string `json:"accountName"`
	DomainName                string `json:"domainName"`
	UserSid                   string `json:"userSid"`
	AadUserID                 string `json:"aadUserId"`
	UserPrincipalName         string `json:"userPrincipalName"`
	MailboxDisplayName        string `json:"mailboxDisplayName"`
	MailboxAddress            string `json:"mailboxAddress"`
	ClusterBy                 string `json:"clusterBy"`
	ClusterByValue            string `json:"clusterByValue"`
	NetworkMessageID          string `json:"networkMessageId"`
	Sender                    string `json:"sender"`
	Recipient                 string `json:"recipient"`
	Subject                   string `json:"subject"`
	DeliveryAction            string `json:"deliveryAction"`
	SecurityGroupID           string `json:"securityGroupId"`
	SecurityGroupName         string `json:"securityGroupName"`
	RegistryHive              string `json:"registryHive"`
	RegistryKey               string `json:"registryKey"`
	RegistryValueName         string `json:"registryValueName"`
	RegistryValueType         string `json:"registryValueType"`
	RegistryValue             string `json:"registryValue"`
	ApplicationID             intID  `json:"applicationId"`
	ApplicationName           string `json:"applicationName"`
	ResourceID                string `json:"resourceId"`
	ParentProcessCreationTime string `json:"parentProcessCreationTime"`
}

// mapIncident turns a wire incident into a debrief.Incident, or returns
// nil after recording why it cannot.
func mapIncident(w *incident, p *problems) *debrief.Incident {
	if w.IncidentID == "" {
		p.Reject("incidentId", "want an integer incident id, got none")
		return nil
	}
	if !isInteger(w.IncidentID) {
		p.Reject("incidentId", "want an integer incident id, got "+strconv.Quote(recerr.Clip(string(w.IncidentID))))
		return nil
	}
	in := &debrief.Incident{
		ID:            debrief.QualifiedID(debrief.SourceDefender, w.IncidentID.canonical()),
		Source:        debrief.SourceDefender,
		SourceID:      w.IncidentID.canonical(),
		Title:         w.IncidentName,
		Assignee:      strings.TrimSpace(w.AssignedTo),
		Determination: m365.Determination(w.Determination),
		Tags:          m365.Tags(w.Tags),
	}
	if w.RedirectIncidentID != "" {
		if isInteger(w.RedirectIncidentID) {
			in.RedirectTo = debrief.QualifiedID(debrief.SourceDefender, w.RedirectIncidentID.canonical())
		} else {
			p.Add("redirectIncidentId", "want an integer incident id, got "+strconv.Quote(recerr.Clip(string(w.RedirectIncidentID))))
		}
	}
	in.Severity = p.severity("severity", w.Severity)
	in.Status = p.status("status", w.Status)
	in.Verdict = p.verdict("classification", w.Classification)
	in.Times.Created = p.Time("createdTime", w.CreatedTime)
	in.Times.Updated = p.Time("lastUpdateTime", w.LastUpdateTime)
	in.Comments = mapComments(w.Comments, p)
	if len(w.Alerts) > 0 {
		in.Alerts = make([]debrief.Alert, 0, len(w.Alerts))
		in.AlertIDs = make([]string, 0, len(w.Alerts))
	}
	for i := range w.Alerts {
		p.Prefix = "alerts[" + strconv.Itoa(i) + "]."
		a, ok := mapAlert(&w.Alerts[i], p)
		p.Prefix = ""
		if !ok {
			continue
		}
		a.IncidentID = in.ID
		in.Alerts = append(in.Alerts, a)
		in.AlertIDs = append(in.AlertIDs, a.ID)
	}
	m365.IncidentTimes(in)
	return in
}

// isInteger reports whether id is the decimal digits of a non-negative
// integer, as the API writes ids. A string is accepted for tools that
// re-export ids as text, but it must still be one.
func isInteger(id intID) bool {
	for i := range len(id) {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return id != ""
}

// canonical is an integer id without leading zeros: a tool that re-exports
// ids as text may write 12 as "0012", and both must name one incident.
func (id intID) canonical() string {
	s := strings.TrimLeft(string(id), "0")
	if s == "" && id != "" {
		return "0"
	}
	return s
}

func mapComments(ws []comment, p *problems) []debrief.Comment {
	var out []debrief.Comment
	for i, c := range ws {
		if strings.TrimSpace(c.Comment) == "" {
			continue
		}
		at := p.Time("comments["+strconv.Itoa(i)+"].createdTime", c.CreatedTime)
		out = append(out, debrief.Comment{At: at, Author: c.CreatedBy, Text: c.Comment})
	}
	return out
}

// mapAlert maps one alert; false means it was dropped (and why is
// recorded).
func mapAlert(w *alert, p *problems) (debrief.Alert, bool) {
	id := strings.TrimSpace(w.AlertID)
	if id == "" {
		p.drop("alertId", "want an alert id, got none")
		return debrief.Alert{}, false
	}
	a := debrief.Alert{
		ID:              debrief.QualifiedID(debrief.SourceDefender, id),
		Source:          debrief.SourceDefender,
		SourceID:        id,
		Product:         m365.Product(w.ServiceSource),
		DetectionSource: w.DetectionSource,
		RuleID:          w.DetectorID,
		Title:           w.Title,
		Description:     w.Description,
		Category:        w.Category,
		Determination:   m365.Determination(w.Determination),
		ThreatNames:     m365.Names(w.ActorName, w.ThreatFamilyName, w.ThreatName),
	}
	if w.IncidentID != "" {
		if isInteger(w.IncidentID) {
			a.IncidentID = debrief.QualifiedID(debrief.SourceDefender, w.IncidentID.canonical())
		} else {
			p.Add("incidentId", "want an integer incident id, got "+strconv.Quote(recerr.Clip(string(w.IncidentID))))
		}
	}
	a.Severity = p.severity("severity", w.Severity)
	a.Status = p.status("status", w.Status)
	a.Verdict = p.verdict("classification", w.Classification)
	a.Updated = p.Time("lastUpdatedTime", w.LastUpdatedTime)
	a.Resolved = p.Time("resolvedTime", w.ResolvedTime)
	a.FirstActivity = p.Time("firstActivity", w.FirstActivity)
	a.LastActivity = p.Time("lastActivity", w.LastActivity)
	a.Created = p.Time("creationTime", w.CreationTime)
	if a.Created = m365.FirstSet(a.Created, a.FirstActivity, a.LastActivity, a.Updated); a.Created.IsZero() {
		p.drop("creationTime", "want the alert's creation time (or its first activity), got none")
		return debrief.Alert{}, false
	}
	a.Techniques = p.Techniques("mitreTechniques", w.MitreTechniques)
	a.Entities = mapEntities(w, p)
	return a, true
}
