package graph

import (
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/recerr"
	"github.com/debrief-dev/debrief/ingest/internal/wire"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// unmarshalOptions: the splitter has checked UTF-8 and allows duplicate
// names; not checking either again is faster.
var unmarshalOptions = json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// problems collects what is wrong with one record (see recerr.Collector),
// and makes the strings its mapping joins.
type problems struct {
	recerr.Collector
	text *wire.Scanner // joins strings into the chunks of the record's own (Concat)
}

// concat joins ss; see wire.Scanner.Concat. Without a scanner (tests
// that map by hand) it joins them plainly.
func (p *problems) concat(ss ...string) string {
	if p.text == nil {
		return strings.Join(ss, "")
	}
	return p.text.Concat(ss...)
}

// textOf returns b as a string; see wire.Scanner.Text.
func (p *problems) textOf(b []byte) string {
	if p.text == nil {
		return string(b)
	}
	return p.text.Text(b)
}

// qualified is debrief.QualifiedID(debrief.SourceDefender, id), made by
// concat.
func (p *problems) qualified(id string) string {
	return p.concat(string(debrief.SourceDefender), ":", id)
}

// drop records that the alert being mapped is left out: of its incident
// when it is nested in one, else the whole record is rejected.
func (p *problems) drop(field, reason string) {
	if p.Prefix == "" {
		p.Reject(field, reason)
		return
	}
	p.Add(field, reason+"; alert left out of the incident")
}

func (p *problems) severity(field, s string) debrief.Severity {
	return p.Severity(field, s, "unknown, informational, low, medium or high")
}

func (p *problems) status(field, s string) debrief.Status {
	if strings.EqualFold(strings.TrimSpace(s), "awaitingAction") {
		return debrief.StatusActive // Defender Experts wait for the customer: still open
	}
	return p.Status(field, s, "new, active, inProgress, resolved, redirected or awaitingAction")
}

func (p *problems) verdict(field, s string) debrief.Verdict {
	return p.Verdict(field, s, "unknown, truePositive, falsePositive or informationalExpectedActivity")
}

// number is a value Graph documents as Int64 (processId, appId, fileSize),
// kept as its decimal text. A string is accepted too; null leaves it empty.
type number string

// UnmarshalJSONFrom reads an integer or a string.
func (id *number) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	s, err := recerr.ReadInteger(dec, "an integer")
	if err != nil {
		return err
	}
	*id = number(s)
	return nil
}
