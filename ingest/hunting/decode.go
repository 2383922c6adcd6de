package hunting

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/wire"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Decoder reads advanced hunting AlertInfo and AlertEvidence rows. The zero
// value is ready to use.
type Decoder struct{}

// New returns a Decoder.
func New() *Decoder { return &Decoder{} }

// Name is the --format name.
func (*Decoder) Name() string { return "defender-hunting" }

// Sniff reports whether head holds streaming API alert records
// (AdvancedHunting-AlertInfo / -AlertEvidence) or advanced hunting rows with
// an AlertId and the AlertInfo or AlertEvidence columns.
func (*Decoder) Sniff(head []byte) bool {
	if bytes.Contains(head, []byte("AdvancedHunting-Alert")) {
		return true
	}
	if !bytes.Contains(head, []byte(`"AlertId"`)) {
		return false
	}
	return bytes.Contains(head, []byte(`"AttackTechniques"`)) || bytes.Contains(head, []byte(`"EvidenceRole"`))
}

// Decode streams the alerts of r: each AlertInfo row as an alert, each
// AlertEvidence row as a partial alert carrying its entity.
func (*Decoder) Decode(ctx context.Context, r io.Reader, file string) iter.Seq2[debrief.Record, error] {
	return func(yield func(debrief.Record, error) bool) {
		env := new(envelope) // reused: records keep nothing of it but strings
		wire.Each(ctx, r, file, yield, func(it wire.Item) bool {
			*env = envelope{}
			recs, errs := decodeItem(env, it.Raw, location{file: file, line: it.Line, index: it.Index})
			for _, rec := range recs {
				if !yield(rec, nil) {
					return false
				}
			}
			for _, err := range errs {
				if !yield(debrief.Record{}, err) {
					return false
				}
			}
			return true
		}, "records", "results", "Results", "value")
	}
}

// location is where a record was read; it makes the record's errors.
type location struct {
	file        string
	line, index int
}

// fail reports a record that was rejected.
func (l location) fail(field, reason string) *debrief.RecordError {
	return &debrief.RecordError{File: l.file, Line: l.line, Record: l.index, Field: field, Reason: reason}
}

// drop reports a field that was dropped from a record that was kept.
func (l location) drop(field, reason string) *debrief.RecordError {
	e := l.fail(field, reason)
	e.Kept = true
	return e
}

// envelope is one streaming API record: the row sits in properties and
// category names its table. Rows exported by advanced hunting itself have
// their columns at the top level, where the inline row catches them.
type envelope struct {
	Time       string     `json:"time"`
	Category   string     `json:"category"`
	Properties properties `json:"properties"`
	row        `json:",inline"`
}

// properties is the row inside an envelope; set tells it was there.
type properties struct {
	set bool
	row row
}

// UnmarshalJSONFrom implements json.UnmarshalerFrom.
func (p *properties) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	if dec.PeekKind() == 'n' {
		_, err := dec.ReadToken()
		return err
	}
	p.set = true
	return json.UnmarshalDecode(dec, &p.row)
}

