package sentinel

import (
	"bytes"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/entity"
)

// owner is the user an incident is assigned to (the Owner column, the
// owner property).
type owner struct {
	ObjectID          string `json:"objectId"`
	Email             string `json:"email"`
	AssignedTo        string `json:"assignedTo"`
	UserPrincipalName string `json:"userPrincipalName"`
}

func (o owner) name() string { return entity.FirstOf(o.AssignedTo, o.Email, o.UserPrincipalName) }

type label struct {
	LabelName string `json:"labelName"`
	LabelType string `json:"labelType"`
}

// comment is an entry of the SecurityIncident Comments column.
type comment struct {
	Message        string `json:"message"`
	CreatedTimeUtc string `json:"createdTimeUtc"`
	Author         struct {
		Name              string `json:"name"`
		Email             string `json:"email"`
		UserPrincipalName string `json:"userPrincipalName"`
	} `json:"author"`
}

// additional holds the members of an incident's additionalData
// (AdditionalData column) that debrief uses: the tactics and techniques
// Sentinel sums up from the incident's alerts, which name them even when
// the alerts are not exported.
type additional struct {
	Tactics    embedded `json:"tactics"`
	Techniques embedded `json:"techniques"`
}

// labels sets the incident's own tactics and techniques from its
// additionalData, as an alert's are read: tactics as spelled, technique
// ids checked (a malformed one is dropped with a kept-record error).
func (d *itemDecoder) labels(in *debrief.Incident, field string, x additional) {
	in.OwnTactics = tactics(d.list(field+".tactics", x.Tactics))
	for _, t := range d.techniques(field+".techniques", d.list(field+".techniques", x.Techniques), nil) {
		in.OwnTechniques = append(in.OwnTechniques, t.ID)
	}
}

// restIncident is the properties bag of a SecurityInsights incident.
type restIncident struct {
	Title                 string   `json:"title"`
	Description           string   `json:"description"`
	Severity              string   `json:"severity"`
	Status                string   `json:"status"`
	Classification        string   `json:"classification"`
	ClassificationReason  string   `json:"classificationReason"`
	ClassificationComment string   `json:"classificationComment"`
	Owner                 owner    `json:"owner"`
	Labels                []label  `json:"labels"`
	FirstActivityTimeUtc  string   `json:"firstActivityTimeUtc"`
	LastActivityTimeUtc   string   `json:"lastActivityTimeUtc"`
	CreatedTimeUtc        string   `json:"createdTimeUtc"`
	LastModifiedTimeUtc   string   `json:"lastModifiedTimeUtc"`
	IncidentNumber        text     `json:"incidentNumber"`
	IncidentURL           string   `json:"incidentUrl"`
	AdditionalData        embedded `json:"additionalData"`
}

// tableIncident maps a SecurityIncident row: the full state of the
// incident as of LastModifiedTime.
func (d *itemDecoder) tableIncident(r *record, raw []byte) (*debrief.Incident, error) {
	if r.IncidentName == "" {
		return nil, d.fail("IncidentName", "want the incident name (a GUID), got nothing")
	}
	in := newIncident(r.IncidentName, r.Title, r.Description, r.IncidentURL, raw)
	in.Severity = d.severity("Severity", r.Severity)
	in.Status = d.status("Status", r.Status)
	in.Verdict = d.verdict("Classification", r.Classification)
	in.Determination = r.ClassificationReason
	var o owner
	if d.dynamic("Owner", r.Owner, &o) {
		in.Assignee = o.name()
	}
	var labels []label
	d.dynamic("Labels", r.Labels, &labels)
	in.Tags = labelNames(labels)
	in.Comments = d.comments(r.Comments)
	var x additional
	if d.dynamic("AdditionalData", r.AdditionalData, &x) {
		d.labels(in, "AdditionalData", x)
	}
	for _, id := range d.list("AlertIds", r.AlertIDs) {
		in.AlertIDs = append(in.AlertIDs, debrief.QualifiedID(debrief.SourceSentinel, id))
	}
	t := &in.Times
	t.Created = d.time("CreatedTime", r.CreatedTime)
	t.Updated = firstTime(d.time("LastModifiedTime", r.LastModifiedTime), d.time("TimeGenerated", r.TimeGenerated))
	t.FirstActivity = d.time("FirstActivityTime", r.FirstActivityTime)
	t.LastActivity = d.time("LastActivityTime", r.LastActivityTime)
	t.FirstTriage = firstTime(d.time("FirstModifiedTime", r.FirstModifiedTime), earliest(in.Comments))
	t.Contained = containedAt(in.Comments)
	closed := d.time("ClosedTime", r.ClosedTime)
	finish(in, closed, r.ClassificationComment)
	return in, nil
}

