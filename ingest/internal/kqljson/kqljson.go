package kqljson

import (
	"bytes"
	"errors"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Embedded is a JSON value that the vendor writes either as is or as JSON
// text inside a string ("AttackTechniques":"[\"…\"]"). It holds the JSON;
// null and the empty string give nil.
type Embedded []byte

// UnmarshalJSONFrom implements json.UnmarshalerFrom.
func (e *Embedded) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	switch v.Kind() {
	case 'n':
		*e = nil
	case '"':
		s, err := jsontext.AppendUnquote(nil, v)
		if err != nil {
			return err
		}
		if s = bytes.TrimSpace(s); len(s) == 0 {
			s = nil
		}
		*e = s
	default:
		*e = bytes.Clone(v)
	}
	return nil
}

// Text is a scalar the vendor writes as a string or a number (FileSize,
// ApplicationId, ProcessId); it keeps the text. Objects and arrays are an
// error.
type Text string

// UnmarshalJSONFrom implements json.UnmarshalerFrom.
func (t *Text) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	switch k := dec.PeekKind(); k {
	case '{', '[':
		if err := dec.SkipValue(); err != nil {
			return err
		}
		return gotKind(k)
	}
	s, err := scalar(dec)
	*t = Text(s)
	return err
}

// Loose is a scalar read from free-form bags (AdditionalFields, entities):
// strings and numbers keep their text, anything else is ignored without
// error.
type Loose string

// UnmarshalJSONFrom implements json.UnmarshalerFrom.
func (l *Loose) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	switch dec.PeekKind() {
	case '{', '[':
		*l = ""
		return dec.SkipValue()
	}
	s, err := scalar(dec)
	*l = Loose(s)
	return err
}

// scalar reads a string, number or boolean as text; null gives "".
func scalar(dec *jsontext.Decoder) (string, error) {
	tok, err := dec.ReadToken()
	if err != nil {
		return "", err
	}
	switch tok.Kind() {
	case 'n':
		return "", nil
	case '"':
		return strings.TrimSpace(tok.String()), nil
	}
	return tok.String(), nil
}

// gotKind is the error of a custom unmarshaler given the wrong kind of
// JSON value.
type gotKind jsontext.Kind

func (k gotKind) Error() string { return "got " + kindName(jsontext.Kind(k)) }

// FieldError turns a decoding error into the dotted path of the offending
// field (below prefix) and a reason saying what was expected.
func FieldError(prefix string, err error) (field, reason string) {
	var se *json.SemanticError
	if errors.As(err, &se) {
		field = join(prefix, dotted(se.JSONPointer))
		kind := se.JSONKind
		var got gotKind
		if errors.As(se.Err, &got) {
			kind = jsontext.Kind(got)
		}
		reason = "want " + describe(se.GoType) + ", got " + kindName(kind)
		if se.Err != nil && got == 0 {
			reason += " (" + se.Err.Error() + ")"
		}
		return field, reason
	}
	var syn *jsontext.SyntacticError
	if errors.As(err, &syn) {
		return join(prefix, dotted(syn.JSONPointer)), "not valid JSON: " + syn.Err.Error()
	}
	return prefix, err.Error()
}

func join(prefix, path string) string {
	prefix = strings.TrimSuffix(prefix, ".")
	if prefix == "" {
		return strings.TrimPrefix(path, ".")
	}
	return prefix + path
}

// dotted renders a JSON pointer as a dotted path: "/a/0/b" gives ".a[0].b".
func dotted(p jsontext.Pointer) string {
	var b strings.Builder
	for tok := range p.Tokens() {
		if _, err := strconv.Atoi(tok); err == nil {
			b.WriteString("[" + tok + "]")
			continue
		}
		b.WriteString("." + tok)
	}
	return b.String()
}

var (
	typeText     = reflect.TypeFor[Text]()
	typeEmbedded = reflect.TypeFor[Embedded]()
)

func describe(t reflect.Type) string {
	if t == nil {
		return "another kind of value"
	}
	switch t {
	case typeText:
		return "a string or number"
	case typeEmbedded:
		return "JSON or JSON text"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Slice:
		if t.Elem().Kind() == reflect.String {
			return "an array of strings"
		}
		return "an array"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "an object"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "a number"
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
	return "something else"
}
