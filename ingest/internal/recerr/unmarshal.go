package recerr

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/debrief-dev/debrief/ingest/internal/wire"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Describe turns an unmarshal error into the dotted path of the field and
// what was expected there.
func Describe(err error) (field, reason string) {
	if field, reason, ok := wire.SyntaxError(err); ok {
		return field, reason
	}
	var se *json.SemanticError
	if !errors.As(err, &se) {
		return "", err.Error()
	}
	field = wire.Path(se.JSONPointer)
	var we WantError
	if errors.As(se.Err, &we) {
		return field, string(we)
	}
	if se.GoType == nil || se.JSONKind == 0 {
		return field, err.Error()
	}
	return field, "want " + goKind(se.GoType) + ", got " + wire.KindName(se.JSONKind)
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

// WantError is what the custom unmarshalers return: the reason as is.
type WantError string

func (e WantError) Error() string { return string(e) }

// ReadInteger reads a value the API writes as a JSON integer, as its
// decimal text. A string is accepted too (some tools re-export ids as
// text); null gives "". want names what was expected, e.g. "an integer".
func ReadInteger(dec *jsontext.Decoder, want string) (string, error) {
	k := dec.PeekKind()
	if k == '[' || k == '{' {
		if err := dec.SkipValue(); err != nil {
			return "", err
		}
		return "", WantError("want " + want + ", got " + wire.KindName(k))
	}
	tok, err := dec.ReadToken()
	if err != nil {
		return "", err
	}
	switch k {
	case 'n':
		return "", nil
	case '"':
		return strings.TrimSpace(tok.String()), nil
	case '0':
		s := tok.String()
		if strings.ContainsAny(s, ".eE-") {
			return "", WantError(fmt.Sprintf("want %s, got %s", want, Clip(s)))
		}
		return s, nil
	}
	return "", WantError("want " + want + ", got " + wire.KindName(k))
}

// WatchReader notes whether its input held anything but white space, to
// tell an empty file from an empty list.
type WatchReader struct {
	R    io.Reader
	Data bool // set once a byte other than white space was read
}

// Read reads from R, noting whether it gave data.
func (w *WatchReader) Read(b []byte) (int, error) {
	n, err := w.R.Read(b)
	if !w.Data && len(bytes.TrimSpace(b[:n])) > 0 {
		w.Data = true
	}
	return n, err
}