// restIncident maps a SecurityInsights incident resource.
func (d *itemDecoder) restIncident(r *record, raw []byte) (*debrief.Incident, error) {
	var p restIncident
	if err := d.unmarshal("", r.Properties, &p); err != nil {
		return nil, err
	}
	id := entity.FirstOf(r.Name, lastSegment(r.ResourceID))
	if id == "" {
		return nil, d.at.fail("name", "want the incident name (a GUID), got nothing")
	}
	in := newIncident(id, p.Title, p.Description, p.IncidentURL, raw)
	in.Severity = d.severity("severity", p.Severity)
	in.Status = d.status("status", p.Status)
	in.Verdict = d.verdict("classification", p.Classification)
	in.Determination = p.ClassificationReason
	in.Assignee = p.Owner.name()
	in.Tags = labelNames(p.Labels)
	var x additional
	if d.dynamic("additionalData", p.AdditionalData, &x) {
		d.labels(in, "additionalData", x)
	}
	t := &in.Times
	t.Created = d.time("createdTimeUtc", p.CreatedTimeUtc)
	t.Updated = d.time("lastModifiedTimeUtc", p.LastModifiedTimeUtc)
	t.FirstActivity = d.time("firstActivityTimeUtc", p.FirstActivityTimeUtc)
	t.LastActivity = d.time("lastActivityTimeUtc", p.LastActivityTimeUtc)
	finish(in, time.Time{}, p.ClassificationComment)
	return in, nil
}

func newIncident(id, title, description, url string, raw []byte) *debrief.Incident {
	return &debrief.Incident{
		ID:          debrief.QualifiedID(debrief.SourceSentinel, id),
		Source:      debrief.SourceSentinel,
		SourceID:    id,
		Title:       title,
		Description: description,
		URL:         url,
		Raw:         bytes.Clone(raw),
	}
}

// finish sets the resolution of a closed incident (its closing time, else
// its last update) and keeps the classification comment as a comment.
func finish(in *debrief.Incident, closed time.Time, classificationComment string) {
	if in.Status.Closed() {
		in.Times.Resolved = firstTime(closed, in.Times.Updated)
	}
	if c := strings.TrimSpace(classificationComment); c != "" {
		in.Comments = append(in.Comments, debrief.Comment{At: firstTime(in.Times.Resolved, in.Times.Updated), Text: c})
	}
}

func (d *itemDecoder) comments(data embedded) []debrief.Comment {
	var cs []comment
	d.dynamic("Comments", data, &cs)
	var out []debrief.Comment
	for i, c := range cs {
		if strings.TrimSpace(c.Message) == "" {
			continue
		}
		at := d.time("Comments["+strconv.Itoa(i)+"].createdTimeUtc", c.CreatedTimeUtc)
		out = append(out, debrief.Comment{At: at, Author: entity.FirstOf(c.Author.Email, c.Author.UserPrincipalName, c.Author.Name), Text: c.Message})
	}
	return out
}

func earliest(cs []debrief.Comment) time.Time {
	var t time.Time
	for _, c := range cs {
		if !c.At.IsZero() && (t.IsZero() || c.At.Before(t)) {
			t = c.At
		}
	}
	return t
}

// containedAt returns the time of the first comment that records a
// containment action (debrief.Comment.RecordsContainment), or zero.
func containedAt(cs []debrief.Comment) time.Time {
	var t time.Time
	for _, c := range cs {
		if c.RecordsContainment() && !c.At.IsZero() && (t.IsZero() || c.At.Before(t)) {
			t = c.At
		}
	}
	return t
}

func labelNames(ls []label) []string {
	var out []string
	for _, l := range ls {
		if n := strings.TrimSpace(l.LabelName); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// lastSegment returns what follows the last "/" of a resource id.
func lastSegment(id string) string {
	return id[strings.LastIndexByte(id, '/')+1:]
}
