package sentinel

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/wire"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Decoder reads Sentinel SecurityIncident and SecurityAlert rows and
// SecurityInsights REST incidents and alerts. The zero value is ready to
// use.
type Decoder struct{}

// New returns a Decoder.
func New() *Decoder { return &Decoder{} }

// Name is the --format name.
func (*Decoder) Name() string { return "sentinel" }

// Sniff reports whether head holds SecurityInsights resources or
// SecurityIncident / SecurityAlert rows.
func (*Decoder) Sniff(head []byte) bool {
	for _, mark := range [][]byte{
		[]byte("Microsoft.SecurityInsights"),
		[]byte(`"SystemAlertId"`),
		[]byte(`"systemAlertId"`),
		[]byte(`"Type":"SecurityAlert"`),
		[]byte(`"Type":"SecurityIncident"`),
		[]byte(`"Type": "SecurityAlert"`),
		[]byte(`"Type": "SecurityIncident"`),
	} {
		if bytes.Contains(head, mark) {
			return true
		}
	}
	return bytes.Contains(head, []byte(`"IncidentName"`)) && bytes.Contains(head, []byte(`"IncidentNumber"`))
}

// Decode streams the incidents and alerts of r.
func (*Decoder) Decode(ctx context.Context, r io.Reader, file string) iter.Seq2[debrief.Record, error] {
	return func(yield func(debrief.Record, error) bool) {
		row := new(record) // reused: records keep nothing of it but strings
		wire.Each(ctx, r, file, yield, func(it wire.Item) bool {
			*row = record{}
			d := &itemDecoder{at: location{file: file, line: it.Line, index: it.Index}}
			rec, err := d.decode(row, it.Raw)
			if err != nil {
				return yield(debrief.Record{}, err)
			}
			if rec.Incident != nil || rec.Alert != nil {
				rec.Line, rec.Index = it.Line, it.Index
				if !yield(rec, nil) {
					return false
				}
			}
			for _, err := range d.kept {
				if !yield(debrief.Record{}, err) {
					return false
				}
			}
			return true
		}, "value", "records")
	}
}

// location is where a record was read; it makes the record's errors.
type location struct {
	file        string
	line, index int
}

func (l location) fail(field, reason string) *debrief.RecordError {
	return &debrief.RecordError{File: l.file, Line: l.line, Record: l.index, Field: field, Reason: reason}
}

// record holds the columns of the SecurityIncident and SecurityAlert
// tables, and the envelope of a SecurityInsights REST resource.
type record struct {
	Table         string `json:"Type"`
	TimeGenerated string `json:"TimeGenerated"`
	Description   string `json:"Description"`
	Status        string `json:"Status"`
	ProviderName  string `json:"ProviderName"`

	// SecurityIncident.
	IncidentName          string   `json:"IncidentName"`
	IncidentNumber        text     `json:"IncidentNumber"`
	Title                 string   `json:"Title"`
	Severity              string   `json:"Severity"`
	Classification        string   `json:"Classification"`
	ClassificationReason  string   `json:"ClassificationReason"`
	ClassificationComment string   `json:"ClassificationComment"`
	Owner                 embedded `json:"Owner"`
	ProviderIncidentID    string   `json:"ProviderIncidentId"`
	FirstActivityTime     string   `json:"FirstActivityTime"`
	LastActivityTime      string   `json:"LastActivityTime"`
	FirstModifiedTime     string   `json:"FirstModifiedTime"`
	LastModifiedTime      string   `json:"LastModifiedTime"`
	CreatedTime           string   `json:"CreatedTime"`
	ClosedTime            string   `json:"ClosedTime"`
	AlertIDs              embedded `json:"AlertIds"`
	Labels                embedded `json:"Labels"`
	Comments              embedded `json:"Comments"`
	IncidentURL           string   `json:"IncidentUrl"`
	AdditionalData        embedded `json:"AdditionalData"`

	// SecurityAlert.
	DisplayName          string   `json:"DisplayName"`
	AlertName            string   `json:"AlertName"`
	AlertSeverity        string   `json:"AlertSeverity"`
	VendorOriginalID     string   `json:"VendorOriginalId"`
	SystemAlertID        string   `json:"SystemAlertId"`
	ProductName          string   `json:"ProductName"`
	ProductComponentName string   `json:"ProductComponentName"`
	AlertType            string   `json:"AlertType"`
	StartTime            string   `json:"StartTime"`
	EndTime              string   `json:"EndTime"`
	ProcessingEndTime    string   `json:"ProcessingEndTime"`
	Tactics              embedded `json:"Tactics"`
	Techniques           embedded `json:"Techniques"`
	SubTechniques        embedded `json:"SubTechniques"`
	Entities             embedded `json:"Entities"`
	ExtendedProperties   embedded `json:"ExtendedProperties"`
	AlertLink            string   `json:"AlertLink"`

	// SecurityInsights REST resource.
	ResourceID   string         `json:"id"`
	Name         string         `json:"name"`
	ResourceType string         `json:"type"`
	Kind         string         `json:"kind"`
	Properties   jsontext.Value `json:"properties"`
}

