package graph

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/wire"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// unmarshalOptions: the splitter has checked UTF-8 and allows duplicate
// names; not checking either again is faster.
var unmarshalOptions = json.JoinOptions(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))

// problems collects what is wrong with one record: fatal is set when the
// record is rejected; kept lists the fields dropped from a kept record.
type problems struct {
	file        string
	line, index int
	prefix      string // path of the alert being mapped, e.g. "alerts[2]."
	fatal       *debrief.RecordError
	kept        []*debrief.RecordError
}

func (p *problems) errorAt(field, reason string, kept bool) *debrief.RecordError {
	return &debrief.RecordError{File: p.file, Line: p.line, Record: p.index, Field: p.prefix + field, Reason: reason, Kept: kept}
}

// reject records that the whole record is unusable.
func (p *problems) reject(field, reason string) *debrief.RecordError {
	p.fatal = p.errorAt(field, reason, false)
	return p.fatal
}

// add records that field was dropped from a kept record.
func (p *problems) add(field, reason string) {
	p.kept = append(p.kept, p.errorAt(field, reason, true))
}

// drop records that the alert being mapped is left out: of its incident
// when it is nested in one, else the whole record is rejected.
func (p *problems) drop(field, reason string) {
	if p.prefix == "" {
		p.reject(field, reason)
		return
	}
	p.add(field, reason+"; alert left out of the incident")
}

func (p *problems) time(field, s string) time.Time {
	t, err := wire.ParseTime(s)
	if err != nil {
		p.add(field, err.Error())
	}
	return t
}

func (p *problems) severity(field, s string) debrief.Severity {
	v, ok := debrief.ParseSeverity(s)
	if !ok {
		p.add(field, fmt.Sprintf("want unknown, informational, low, medium or high, got %q", clip(s)))
	}
	return v
}

func (p *problems) status(field, s string) debrief.Status {
	if strings.EqualFold(strings.TrimSpace(s), "awaitingAction") {
		return debrief.StatusActive // Defender Experts wait for the customer: still open
	}
	v, ok := debrief.ParseStatus(s)
	if !ok {
		p.add(field, fmt.Sprintf("want new, active, inProgress, resolved, redirected or awaitingAction, got %q", clip(s)))
	}
	return v
}

func (p *problems) verdict(field, s string) debrief.Verdict {
	v, ok := debrief.ParseVerdict(s)
	if !ok {
		p.add(field, fmt.Sprintf("want unknown, truePositive, falsePositive or informationalExpectedActivity, got %q", clip(s)))
	}
	return v
}

// techniques checks technique ids; malformed ones are dropped and
// reported, duplicates dropped silently.
func (p *problems) techniques(field string, ids []string) []debrief.Technique {
	var out []debrief.Technique
	for i, s := range ids {
		if strings.TrimSpace(s) == "" {
			continue
		}
		id, err := debrief.ParseTechniqueID(s)
		if err != nil {
			p.add(field+"["+strconv.Itoa(i)+"]", fmt.Sprintf("want T#### or T####.###, got %q", clip(s)))
			continue
		}
		if !hasTechnique(out, id) {
			out = append(out, debrief.Technique{ID: id})
		}
	}
	return out
}

func hasTechnique(ts []debrief.Technique, id debrief.TechniqueID) bool {
	for _, t := range ts {
		if t.ID == id {
			return true
		}
	}
	return false
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// describe turns an unmarshal error into the dotted path of the field and
// what was expected there.
func describe(err error) (field, reason string) {
	var se *json.SemanticError
	if !errors.As(err, &se) {
		return "", err.Error()
	}
	field = dotted(se.JSONPointer)
	var we wantError
	if errors.As(se.Err, &we) {
		return field, string(we)
	}
	if se.GoType == nil || se.JSONKind == 0 {
		return field, err.Error()
	}
	return field, "want " + goKind(se.GoType) + ", got " + kindName(se.JSONKind)
}

// dotted writes a JSON pointer as a dotted path: /alerts/2/title gives
// alerts[2].title.
func dotted(ptr jsontext.Pointer) string {
	var b strings.Builder
	for tok := range ptr.Tokens() {
		if _, err := strconv.Atoi(tok); err == nil && tok != "" {
			b.WriteString("[" + tok + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(tok)
	}
	return b.String()
}

func goKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint, reflect.Uint64, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "a boolean"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			return "an array of strings"
		}
		return "an array of objects"
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Pointer:
		return goKind(t.Elem())
	}
	return t.String()
}

func kindName(k jsontext.Kind) string {
	switch k {
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	case '[':
		return "an array"
	case '{':
		return "an object"
	}
	return "nothing"
}

// wantError is what the custom unmarshalers return: the reason as is.
type wantError string

func (e wantError) Error() string { return string(e) }

// number is a value Graph documents as Int64 (processId, appId, fileSize),
// kept as its decimal text. A string is accepted too; null leaves it empty.
type number string

// UnmarshalJSONFrom reads an integer or a string.
func (id *number) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	k := dec.PeekKind()
	if k == '[' || k == '{' {
		if err := dec.SkipValue(); err != nil {
			return err
		}
		return wantError("want an integer, got " + kindName(k))
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	switch k {
	case 'n':
		*id = ""
	case '"':
		*id = number(strings.TrimSpace(tok.String()))
	case '0':
		s := tok.String()
		if strings.ContainsAny(s, ".eE-") {
			return wantError(fmt.Sprintf("want an integer, got %s", clip(s)))
		}
		*id = number(s)
	default:
		return wantError("want an integer, got " + kindName(k))
	}
	return nil
}

// watchReader notes whether its input held anything but white space, to
// tell an empty file from an empty list.
type watchReader struct {
	r    io.Reader
	data bool
}

func (w *watchReader) Read(b []byte) (int, error) {
	n, err := w.r.Read(b)
	if !w.data && len(bytes.TrimSpace(b[:n])) > 0 {
		w.data = true
	}
	return n, err
}