// row holds the columns of AlertInfo and AlertEvidence.
type row struct {
	Timestamp        string   `json:"Timestamp"`
	AlertID          string   `json:"AlertId"`
	Title            string   `json:"Title"`
	Category         string   `json:"Category"`
	Severity         string   `json:"Severity"`
	ServiceSource    string   `json:"ServiceSource"`
	DetectionSource  string   `json:"DetectionSource"`
	AttackTechniques embedded `json:"AttackTechniques"`

	// AlertEvidence only.
	EntityType         string   `json:"EntityType"`
	EvidenceRole       string   `json:"EvidenceRole"`
	EvidenceDirection  string   `json:"EvidenceDirection"`
	DeviceID           string   `json:"DeviceId"`
	DeviceName         string   `json:"DeviceName"`
	AccountName        string   `json:"AccountName"`
	AccountDomain      string   `json:"AccountDomain"`
	AccountSid         string   `json:"AccountSid"`
	AccountObjectID    string   `json:"AccountObjectId"`
	AccountUpn         string   `json:"AccountUpn"`
	FileName           string   `json:"FileName"`
	FolderPath         string   `json:"FolderPath"`
	SHA1               string   `json:"SHA1"`
	SHA256             string   `json:"SHA256"`
	FileSize           text     `json:"FileSize"`
	ThreatFamily       string   `json:"ThreatFamily"`
	RemoteIP           string   `json:"RemoteIP"`
	LocalIP            string   `json:"LocalIP"`
	RemoteURL          string   `json:"RemoteUrl"`
	EmailSubject       string   `json:"EmailSubject"`
	NetworkMessageID   string   `json:"NetworkMessageId"`
	Application        string   `json:"Application"`
	ApplicationID      text     `json:"ApplicationId"`
	OAuthApplicationID string   `json:"OAuthApplicationId"`
	ProcessCommandLine string   `json:"ProcessCommandLine"`
	RegistryKey        string   `json:"RegistryKey"`
	RegistryValueName  string   `json:"RegistryValueName"`
	RegistryValueData  string   `json:"RegistryValueData"`
	CloudResource      string   `json:"CloudResource"`
	ResourceID         string   `json:"ResourceID"`
	AdditionalFields   embedded `json:"AdditionalFields"`
}

// extra holds the members of AdditionalFields that name an entity.
type extra struct {
	ProcessID             loose `json:"ProcessId"`
	CreationTimeUtc       loose `json:"CreationTimeUtc"`
	Sender                loose `json:"Sender"`
	P1Sender              loose `json:"P1Sender"`
	Recipient             loose `json:"Recipient"`
	MailboxPrimaryAddress loose `json:"MailboxPrimaryAddress"`
	ResourceID            loose `json:"ResourceId"`
	Address               loose `json:"Address"`
	URL                   loose `json:"Url"`
	Name                  loose `json:"Name"`
	Query                 loose `json:"Query"`
}

// rowDecoder maps one row; it collects the errors of fields it drops.
type rowDecoder struct {
	at     location
	prefix string // "properties." inside an envelope
	kept   []error
}

func (d *rowDecoder) fail(field, reason string) *debrief.RecordError {
	return d.at.fail(d.prefix+field, reason)
}

func (d *rowDecoder) drop(field, reason string) {
	d.kept = append(d.kept, d.at.drop(d.prefix+field, reason))
}

func (d *rowDecoder) dropErr(field string, err error) {
	f, reason := fieldError(d.prefix+field, err)
	d.kept = append(d.kept, d.at.drop(f, reason))
}

// decodeItem maps one record of the input to the records it yields and
// the errors that follow them.
func decodeItem(env *envelope, raw []byte, at location) ([]debrief.Record, []error) {
	if err := json.Unmarshal(raw, env, decodeOpts); err != nil {
		field, reason := fieldError("", err)
		return nil, []error{at.fail(field, reason)}
	}
	d := &rowDecoder{at: at}
	r := &env.row
	if env.Properties.set {
		r, d.prefix = &env.Properties.row, "properties."
	}
	info, evidence := tables(env.Category, r)
	var recs []debrief.Record
	if info {
		a, err := d.info(r, env.Time, raw)
		if err != nil {
			return nil, []error{err}
		}
		recs = append(recs, debrief.Record{Alert: a, Line: at.line, Index: at.index})
	}
	if evidence {
		a, err := d.evidence(r, raw)
		if err != nil {
			return recs, append(d.kept, err)
		}
		recs = append(recs, debrief.Record{Alert: a, Partial: true, Line: at.line, Index: at.index})
	}
	return recs, d.kept
}

// tables tells which table a row belongs to. The streaming API says so
// in category; advanced hunting rows tell by their columns, and a row of
// "AlertInfo | join AlertEvidence" is both.
func tables(category string, r *row) (info, evidence bool) {
	switch {
	case strings.EqualFold(category, "AdvancedHunting-AlertInfo"):
		return true, false
	case strings.EqualFold(category, "AdvancedHunting-AlertEvidence"):
		return false, true
	case category != "":
		return false, false // another table of the stream
	case r.EntityType != "":
		return r.Category != "", true
	}
	return true, false
}

