package ocsf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/wire"
)

// Decoder reads OCSF Detection Findings and Security Findings.
type Decoder struct{}

// New returns an OCSF decoder.
func New() *Decoder { return &Decoder{} }

// Name is the --format name, "ocsf".
func (*Decoder) Name() string { return "ocsf" }

// Sniff reports whether head holds an OCSF Detection Finding (class_uid
// 2004 with finding_info) or Security Finding (2001 with finding), or one
// with the other's member, which Decode then reports.
func (*Decoder) Sniff(head []byte) bool {
	if !bytes.Contains(head, []byte(`"class_uid"`)) {
		return false
	}
	return (bytes.Contains(head, []byte("2004")) || bytes.Contains(head, []byte("2001"))) &&
		(bytes.Contains(head, []byte(`"finding_info"`)) || bytes.Contains(head, []byte(`"finding"`)))
}

// Decode streams the findings of r, one alert each.
func (*Decoder) Decode(ctx context.Context, r io.Reader, file string) iter.Seq2[debrief.Record, error] {
	return func(yield func(debrief.Record, error) bool) {
		wire.Each(ctx, r, file, yield, func(it wire.Item) bool {
			return emit(it, file, yield)
		}, "events", "findings", "hits.hits")
	}
}

// emit decodes one finding and yields its alert, or its error, and then
// the errors of the fields it dropped.
func emit(it wire.Item, file string, yield func(debrief.Record, error) bool) bool {
	loc := func(field, reason string, kept bool) *debrief.RecordError {
		return &debrief.RecordError{File: file, Line: it.Line, Record: it.Index, Field: field, Reason: reason, Kept: kept}
	}
	var f finding
	if err := json.Unmarshal(it.Raw, &f, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)); err != nil {
		return yield(debrief.Record{}, loc(fieldOf(err), reasonOf(err), false))
	}
	a, drops, fe := f.alert()
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

// fieldError names the field of a finding that could not be used.
type fieldError struct {
	field, reason string
}

// dropped is a field left out of a kept alert.
type dropped struct {
	field, reason string
}

// fieldOf renders the JSON pointer of an unmarshal error as a field path:
// "/finding_info/attacks/0/technique/uid" gives
// "finding_info.attacks[0].technique.uid".
func fieldOf(err error) string {
	var se *json.SemanticError
	if !errors.As(err, &se) {
		return ""
	}
	return wire.Path(se.JSONPointer)
}

// reasonOf says what an unmarshal error expected and found.
func reasonOf(err error) string {
	var se *json.SemanticError
	if !errors.As(err, &se) || se.GoType == nil {
		return err.Error()
	}
	var want string
	switch se.GoType.Kind().String() {
	case "string":
		want = "a string"
	case "slice":
		want = "an array"
	case "struct", "map", "ptr":
		want = "an object"
	case "int", "int64", "float64":
		want = "a number"
	default:
		want = se.GoType.String()
	}
	got := wire.KindName(se.JSONKind)
	if se.JSONKind == '0' && len(se.JSONValue) > 0 {
		got = "the number " + string(se.JSONValue)
	}
	return fmt.Sprintf("want %s, got %s", want, got)
}
