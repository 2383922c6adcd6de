package graph

import (
	"bytes"
	"context"
	"io"
	"iter"
	"strconv"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/entity"
	"github.com/debrief-dev/debrief/ingest/internal/m365"
	"github.com/debrief-dev/debrief/ingest/internal/recerr"
	"github.com/debrief-dev/debrief/ingest/internal/wire"
)

// Decoder reads Microsoft Graph security API exports. The zero value is
// ready to use.
type Decoder struct{}

// New returns a Decoder.
func New() *Decoder { return &Decoder{} }

// Name returns "graph", the --format name.
func (*Decoder) Name() string { return "graph" }

var (
	markType        = []byte(`#microsoft.graph.security.`)
	markIncidentURL = []byte(`"incidentWebUrl"`)
	markProviderID  = []byte(`"providerAlertId"`)
	markSentinel    = []byte(`Microsoft.SecurityInsights`)
	markSystemAlert = []byte(`"systemAlertId"`)
)

// Sniff reports whether head looks like a Graph security export: an
// @odata.type in the microsoft.graph.security namespace, or the members
// Graph writes (incidentWebUrl, providerAlertId) without the marks of a
// Sentinel REST alert, which has a providerAlertId too.
func (*Decoder) Sniff(head []byte) bool {
	if bytes.Contains(head, markType) {
		return true
	}
	if bytes.Contains(head, markSentinel) || bytes.Contains(head, markSystemAlert) {
		return false
	}
	return bytes.Contains(head, markIncidentURL) || bytes.Contains(head, markProviderID)
}

// Decode streams the incidents and alerts of r. file names r in errors.
func (*Decoder) Decode(ctx context.Context, r io.Reader, file string) iter.Seq2[debrief.Record, error] {
	return func(yield func(debrief.Record, error) bool) {
		in := &recerr.WatchReader{R: r}
		var w record // reused: its slices keep their capacity
		var s scanner
		parse := func(b []byte, kept bool) (int, bool) { return s.parse(b, kept, &w) }
		if !singlePass {
			parse = nil
		}
		seen := wire.EachParsedKept(ctx, in, file, yield, parse, func(it wire.Item) bool {
			return decodeItem(it, &w, &s, file, yield)
		}, "value")
		if seen == 0 && !in.Data {
			yield(debrief.Record{}, &debrief.RecordError{File: file, Reason: "input is empty: want Microsoft Graph security JSON"})
		}
	}
}

// singlePass lets the splitter hand records to the scanner to check and
// decode at once (see wire.KeptParseFunc); BenchmarkDecodeNormaliseBaseline
// turns it off to measure the two passes it replaced.
var singlePass = true

// decodeItem decodes one record into w, unless the splitter had it
// decoded there already (it.Parsed), and yields it with the problems
// found in it; it reports whether the consumer wants more.
func decodeItem(it wire.Item, w *record, s *scanner, file string, yield func(debrief.Record, error) bool) bool {
	p := &problems{Collector: recerr.Collector{File: file, Line: it.Line, Index: it.Index}, text: &s.Scanner, out: &s.out, memo: &s.memo}
	if !it.Parsed {
		w.reset()
		if err := s.unmarshal(it.Raw, it.Strings, it.Kept, w); err != nil {
			field, reason := recerr.Describe(err)
			return yield(debrief.Record{}, p.Reject(field, reason))
		}
	}
	rec := debrief.Record{Line: it.Line, Index: it.Index}
	if w.isIncident() {
		rec.Incident = mapIncident(w, p)
		if rec.Incident == nil {
			return yield(debrief.Record{}, p.Fatal)
		}
		rec.Incident.Raw = keep(it, s)
	} else {
		a := p.alert()
		if !mapAlert(&w.alert, p, a) {
			p.giveBack(a)
			return yield(debrief.Record{}, p.Fatal)
		}
		a.Raw = keep(it, s)
		rec.Alert = a
	}
	if !yield(rec, nil) {
		return false
	}
	for _, e := range p.Kept {
		if !yield(debrief.Record{}, e) {
			return false
		}
	}
	return true
}

// keep returns the record's JSON for its Raw: it.Raw itself when the
// splitter leaves it as it is (wire.Item.Kept), else a copy made with
// the scanner's strings. Nothing writes to a record's Raw.
func keep(it wire.Item, s *scanner) []byte {
	if it.Kept {
		return it.Raw
	}
	return s.Copy(it.Raw)
}

// Wire types, shaped like the Graph reference. Only the members debrief
// uses are declared; others are skipped unread.

