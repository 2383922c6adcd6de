package wazuh

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/wire"
)

// wrapper is an indexer document or a Logstash line around an alert.
type wrapper struct {
	DocID  string         `json:"_id"`
	Source jsontext.Value `json:"_source"`
}

// alertDoc is one Wazuh alert, as the manager writes it to alerts.json.
type alertDoc struct {
	ID          string `json:"id"`
	DocID       string `json:"_id"`
	Timestamp   string `json:"timestamp"`
	AtTimestamp string `json:"@timestamp"`
	Location    string `json:"location"`
	Rule        struct {
		ID          text           `json:"id"`
		Level       jsontext.Value `json:"level"`
		Description string         `json:"description"`
		Groups      []string       `json:"groups"`
		Mitre       struct {
			ID        []string `json:"id"`
			Technique []string `json:"technique"`
			Tactic    []string `json:"tactic"`
		} `json:"mitre"`
	} `json:"rule"`
	Agent struct {
		ID   text `json:"id"`
		Name text `json:"name"`
		IP   text `json:"ip"`
	} `json:"agent"`
	Manager struct {
		Name text `json:"name"`
	} `json:"manager"`
	Decoder struct {
		Name text `json:"name"`
	} `json:"decoder"`
	Data     data     `json:"data"`
	Syscheck syscheck `json:"syscheck"`
}

// data holds the decoded fields of the event that raised the alert. Their
// shape depends on the decoder, so they are read leniently (see text).
type data struct {
	SrcIP   text `json:"srcip"`
	DstIP   text `json:"dstip"`
	SrcUser text `json:"srcuser"`
	DstUser text `json:"dstuser"`
	URL     text `json:"url"`
	Win     struct {
		System struct {
			Computer text `json:"computer"`
		} `json:"system"`
		EventData struct {
			TargetUserName    text `json:"targetUserName"`
			TargetDomainName  text `json:"targetDomainName"`
			SubjectUserName   text `json:"subjectUserName"`
			SubjectDomainName text `json:"subjectDomainName"`
			IPAddress         text `json:"ipAddress"`
			Image             text `json:"image"`
			CommandLine       text `json:"commandLine"`
			ProcessID         text `json:"processId"`
		} `json:"eventdata"`
	} `json:"win"`
}

// syscheck holds the file integrity monitoring fields of an alert.
type syscheck struct {
	Path        text `json:"path"`
	Event       text `json:"event"`
	SHA256After text `json:"sha256_after"`
	SHA1After   text `json:"sha1_after"`
	MD5After    text `json:"md5_after"`
	SizeAfter   text `json:"size_after"`
	UnameAfter  text `json:"uname_after"`
}

// text is a free-form decoded value: a string, or a number or boolean
// taken as its text; an array gives its first element, null and objects
// give "". Wazuh decoders are user-defined, so a field's type is not fixed.
type text string

// UnmarshalJSONFrom reads any JSON value leniently.
func (t *text) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	*t = text(valueText(v))
	return nil
}

func valueText(v jsontext.Value) string {
	switch v.Kind() {
	case '"':
		if bytes.IndexByte(v, '\\') < 0 {
			return string(v[1 : len(v)-1])
		}
		if b, err := jsontext.AppendUnquote(nil, v); err == nil {
			return string(b)
		}
	case '0', 't', 'f':
		return string(v)
	case '[':
		var all []jsontext.Value
		if err := unmarshal(v, &all); err == nil && len(all) > 0 {
			return valueText(all[0])
		}
	}
	return ""
}

type dropped struct {
	field, reason string
}

// alert maps a Wazuh alert to a debrief alert; prefix is the alert's path
// in the record, for error messages.
func (d *alertDoc) alert(prefix string) (*debrief.Alert, []dropped, *fieldError) {
	id := d.ID
	if id != "" && d.Agent.ID != "" {
		id = string(d.Agent.ID) + ":" + id
	}
	if id == "" {
		id = d.DocID
	}
	if id == "" {
		return nil, nil, &fieldError{field: prefix + "id", reason: "want the alert id, got none"}
	}
	a := &debrief.Alert{
		ID:              debrief.QualifiedID(debrief.SourceWazuh, id),
		Source:          debrief.SourceWazuh,
		SourceID:        id,
		Product:         "Wazuh",
		DetectionSource: string(d.Decoder.Name),
		RuleID:          string(d.Rule.ID),
		RuleName:        d.Rule.Description,
		Title:           d.Rule.Description,
		Category:        strings.Join(d.Rule.Groups, ", "),
	}
	if a.Title == "" {
		a.Title = "Wazuh rule " + a.RuleID
	}
	if fe := d.times(a, prefix); fe != nil {
		return nil, nil, fe
	}
	if fe := d.severity(a, prefix); fe != nil {
		return nil, nil, fe
	}
	drops := d.attack(a, prefix)
	a.Entities = d.entities()
	return a, drops, nil
}

func (d *alertDoc) times(a *debrief.Alert, prefix string) *fieldError {
	field, s := "timestamp", d.Timestamp
	if s == "" {
		field, s = "@timestamp", d.AtTimestamp
	}
	if s == "" {
		return &fieldError{field: prefix + "timestamp", reason: "want the alert time, got none"}
	}
	t, err := wire.ParseTime(s)
	if err != nil {
		return &fieldError{field: prefix + field, reason: err.Error()}
	}
	a.Created = t
	return nil
}

// severity maps rule.level (0–15) as the package documentation says.
func (d *alertDoc) severity(a *debrief.Alert, prefix string) *fieldError {
	v := d.Rule.Level
	if len(v) == 0 || v.Kind() == 'n' {
		return nil
	}
	raw := string(bytes.Trim(v, `"`))
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 || n > 15 || v.Kind() != '0' && v.Kind() != '"' {
		return &fieldError{field: prefix + "rule.level", reason: fmt.Sprintf("want a level from 0 to 15, got %s", v)}
	}
	switch {
	case n <= 3:
		a.Severity = debrief.SeverityInformational
	case n <= 6:
		a.Severity = debrief.SeverityLow
	case n <= 11:
		a.Severity = debrief.SeverityMedium
	case n <= 14:
		a.Severity = debrief.SeverityHigh
	default:
		a.Severity = debrief.SeverityCritical
	}
	return nil
}

// attack fills techniques from rule.mitre.id (named by rule.mitre.technique
// when both lists have the same length) and tactics from rule.mitre.tactic.
func (d *alertDoc) attack(a *debrief.Alert, prefix string) []dropped {
	m := d.Rule.Mitre
	named := len(m.Technique) == len(m.ID)
	var drops []dropped
	for i, raw := range m.ID {
		id, err := debrief.ParseTechniqueID(raw)
		if err != nil {
			drops = append(drops, dropped{fmt.Sprintf("%srule.mitre.id[%d]", prefix, i), fmt.Sprintf("want T#### or T####.###, got %q", raw)})
			continue
		}
		t := debrief.Technique{ID: id}
		if named {
			t.Name = m.Technique[i]
		}
		if !hasTechnique(a.Techniques, id) {
			a.Techniques = append(a.Techniques, t)
		}
	}
	for _, t := range m.Tactic {
		if t != "" && !contains(a.Tactics, t) {
			a.Tactics = append(a.Tactics, t)
		}
	}
	return drops
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
