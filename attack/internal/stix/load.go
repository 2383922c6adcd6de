// Package stix reads ATT&CK STIX bundles (STIX 2.1 as published in
// attack-stix-data, STIX 2.0 as in mitre/cti; plain or gzip) into
// model.Data. It streams the objects array token by token and keeps only
// the members debrief uses.
package stix

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/debrief-dev/debrief/attack/internal/model"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// options make the decoder skip the checks debrief does not need: a
// bundle member named twice keeps its last value.
var options = json.JoinOptions(
	jsontext.AllowDuplicateNames(true),
	jsontext.AllowInvalidUTF8(true),
)

// Load reads one bundle. name, when not empty, starts every error and
// warning ("enterprise.json: not JSON: …").
func Load(r io.Reader, name string) (*model.Data, error) {
	in, err := open(r)
	if err != nil {
		return nil, prefix(name, err)
	}
	defer in.Close()
	l := newLoader(name)
	dec := jsontext.NewDecoder(in, options)
	if err := l.bundle(dec); err != nil {
		if rerr := in.err(); rerr != nil {
			err = rerr
		}
		return nil, prefix(name, err)
	}
	return l.finish(), nil
}

func prefix(name string, err error) error {
	if name == "" {
		return err
	}
	return fmt.Errorf("%s: %w", name, err)
}

// bundle reads {"type":"bundle","id":…,"objects":[…]} with its members
// in any order.
func (l *loader) bundle(dec *jsontext.Decoder) error {
	tok, err := dec.ReadToken()
	if err == io.EOF {
		return errors.New("empty input, want a STIX bundle")
	}
	if err != nil {
		return syntaxError(err, "not JSON")
	}
	if tok.Kind() != '{' {
		return fmt.Errorf("not a STIX bundle: top level is %s, want an object with \"type\": \"bundle\"", kindName(tok.Kind()))
	}
	var typ string
	seen := false
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return syntaxError(err, "invalid JSON")
		}
		switch tok.String() {
		case "type":
			typ, err = readString(dec, "type")
		case "spec_version":
			l.bundleSpec, err = readString(dec, "spec_version")
		case "objects":
			seen = true
			err = l.objects(dec)
		default:
			err = dec.SkipValue()
		}
		if err != nil {
			return syntaxError(err, "invalid JSON")
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return syntaxError(err, "invalid JSON")
	}
	// Reading on to the end checks for trailing data and makes a gzip
	// reader verify its checksum.
	if _, err := dec.ReadToken(); err != io.EOF {
		return syntaxError(err, "invalid JSON after the bundle")
	}
	switch {
	case typ != "bundle":
		return fmt.Errorf("not a STIX bundle: \"type\" is %q, want \"bundle\"", typ)
	case !seen:
		return errors.New(`not a STIX bundle: no "objects" array`)
	}
	return nil
}

func readString(dec *jsontext.Decoder, member string) (string, error) {
	if k := dec.PeekKind(); k != '"' {
		if k == 0 {
			_, err := dec.ReadToken()
			return "", err
		}
		return "", fmt.Errorf("bundle %q: want string, got %s", member, kindName(k))
	}
	tok, err := dec.ReadToken()
	return tok.String(), err
}

func (l *loader) objects(dec *jsontext.Decoder) error {
	if k := dec.PeekKind(); k != '[' {
		if k == 0 {
			_, err := dec.ReadToken()
			return err
		}
		return fmt.Errorf(`not a STIX bundle: "objects": want array, got %s`, kindName(k))
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	for i := 0; dec.PeekKind() != ']'; i++ {
		if k := dec.PeekKind(); k != '{' {
			if k == 0 {
				_, err := dec.ReadToken()
				return err
			}
			return fmt.Errorf("objects[%d]: want object, got %s", i, kindName(k))
		}
		var w wireObject
		w.Description.owner = &w
		if err := json.UnmarshalDecode(dec, &w, options); err != nil {
			var serr *json.SemanticError
			if errors.As(err, &serr) {
				return fmt.Errorf("objects[%d]%s: %s", i, describe(&w), fieldError(serr))
			}
			return err
		}
		if err := l.object(i, &w); err != nil {
			return err
		}
	}
	_, err := dec.ReadToken()
	return err
}

// describe names an object in errors as far as it is known: " (type id)".
func describe(w *wireObject) string {
	s := strings.TrimSpace(w.Type + " " + w.ID)
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// fieldError words a member of the wrong type as "name: want string, got
// number".
func fieldError(e *json.SemanticError) string {
	field := string(e.JSONPointer)
	for range 3 { // drop "/objects/<i>/"
		if j := strings.IndexByte(field, '/'); j >= 0 {
			field = field[j+1:]
		}
	}
	want := "another type"
	if e.GoType != nil {
		switch e.GoType.Kind() {
		case reflect.String:
			want = "string"
		case reflect.Bool:
			want = "boolean"
		case reflect.Slice:
			want = "array"
		case reflect.Struct:
			want = "object"
		}
	}
	if e.JSONKind == 0 {
		return fmt.Sprintf("%s: %v", field, e.Err)
	}
	return fmt.Sprintf("%s: want %s, got %s", field, want, kindName(e.JSONKind))
}

// syntaxError words a decoder error: truncated input, or invalid JSON.
func syntaxError(err error, what string) error {
	var serr *jsontext.SyntacticError
	if !errors.As(err, &serr) {
		return err
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("truncated JSON: %w", err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func kindName(k jsontext.Kind) string {
	switch k {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case '0':
		return "number"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "nothing"
}
