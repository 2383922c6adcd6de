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
	out  *chunks       // where the alerts and entities mapped go
	memo *entityMemo   // entities of recent evidence, shared; nil: none
}

// chunks hands out the alerts, entity and technique arrays that mapping
// makes, cut from larger arrays that are never reused (as the scanner's
// strings are cut from its chunks): one allocation for many records
// rather than one or more for each. A decoded alert keeps its chunks
// alive, as its strings keep theirs; a record holds a few percent of one.
type chunks struct {
	alerts     []debrief.Alert
	entities   []debrief.Entity
	techniques []debrief.Technique
}

// alert returns a zero alert to map into; giveBack hands it back unused.
// Without chunks (tests that map by hand) it is allocated on its own.
func (p *problems) alert() *debrief.Alert {
	if p.out == nil {
		return new(debrief.Alert)
	}
	return &cut(&p.out.alerts, 1, 32)[:1][0]
}

// giveBack returns the alert that alert just handed out, unused: a rejected
// one. (Nothing else points into it yet.)
func (p *problems) giveBack(a *debrief.Alert) {
	if p.out == nil {
		return
	}
	if n := len(p.out.alerts); n > 0 && &p.out.alerts[n-1] == a {
		p.out.alerts[n-1] = debrief.Alert{}
		p.out.alerts = p.out.alerts[:n-1]
	}
}

// entities returns an empty slice with room for n entities.
func (p *problems) entities(n int) []debrief.Entity {
	if p.out == nil {
		return make([]debrief.Entity, 0, n)
	}
	return cut(&p.out.entities, n, 256)
}

// techniques returns an empty slice with room for n techniques, or nil
// without chunks or for none.
func (p *problems) techniques(n int) []debrief.Technique {
	if p.out == nil || n == 0 {
		return nil
	}
	return cut(&p.out.techniques, n, 256)
}

// cut returns an empty slice with room for n values, from the free end
// of *pool, or from a new pool array of at least size values when *pool
// has no room. Its capacity is n: appending beyond it reallocates rather
// than write into the next slice cut. Values are cut once and the pool
// array is never written to again.
func cut[T any](pool *[]T, n, size int) []T {
	a := *pool
	if cap(a)-len(a) < n {
		a = make([]T, 0, max(size, n))
	}
	start := len(a)
	*pool = a[:start+n]
	return a[start : start : start+n]
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
	return p.concat(string(debrief.SourceDefender)+":", id)
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
	if v, ok := debrief.ParseStatus(s); ok {
		return v
	}
	if strings.EqualFold(wire.TrimSpace(s), "awaitingAction") {
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