// info maps an AlertInfo row to an alert.
func (d *rowDecoder) info(r *row, envTime string, raw []byte) (*debrief.Alert, error) {
	if r.AlertID == "" {
		return nil, d.fail("AlertId", "want the alert id, got nothing")
	}
	created, err := wire.ParseTime(r.Timestamp)
	if err != nil {
		return nil, d.fail("Timestamp", err.Error())
	}
	if created.IsZero() {
		created, _ = wire.ParseTime(envTime)
	}
	if created.IsZero() {
		return nil, d.fail("Timestamp", "want the time the alert was raised, got nothing")
	}
	a := &debrief.Alert{
		ID:              debrief.QualifiedID(debrief.SourceDefender, r.AlertID),
		Source:          debrief.SourceDefender,
		SourceID:        r.AlertID,
		Product:         r.ServiceSource,
		DetectionSource: r.DetectionSource,
		Title:           r.Title,
		Category:        r.Category,
		Created:         created,
		Raw:             bytes.Clone(raw),
	}
	if sev, ok := debrief.ParseSeverity(r.Severity); ok {
		a.Severity = sev
	} else {
		d.drop("Severity", fmt.Sprintf("want Informational, Low, Medium or High, got %q", r.Severity))
	}
	a.Techniques = d.techniques(r.AttackTechniques)
	return a, nil
}

// evidence maps an AlertEvidence row to a partial alert.
func (d *rowDecoder) evidence(r *row, raw []byte) (*debrief.Alert, error) {
	if r.AlertID == "" {
		return nil, d.fail("AlertId", "want the alert id, got nothing")
	}
	a := &debrief.Alert{
		ID:       debrief.QualifiedID(debrief.SourceDefender, r.AlertID),
		Source:   debrief.SourceDefender,
		SourceID: r.AlertID,
		Raw:      bytes.Clone(raw),
	}
	if t, err := wire.ParseTime(r.Timestamp); err != nil {
		d.drop("Timestamp", err.Error())
	} else {
		a.Created = t
	}
	x := d.extra(r.AdditionalFields)
	if e, ok := evidenceEntity(r, x); ok {
		a.Entities = []debrief.Entity{e}
	}
	for _, name := range []string{r.ThreatFamily, malwareName(r, x)} {
		if name != "" && !contains(a.ThreatNames, name) {
			a.ThreatNames = append(a.ThreatNames, name)
		}
	}
	return a, nil
}

func (d *rowDecoder) extra(raw embedded) *extra {
	var x extra
	if len(raw) == 0 {
		return &x
	}
	if err := json.Unmarshal(raw, &x, decodeOpts); err != nil {
		d.dropErr("AdditionalFields", err)
		return &extra{}
	}
	return &x
}

// techniques reads AttackTechniques: a JSON array (usually as JSON text)
// of "Name (T####.###)" strings.
func (d *rowDecoder) techniques(raw embedded) []debrief.Technique {
	entries := d.list(raw, "AttackTechniques")
	var out []debrief.Technique
	for i, s := range entries {
		name, id := splitTechnique(s)
		tid, err := debrief.ParseTechniqueID(id)
		if err != nil {
			d.drop(fmt.Sprintf("AttackTechniques[%d]", i), fmt.Sprintf("want T#### or T####.###, got %q", id))
			continue
		}
		if !hasTechnique(out, tid) {
			out = append(out, debrief.Technique{ID: tid, Name: name})
		}
	}
	return out
}

// list reads a list that is a JSON array of strings or, failing that,
// comma-separated text.
func (d *rowDecoder) list(raw embedded, field string) []string {
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

// splitTechnique splits "Cloud Accounts (T1078.004)" into name and id; a
// bare id has no name.
func splitTechnique(s string) (name, id string) {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, ")") {
		if i := strings.LastIndexByte(s, '('); i >= 0 {
			return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1 : len(s)-1])
		}
	}
	return "", s
}

func hasTechnique(ts []debrief.Technique, id debrief.TechniqueID) bool {
	for _, t := range ts {
		if t.ID == id {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