// record is an incident or an alert: an alert's members plus those only
// incidents have.
type record struct {
	alert
	RedirectIncidentID string   `json:"redirectIncidentId"`
	DisplayName        string   `json:"displayName"`
	Summary            string   `json:"summary"`
	Tags               []string `json:"tags"`
	CustomTags         []string `json:"customTags"`
	Alerts             []alert  `json:"alerts"`

	// spareAlerts keeps the capacity of the last record's Alerts while
	// Alerts itself starts nil: whether a record has an alerts member is
	// what tells an incident from an alert without @odata.type.
	spareAlerts []alert
}

// reset clears w for the next record, keeping the capacity of its slices.
func (w *record) reset() {
	spare := w.spareAlerts
	if w.Alerts != nil {
		spare = w.Alerts[:0]
	}
	*w = record{
		alert: alert{
			Evidence:        w.Evidence[:0],
			MitreTechniques: w.MitreTechniques[:0],
			Comments:        w.Comments[:0],
		},
		spareAlerts: spare,
	}
}

// isIncident tells an incident from an alert: by @odata.type, else by
// the members only incidents have.
func (w *record) isIncident() bool {
	switch t := w.ODataType; {
	case strings.HasSuffix(t, ".incident"):
		return true
	case strings.HasSuffix(t, ".alert"):
		return false
	}
	return w.Alerts != nil || w.DisplayName != "" && w.Title == ""
}

type alert struct {
	ODataType             string     `json:"@odata.type"`
	ID                    string     `json:"id"`
	ProviderAlertID       string     `json:"providerAlertId"`
	IncidentID            string     `json:"incidentId"`
	Status                string     `json:"status"`
	Severity              string     `json:"severity"`
	Classification        string     `json:"classification"`
	Determination         string     `json:"determination"`
	ServiceSource         string     `json:"serviceSource"`
	DetectionSource       string     `json:"detectionSource"`
	DetectorID            string     `json:"detectorId"`
	Title                 string     `json:"title"`
	Description           string     `json:"description"`
	Category              string     `json:"category"`
	AssignedTo            string     `json:"assignedTo"`
	AlertWebURL           string     `json:"alertWebUrl"`
	IncidentWebURL        string     `json:"incidentWebUrl"`
	ActorDisplayName      string     `json:"actorDisplayName"`
	ThreatDisplayName     string     `json:"threatDisplayName"`
	ThreatFamilyName      string     `json:"threatFamilyName"`
	MitreTechniques       []string   `json:"mitreTechniques"`
	CreatedDateTime       string     `json:"createdDateTime"`
	LastUpdateDateTime    string     `json:"lastUpdateDateTime"`
	ResolvedDateTime      string     `json:"resolvedDateTime"`
	FirstActivityDateTime string     `json:"firstActivityDateTime"`
	LastActivityDateTime  string     `json:"lastActivityDateTime"`
	Comments              []comment  `json:"comments"`
	Evidence              []evidence `json:"evidence"`
	SystemTags            []string   `json:"systemTags"`
}

// comment is Graph's alertComment; createdBy and createdTime are the
// incidents API spellings, which Graph examples use too.
type comment struct {
	Comment              string `json:"comment"`
	CreatedByDisplayName string `json:"createdByDisplayName"`
	CreatedDateTime      string `json:"createdDateTime"`
	CreatedBy            string `json:"createdBy"`
	CreatedTime          string `json:"createdTime"`
}

// mapIncident turns a wire incident into a debrief.Incident, or returns
// nil after recording why it cannot.
func mapIncident(w *record, p *problems) *debrief.Incident {
	id := wire.TrimSpace(w.ID)
	if id == "" {
		p.Reject("id", "want the incident id, got none")
		return nil
	}
	in := &debrief.Incident{
		ID:            p.qualified(id),
		Source:        debrief.SourceDefender,
		SourceID:      id,
		Title:         w.DisplayName,
		Description:   entity.FirstOf(w.Description, w.Summary),
		Assignee:      wire.TrimSpace(w.AssignedTo),
		Determination: m365.Determination(w.Determination),
		Tags:          m365.Tags(w.Tags, w.CustomTags, w.SystemTags),
		URL:           wire.TrimSpace(w.IncidentWebURL),
	}
	if r := wire.TrimSpace(w.RedirectIncidentID); r != "" {
		in.RedirectTo = p.qualified(r)
	}
	in.Severity = p.severity("severity", w.Severity)
	in.Status = p.status("status", w.Status)
	in.Verdict = p.verdict("classification", w.Classification)
	in.Times.Created = p.Time("createdDateTime", w.CreatedDateTime)
	in.Times.Updated = p.Time("lastUpdateDateTime", w.LastUpdateDateTime)
	in.Comments = mapComments(w.Comments, p)
	if len(w.Alerts) > 0 {
		in.Alerts = make([]debrief.Alert, 0, len(w.Alerts))
		in.AlertIDs = make([]string, 0, len(w.Alerts))
	}
	for i := range w.Alerts {
		p.Prefix = alertPrefix(i)
		in.Alerts = append(in.Alerts, debrief.Alert{})
		a := &in.Alerts[len(in.Alerts)-1]
		ok := mapAlert(&w.Alerts[i], p, a)
		p.Prefix = ""
		if !ok {
			in.Alerts[len(in.Alerts)-1] = debrief.Alert{}
			in.Alerts = in.Alerts[:len(in.Alerts)-1]
			continue
		}
		a.IncidentID = in.ID // the incident it was listed in, whatever its own incidentId says
		in.AlertIDs = append(in.AlertIDs, a.ID)
	}
	m365.IncidentTimes(in)
	return in
}

