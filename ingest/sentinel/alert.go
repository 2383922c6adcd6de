package sentinel

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/entity"
	"github.com/debrief-dev/debrief/ingest/internal/wire"
)

// restAlert is the properties bag of a SecurityInsights SecurityAlert.
type restAlert struct {
	SystemAlertID        string   `json:"systemAlertId"`
	AlertDisplayName     string   `json:"alertDisplayName"`
	FriendlyName         string   `json:"friendlyName"`
	Description          string   `json:"description"`
	Severity             string   `json:"severity"`
	Status               string   `json:"status"`
	Tactics              []string `json:"tactics"`
	Techniques           []string `json:"techniques"`
	SubTechniques        []string `json:"subTechniques"`
	ProductName          string   `json:"productName"`
	ProductComponentName string   `json:"productComponentName"`
	VendorName           string   `json:"vendorName"`
	ProviderAlertID      string   `json:"providerAlertId"`
	AlertType            string   `json:"alertType"`
	StartTimeUtc         string   `json:"startTimeUtc"`
	EndTimeUtc           string   `json:"endTimeUtc"`
	TimeGenerated        string   `json:"timeGenerated"`
	ProcessingEndTime    string   `json:"processingEndTime"`
	AlertLink            string   `json:"alertLink"`
}

// extended holds the members of a SecurityAlert's ExtendedProperties that
// debrief uses; scheduled analytics rules name themselves there.
type extended struct {
	RuleIDs  embedded `json:"Analytic Rule Ids"`
	RuleName loose    `json:"Analytic Rule Name"`
	Category loose    `json:"Category"`
}

// alertTimes are an alert's timestamps as the source names them.
type alertTimes struct {
	processed, generated, start, end string
	fields                           [4]string
}

// tableAlert maps a SecurityAlert row.
func (d *itemDecoder) tableAlert(r *record, raw []byte) (*debrief.Alert, error) {
	if r.SystemAlertID == "" {
		return nil, d.fail("SystemAlertId", "want the alert id, got nothing")
	}
	a := newAlert(r.SystemAlertID, raw)
	a.ProviderID = r.VendorOriginalID
	a.Product = r.ProductName
	a.DetectionSource = entity.FirstOf(r.ProductComponentName, r.ProviderName)
	a.Title = entity.FirstOf(r.DisplayName, r.AlertName)
	a.Description = r.Description
	a.URL = r.AlertLink
	a.Severity = d.severity("AlertSeverity", r.AlertSeverity)
	a.Status = d.status("Status", r.Status)
	var x extended
	d.dynamic("ExtendedProperties", r.ExtendedProperties, &x)
	a.RuleID = entity.FirstOf(firstOf(d.list("ExtendedProperties.Analytic Rule Ids", x.RuleIDs)), r.AlertType)
	a.RuleName = string(x.RuleName)
	a.Category = string(x.Category)
	a.Tactics = tactics(d.list("Tactics", r.Tactics))
	a.Techniques = d.techniques("Techniques", d.list("Techniques", r.Techniques), nil)
	a.Techniques = d.techniques("SubTechniques", d.list("SubTechniques", r.SubTechniques), a.Techniques)
	a.Entities, a.ThreatNames = d.entities("Entities", r.Entities)
	err := d.times(a, alertTimes{
		processed: r.ProcessingEndTime, generated: r.TimeGenerated, start: r.StartTime, end: r.EndTime,
		fields: [4]string{"ProcessingEndTime", "TimeGenerated", "StartTime", "EndTime"},
	})
	return a, err
}

// restAlert maps a SecurityInsights SecurityAlert resource.
func (d *itemDecoder) restAlert(r *record, raw []byte) (*debrief.Alert, error) {
	var p restAlert
	if err := d.unmarshal("", r.Properties, &p); err != nil {
		return nil, err
	}
	id := entity.FirstOf(p.SystemAlertID, r.Name)
	if id == "" {
		return nil, d.fail("systemAlertId", "want the alert id, got nothing")
	}
	a := newAlert(id, raw)
	a.ProviderID = p.ProviderAlertID
	a.Product = p.ProductName
	a.DetectionSource = p.ProductComponentName
	a.RuleID = p.AlertType
	a.Title = entity.FirstOf(p.AlertDisplayName, p.FriendlyName)
	a.Description = p.Description
	a.URL = p.AlertLink
	a.Severity = d.severity("severity", p.Severity)
	a.Status = d.status("status", p.Status)
	a.Tactics = tactics(p.Tactics)
	a.Techniques = d.techniques("techniques", p.Techniques, nil)
	a.Techniques = d.techniques("subTechniques", p.SubTechniques, a.Techniques)
	err := d.times(a, alertTimes{
		processed: p.ProcessingEndTime, generated: p.TimeGenerated, start: p.StartTimeUtc, end: p.EndTimeUtc,
		fields: [4]string{"processingEndTime", "timeGenerated", "startTimeUtc", "endTimeUtc"},
	})
	return a, err
}

func newAlert(id string, raw []byte) *debrief.Alert {
	return &debrief.Alert{
		ID:       debrief.QualifiedID(debrief.SourceSentinel, id),
		Source:   debrief.SourceSentinel,
		SourceID: id,
		Raw:      bytes.Clone(raw),
	}
}

// times fills an alert's times. Created is the processing end (when the
// alert was made), else the time generated, else the activity start;
// Updated is the time generated, which is new in each row Sentinel writes
// when the alert changes. An alert with none of them is rejected.
func (d *itemDecoder) times(a *debrief.Alert, t alertTimes) error {
	var bad *debrief.RecordError
	parse := func(i int, s string) time.Time {
		v, err := wire.ParseTime(s)
		if err != nil {
			if bad == nil {
				bad = d.fail(t.fields[i], err.Error())
			}
			d.drop(t.fields[i], err.Error())
		}
		return v
	}
	processed, generated := parse(0, t.processed), parse(1, t.generated)
	a.FirstActivity, a.LastActivity = parse(2, t.start), parse(3, t.end)
	a.Created = firstTime(processed, generated, a.FirstActivity)
	a.Updated = generated
	switch {
	case !a.Created.IsZero():
		return nil
	case bad != nil:
		return bad
	}
	return d.fail(t.fields[1], fmt.Sprintf("want the time the alert was raised (%s, %s or %s), got none", t.fields[0], t.fields[1], t.fields[2]))
}

// techniques appends the valid technique ids of a list to into; a
// malformed id is dropped with a kept-record error.
func (d *itemDecoder) techniques(field string, ids []string, into []debrief.Technique) []debrief.Technique {
	for i, s := range ids {
		id, err := debrief.ParseTechniqueID(s)
		if err != nil {
			d.drop(field+"["+strconv.Itoa(i)+"]", fmt.Sprintf("want T#### or T####.###, got %q", s))
			continue
		}
		if !hasTechnique(into, id) {
			into = append(into, debrief.Technique{ID: id})
		}
	}
	return into
}

func hasTechnique(ts []debrief.Technique, id debrief.TechniqueID) bool {
	for _, t := range ts {
		if t.ID == id {
			return true
		}
	}
	return false
}

// tactics keeps the tactic names as Sentinel spells them, without the
// "Unknown" and "None" placeholders and without repeats.
func tactics(names []string) []string {
	var out []string
	for _, n := range names {
		if strings.EqualFold(n, "unknown") || strings.EqualFold(n, "none") || contains(out, n) {
			continue
		}
		out = append(out, n)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func firstOf(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}