// itemDecoder maps one record; it collects the errors of the fields it
// drops, which follow the record.
type itemDecoder struct {
	at     location
	prefix string // "properties." for REST resources
	kept   []error
}

func (d *itemDecoder) fail(field, reason string) *debrief.RecordError {
	return d.at.fail(d.prefix+field, reason)
}

func (d *itemDecoder) drop(field, reason string) {
	e := d.at.fail(d.prefix+field, reason)
	e.Kept = true
	d.kept = append(d.kept, e)
}

func (d *itemDecoder) dropErr(field string, err error) {
	f, reason := fieldError(d.prefix+field, err)
	e := d.at.fail(f, reason)
	e.Kept = true
	d.kept = append(d.kept, e)
}

// decode tells the shape of a record and maps it. Rows of other tables
// give an empty record and no error.
func (d *itemDecoder) decode(r *record, raw []byte) (debrief.Record, error) {
	if err := json.Unmarshal(raw, r, decodeOpts); err != nil {
		field, reason := fieldError("", err)
		return debrief.Record{}, d.at.fail(field, reason)
	}
	var rec debrief.Record
	var err error
	switch {
	case len(r.Properties) > 0 && r.Properties.Kind() == '{':
		d.prefix = "properties."
		rec, err = d.rest(r, raw)
	case strings.EqualFold(r.Table, "SecurityIncident") || r.Table == "" && r.IncidentName != "":
		rec.Incident, err = d.tableIncident(r, raw)
	case strings.EqualFold(r.Table, "SecurityAlert") || r.Table == "" && r.SystemAlertID != "":
		rec.Alert, err = d.tableAlert(r, raw)
	case r.Table != "":
		return rec, nil // a row of another table
	default:
		return rec, d.at.fail("", "want a SecurityIncident or SecurityAlert row or a SecurityInsights incident or alert, "+
			"found none of their keys (IncidentName, SystemAlertId, properties)")
	}
	return rec, err
}

// rest maps a SecurityInsights resource: an alert (kind SecurityAlert) or
// an incident.
func (d *itemDecoder) rest(r *record, raw []byte) (debrief.Record, error) {
	var rec debrief.Record
	var err error
	if strings.EqualFold(r.Kind, "SecurityAlert") || bytes.Contains(r.Properties, []byte(`"systemAlertId"`)) {
		rec.Alert, err = d.restAlert(r, raw)
	} else {
		rec.Incident, err = d.restIncident(r, raw)
	}
	return rec, err
}

// unmarshal decodes JSON (of a REST properties bag or a dynamic column)
// into v; an error names field.
func (d *itemDecoder) unmarshal(field string, data []byte, v any) error {
	if err := json.Unmarshal(data, v, decodeOpts); err != nil {
		f, reason := fieldError(d.prefix+field, err)
		return d.at.fail(f, reason)
	}
	return nil
}

// dynamic decodes an optional dynamic column into v; a bad one is
// dropped with a kept-record error.
func (d *itemDecoder) dynamic(field string, data embedded, v any) bool {
	if len(data) == 0 {
		return false
	}
	if err := json.Unmarshal(data, v, decodeOpts); err != nil {
		d.dropErr(field, err)
		return false
	}
	return true
}

func (d *itemDecoder) severity(field, s string) debrief.Severity {
	v, ok := debrief.ParseSeverity(s)
	if !ok {
		d.drop(field, fmt.Sprintf("want High, Medium, Low or Informational, got %q", s))
	}
	return v
}

func (d *itemDecoder) status(field, s string) debrief.Status {
	v, ok := debrief.ParseStatus(s)
	if !ok {
		d.drop(field, fmt.Sprintf("want New, Active, InProgress, Resolved, Dismissed or Closed, got %q", s))
	}
	return v
}

func (d *itemDecoder) verdict(field, s string) debrief.Verdict {
	v, ok := debrief.ParseVerdict(s)
	if !ok {
		d.drop(field, fmt.Sprintf("want Undetermined, TruePositive, BenignPositive or FalsePositive, got %q", s))
	}
	return v
}

// time reads an optional timestamp; a bad one is dropped.
func (d *itemDecoder) time(field, s string) time.Time {
	t, err := wire.ParseTime(s)
	if err != nil {
		d.drop(field, err.Error())
	}
	return t
}

// firstTime returns the first non-zero time.
func firstTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// list reads a list that is a JSON array of strings or comma-separated
// text ("InitialAccess, Execution").
func (d *itemDecoder) list(field string, raw embedded) []string {
	switch {
	case len(raw) == 0:
		return nil
	case raw[0] == '[':
		var out []string
		if err := json.Unmarshal(raw, &out, decodeOpts); err != nil {
			d.dropErr(field, err)
			return nil
		}
		return out
	case raw[0] == '{':
		d.drop(field, "want an array of strings, got an object")
		return nil
	}
	var out []string
	for s := range strings.SplitSeq(string(raw), ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