// alertPrefixes are the prefixes of the first alerts of an incident,
// made once rather than for every alert of every incident.
var alertPrefixes = func() (ps [64]string) {
	for i := range ps {
		ps[i] = "alerts[" + strconv.Itoa(i) + "]."
	}
	return ps
}()

// alertPrefix is the prefix of the fields of an incident's alert i.
func alertPrefix(i int) string {
	if i < len(alertPrefixes) {
		return alertPrefixes[i]
	}
	return "alerts[" + strconv.Itoa(i) + "]."
}

func mapComments(ws []comment, p *problems) []debrief.Comment {
	var out []debrief.Comment
	for i, c := range ws {
		if wire.TrimSpace(c.Comment) == "" {
			continue
		}
		field, at := "createdDateTime", c.CreatedDateTime
		if at == "" {
			field, at = "createdTime", c.CreatedTime
		}
		t := p.Time("comments["+strconv.Itoa(i)+"]."+field, at)
		out = append(out, debrief.Comment{At: t, Author: entity.FirstOf(c.CreatedByDisplayName, c.CreatedBy), Text: c.Comment})
	}
	return out
}

// mapAlert maps one alert into a, which must be zero; false means it
// was left out (and why is recorded: for an alert nested in an incident
// the incident is kept, a lone alert is rejected), and a is then to be
// dropped.
func mapAlert(w *alert, p *problems, a *debrief.Alert) bool {
	id := wire.TrimSpace(w.ID)
	if id == "" {
		p.drop("id", "want the alert id, got none")
		return false
	}
	// Field by field: a is zero, and a composite literal would be built
	// aside and copied whole.
	a.ID = p.qualified(id)
	a.Source = debrief.SourceDefender
	a.SourceID = id
	a.ProviderID = wire.TrimSpace(w.ProviderAlertID)
	a.Product = m365.Product(w.ServiceSource)
	a.DetectionSource = w.DetectionSource
	a.RuleID = w.DetectorID
	a.Title = w.Title
	a.Description = w.Description
	a.Category = w.Category
	a.Determination = m365.Determination(w.Determination)
	a.ThreatNames = m365.Names(w.ActorDisplayName, w.ThreatDisplayName, w.ThreatFamilyName)
	a.URL = wire.TrimSpace(w.AlertWebURL)
	if inc := wire.TrimSpace(w.IncidentID); inc != "" {
		a.IncidentID = p.qualified(inc)
	}
	a.Severity = p.severity("severity", w.Severity)
	a.Status = p.status("status", w.Status)
	a.Verdict = p.verdict("classification", w.Classification)
	a.Updated = p.Time("lastUpdateDateTime", w.LastUpdateDateTime)
	a.Resolved = p.Time("resolvedDateTime", w.ResolvedDateTime)
	a.FirstActivity = p.Time("firstActivityDateTime", w.FirstActivityDateTime)
	a.LastActivity = p.Time("lastActivityDateTime", w.LastActivityDateTime)
	a.Created = p.Time("createdDateTime", w.CreatedDateTime)
	if a.Created.IsZero() {
		a.Created = m365.FirstSet(a.FirstActivity, a.LastActivity, a.Updated)
	}
	if a.Created.IsZero() {
		p.drop("createdDateTime", "want the alert's creation time (or its first activity), got none")
		return false
	}
	a.Techniques = p.AppendTechniques(p.techniques(len(w.MitreTechniques)), "mitreTechniques", w.MitreTechniques)
	a.Entities = mapEvidence(w.Evidence, id, p)
	return true
}
