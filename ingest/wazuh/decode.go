package wazuh

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/wire"
)

// Decoder reads Wazuh alerts.
type Decoder struct{}

// New returns a Wazuh decoder.
func New() *Decoder { return &Decoder{} }

// Name is the --format name, "wazuh".
func (*Decoder) Name() string { return "wazuh" }

// Sniff reports whether head looks like Wazuh alerts: a rule with a level,
// and an agent or a manager, in a document that is not an Elastic Security
// alert or an OCSF event (Elastic alerts copy ECS agent and log.level
// fields from their source events).
func (*Decoder) Sniff(head []byte) bool {
	if !bytes.Contains(head, []byte(`"rule"`)) || !bytes.Contains(head, []byte(`"level"`)) {
		return false
	}
	if !bytes.Contains(head, []byte(`"agent"`)) && !bytes.Contains(head, []byte(`"manager"`)) {
		return false
	}
	for _, other := range []string{`kibana`, `"signal"`, `"class_uid"`} {
		if bytes.Contains(head, []byte(other)) {
			return false
		}
	}
	return true
}

// Decode streams the alerts of r.
func (*Decoder) Decode(ctx context.Context, r io.Reader, file string) iter.Seq2[debrief.Record, error] {
	return func(yield func(debrief.Record, error) bool) {
		wire.Each(ctx, r, file, yield, func(it wire.Item) bool {
			return emit(it, file, yield)
		}, "hits.hits")
	}
}

// emit decodes one record and yields its alert, or its error, and then
// the errors of the fields it dropped.
func emit(it wire.Item, file string, yield func(debrief.Record, error) bool) bool {
	loc := func(field, reason string, kept bool) *debrief.RecordError {
		return &debrief.RecordError{File: file, Line: it.Line, Record: it.Index, Field: field, Reason: reason, Kept: kept}
	}
	doc, prefix, fe := read(it.Raw)
	if fe != nil {
		return yield(debrief.Record{}, loc(fe.field, fe.reason, false))
	}
	a, drops, fe := doc.alert(prefix)
	if fe != nil {
		return yield(debrief.Record{}, loc(fe.field, fe.reason, false))
	}
	a.Raw = bytes.Clone(it.Raw)
	if !yield(debrief.Record{Alert: a, Line: it.Line, Index: it.Index}, nil) {
		return false
	}
	for _, d := range drops {
		if !yield(debrief.Record{}, loc(d.field, d.reason, true)) {
			return false
		}
	}
	return true
}

// read unmarshals a bare alert, or the alert in a document's _source; the
// prefix is the path of the alert in the record ("" or "_source.").
func read(raw []byte) (*alertDoc, string, *fieldError) {
	var doc alertDoc
	if bytes.Contains(raw, []byte(`"_source"`)) {
		var w wrapper
		if err := unmarshal(raw, &w); err != nil {
			return nil, "", typeError("", err)
		}
		if w.Source != nil {
			if err := unmarshal(w.Source, &doc); err != nil {
				return nil, "", typeError("_source.", err)
			}
			if doc.DocID == "" {
				doc.DocID = w.DocID
			}
			return &doc, "_source.", nil
		}
	}
	if err := unmarshal(raw, &doc); err != nil {
		return nil, "", typeError("", err)
	}
	return &doc, "", nil
}

// typeError names the field an unmarshal error is about.
func typeError(prefix string, err error) *fieldError {
	f := fieldOf(err)
	if f == "" {
		f = strings.TrimSuffix(prefix, ".")
	} else {
		f = prefix + f
	}
	return &fieldError{field: f, reason: reasonOf(err)}
}

func unmarshal(in []byte, out any) error {
	return json.Unmarshal(in, out, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
}

// fieldError names the field of an alert that could not be used.
type fieldError struct {
	field, reason string
}

// pointer returns the JSON pointer of a semantic error, or "".
func pointer(err error) jsontext.Pointer {
	var se *json.SemanticError
	if errors.As(err, &se) {
		return se.JSONPointer
	}
	return ""
}

// fieldOf renders the JSON pointer of an unmarshal error as a field path:
// "/rule/mitre/id/1" gives "rule.mitre.id[1]".
func fieldOf(err error) string {
	return wire.Path(pointer(err))
}

// reasonOf says what an unmarshal error expected and found.
func reasonOf(err error) string {
	var se *json.SemanticError
	if !errors.As(err, &se) {
		return err.Error()
	}
	if se.GoType == nil {
		if se.Err != nil {
			return se.Err.Error()
		}
		return err.Error()
	}
	want := se.GoType.Kind().String()
	switch want {
	case "string":
		want = "a string"
	case "slice":
		want = "an array"
	case "struct", "map":
		want = "an object"
	}
	return fmt.Sprintf("want %s, got %s", want, wire.KindName(se.JSONKind))
}
