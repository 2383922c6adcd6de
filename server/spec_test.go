package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// spec is the served openapi.json, to check real answers against the
// schemas it promises.
type spec struct {
	doc  map[string]any
	errs []string
}

func decodeNumbers(t testing.TB, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("%v: %.300s", err, b)
	}
	return v
}

func loadSpec(t testing.TB, e *env) *spec {
	t.Helper()
	resp, b := e.do(t, "GET", "/api/v1/openapi.json", "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("openapi.json: %d", resp.StatusCode)
	}
	return &spec{doc: decodeNumbers(t, b).(map[string]any)}
}

// at follows a path of keys through the document; nil when one is absent.
func (s *spec) at(keys ...string) map[string]any {
	o := s.doc
	for _, k := range keys {
		o, _ = o[k].(map[string]any)
		if o == nil {
			return nil
		}
	}
	return o
}

// content is the media types the spec lists for method path's answer
// with status st.
func (s *spec) content(t testing.TB, method, path string, st int) map[string]any {
	t.Helper()
	r := s.at("paths", path, strings.ToLower(method), "responses", fmt.Sprint(st))
	if ref, ok := r["$ref"].(string); ok {
		r = s.at(strings.Split(strings.TrimPrefix(ref, "#/"), "/")...)
	}
	c, _ := r["content"].(map[string]any)
	if c == nil {
		t.Fatalf("openapi.json lists no content for %s %s %d", method, path, st)
	}
	return c
}

// check validates the JSON answer b of method path with status st against
// its schema in the spec, and reports every difference.
func (s *spec) check(t testing.TB, method, path string, st int, b []byte) {
	t.Helper()
	m, _ := s.content(t, method, path, st)["application/json"].(map[string]any)
	schema, _ := m["schema"].(map[string]any)
	if schema == nil {
		t.Fatalf("openapi.json has no JSON schema for %s %s %d", method, path, st)
	}
	s.errs = nil
	s.validate(schema, decodeNumbers(t, b), "$")
	if len(s.errs) > 0 {
		t.Errorf("%s %s: %d differences from openapi.json:\n%s", method, path, len(s.errs), strings.Join(s.errs[:min(20, len(s.errs))], "\n"))
	}
}

func (s *spec) fail(path, format string, args ...any) {
	s.errs = append(s.errs, path+": "+fmt.Sprintf(format, args...))
}

// validate checks x against the subset of JSON Schema that openapi.json
// uses; a keyword outside it is an error, so the spec cannot outgrow the
// check.
func (s *spec) validate(schema map[string]any, x any, path string) {
	o, isObject := x.(map[string]any)
	props, _ := schema["properties"].(map[string]any)
	for k, want := range schema {
		switch k {
		case "description", "title":
		case "$ref":
			s.validate(s.at(strings.Split(strings.TrimPrefix(want.(string), "#/"), "/")...), x, path)
		case "type":
			s.checkType(want, x, path)
		case "properties":
			for name, sub := range props {
				if v, ok := o[name]; ok {
					s.validate(sub.(map[string]any), v, path+"."+name)
				}
			}
		case "required":
			for _, name := range want.([]any) {
				if _, ok := o[name.(string)]; isObject && !ok {
					s.fail(path, "required %q is missing", name)
				}
			}
		case "additionalProperties":
			for name, v := range o {
				if _, ok := props[name]; !ok {
					s.validate(want.(map[string]any), v, path+"."+name)
				}
			}
		case "items":
			a, _ := x.([]any)
			for i, v := range a {
				s.validate(want.(map[string]any), v, fmt.Sprintf("%s[%d]", path, i))
			}
		case "enum":
			if !slices.Contains(want.([]any), x) {
				s.fail(path, "%v is not one of %v", x, want)
			}
		case "format":
			if str, ok := x.(string); ok && want == "date-time" {
				if _, err := time.Parse(time.RFC3339, str); err != nil {
					s.fail(path, "%q is not a date-time", str)
				}
			}
		default:
			s.fail(path, "schema keyword %q is not supported by the test's check", k)
		}
	}
}

func (s *spec) checkType(want, x any, path string) {
	var got string
	switch x := x.(type) {
	case nil:
		got = "null"
	case string:
		got = "string"
	case bool:
		got = "boolean"
	case json.Number:
		got = "number"
		if _, err := x.Int64(); err == nil {
			got = "integer"
		}
	case []any:
		got = "array"
	case map[string]any:
		got = "object"
	}
	types, ok := want.([]any)
	if !ok {
		types = []any{want}
	}
	if !slices.Contains(types, any(got)) && !(got == "integer" && slices.Contains(types, any("number"))) {
		s.fail(path, "want %v, got %s %v", want, got, x)
	}
}

// lists reports whether the spec lists Content-Type ct for method path's
// answer with status st: the media type with the same parameters, less
// a charset.
func (s *spec) lists(t testing.TB, method, path string, st int, ct string) bool {
	t.Helper()
	typ, params, err := mime.ParseMediaType(ct)
	if err != nil {
		t.Fatalf("Content-Type %q: %v", ct, err)
	}
	delete(params, "charset")
	for key := range s.content(t, method, path, st) {
		kt, kp, err := mime.ParseMediaType(key)
		if err != nil {
			t.Fatalf("openapi.json media type %q: %v", key, err)
		}
		delete(kp, "charset")
		if kt == typ && maps.Equal(kp, params) {
			return true
		}
	}
	return false
}
