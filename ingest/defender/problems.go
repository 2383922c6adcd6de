package defender

import (
	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/recerr"
	"github.com/go-json-experiment/json/jsontext"
)

// unmarshalOptions: the splitter already allows duplicate names, and not
// tracking names is faster.
var unmarshalOptions = jsontext.AllowDuplicateNames(true)

// problems collects what is wrong with one record; see recerr.Collector.
type problems struct {
	recerr.Collector
}

// drop records that the alert being mapped is left out of its incident.
func (p *problems) drop(field, reason string) {
	p.Add(field, reason+"; alert left out of the incident")
}

func (p *problems) severity(field, s string) debrief.Severity {
	return p.Severity(field, s, "UnSpecified, Informational, Low, Medium or High")
}

func (p *problems) status(field, s string) debrief.Status {
	return p.Status(field, s, "New, Active, InProgress, Resolved or Redirected")
}

func (p *problems) verdict(field, s string) debrief.Verdict {
	return p.Verdict(field, s, "Unknown, TruePositive, FalsePositive or InformationalExpectedActivity")
}

// intID is an id the API writes as a JSON integer. A string is accepted
// too (some tools re-export ids as text); null leaves it empty.
type intID string

// UnmarshalJSONFrom reads an integer or a string.
func (id *intID) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	s, err := recerr.ReadInteger(dec, "an integer id")
	if err != nil {
		return err
	}
	*id = intID(s)
	return nil
}
