package review_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/review"
	"github.com/debrief-dev/debrief/review/reviewtest"
)

// validator checks a document against the subset of JSON Schema 2020-12
// that review.schema.json uses; a keyword outside it is an error, so the
// schema cannot grow past what the test checks.
type validator struct {
	root map[string]any
	errs []string
}

func decode(t testing.TB, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func (v *validator) fail(path, format string, args ...any) {
	v.errs = append(v.errs, path+": "+fmt.Sprintf(format, args...))
}

func (v *validator) check(s map[string]any, x any, path string) {
	for k, want := range s {
		switch k {
		case "$schema", "$id", "$defs", "title", "description":
		case "$ref":
			name := strings.TrimPrefix(want.(string), "#/$defs/")
			v.check(v.root["$defs"].(map[string]any)[name].(map[string]any), x, path)
		case "type":
			v.checkType(want.(string), x, path)
		case "properties", "required", "additionalProperties":
			v.checkObject(s, k, x, path)
		case "items", "minItems", "maxItems":
			v.checkArray(k, want, x, path)
		case "enum":
			if !slices.Contains(want.([]any), x) {
				v.fail(path, "%v is not one of %v", x, want)
			}
		case "pattern", "minLength", "format":
			v.checkString(k, want, x, path)
		case "minimum":
			n, ok := x.(json.Number)
			got, _ := n.Float64()
			if floor, _ := want.(json.Number).Float64(); ok && got < floor {
				v.fail(path, "%s is below %v", n, want)
			}
		default:
			v.fail(path, "schema keyword %q is not supported by the test validator", k)
		}
	}
}

func (v *validator) checkType(want string, x any, path string) {
	ok := false
	switch x := x.(type) {
	case string:
		ok = want == "string"
	case bool:
		ok = want == "boolean"
	case json.Number:
		_, err := x.Int64()
		ok = want == "number" || want == "integer" && err == nil
	case []any:
		ok = want == "array"
	case map[string]any:
		ok = want == "object"
	}
	if !ok {
		v.fail(path, "want %s, got %T %v", want, x, x)
	}
}

func (v *validator) checkObject(s map[string]any, k string, x any, path string) {
	o, ok := x.(map[string]any)
	if !ok {
		return
	}
	props, _ := s["properties"].(map[string]any)
	switch k {
	case "properties":
		for name, sub := range props {
			if val, ok := o[name]; ok {
				v.check(sub.(map[string]any), val, path+"."+name)
			}
		}
	case "required":
		for _, name := range s["required"].([]any) {
			if _, ok := o[name.(string)]; !ok {
				v.fail(path, "required %q is missing", name)
			}
		}
	case "additionalProperties":
		for name := range o {
			if _, ok := props[name]; !ok {
				v.fail(path, "%q is not in the schema", name)
			}
		}
	}
}

func (v *validator) checkArray(k string, want, x any, path string) {
	a, ok := x.([]any)
	if !ok {
		return
	}
	switch k {
	case "items":
		for i, item := range a {
			v.check(want.(map[string]any), item, fmt.Sprintf("%s[%d]", path, i))
		}
	case "minItems":
		if n, _ := want.(json.Number).Int64(); int64(len(a)) < n {
			v.fail(path, "%d items, want at least %d", len(a), n)
		}
	case "maxItems":
		if n, _ := want.(json.Number).Int64(); int64(len(a)) > n {
			v.fail(path, "%d items, want at most %d", len(a), n)
		}
	}
}

func (v *validator) checkString(k string, want, x any, path string) {
	s, ok := x.(string)
	if !ok {
		return
	}
	switch k {
	case "pattern":
		if !regexp.MustCompile(want.(string)).MatchString(s) {
			v.fail(path, "%q does not match %s", s, want)
		}
	case "minLength":
		if n, _ := want.(json.Number).Int64(); int64(len(s)) < n {
			v.fail(path, "%q is shorter than %d", s, n)
		}
	case "format":
		if _, err := time.Parse(time.RFC3339, s); want == "date-time" && err != nil {
			v.fail(path, "%q is not a date-time", s)
		}
	}
}

func validate(t *testing.T, doc []byte) []string {
	t.Helper()
	root := decode(t, review.Schema()).(map[string]any)
	v := &validator{root: root}
	v.check(root, decode(t, doc), "$")
	return v.errs
}

func fullReview(t *testing.T) *review.Review {
	t.Helper()
	opts := options(t)
	opts.Sections = []review.Section{{
		ID: "coverage", Title: "Detection coverage", Summary: "How well the rules see this adversary.",
		Facts:  []review.Fact{{Label: "Rules", Value: "12"}},
		Tables: []review.Table{{Title: "Gaps", Columns: []string{"Technique", "Rules"}, Rows: [][]string{{"T1003.001", "0"}}}},
		Scores: &review.Scores{Label: "rules", Min: 0, Max: 5, Items: []review.TechniqueScore{{Technique: "T1003.001", Tactic: "credential-access", Score: 0}}},
	}, {ID: "empty", Title: "Empty", Tables: []review.Table{{}}, Scores: &review.Scores{Max: 1}}}
	other := reviewtest.Hostile()
	other.ID, other.SourceID = "defender:666", "666"
	r, err := review.Build([]*debrief.Incident{reviewtest.Incident(), other}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSchemaDescribesReviews(t *testing.T) {
	for name, r := range map[string]*review.Review{
		"incident": build(t, reviewtest.Incident()), "campaign with sections": fullReview(t),
		"bare": build(t, &debrief.Incident{ID: "x:1", Source: "x", SourceID: "1"}),
	} {
		t.Run(name, func(t *testing.T) {
			doc, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if errs := validate(t, doc); len(errs) > 0 {
				t.Errorf("%d schema errors:\n%s", len(errs), strings.Join(errs[:min(20, len(errs))], "\n"))
			}
		})
	}
}

func TestSchemaValidatorFails(t *testing.T) {
	doc, _ := json.Marshal(build(t, reviewtest.Incident()))
	tests := []struct{ name, from, to, want string }{
		{"unknown field", `"schema_version"`, `"surprise":1,"schema_version"`, `"surprise" is not in the schema`},
		{"wrong type", `"alerts":6`, `"alerts":"6"`, "want integer"},
		{"below minimum", `"alerts":6`, `"alerts":-6`, "is below 0"},
		{"bad enum", `"status":"seen"`, `"status":"sighted"`, "is not one of"},
		{"bad pattern", `"csf":"DE.CM-09"`, `"csf":"DE-CM-9"`, "does not match"},
		{"missing required", `"schema_version":"` + review.SchemaVersion + `",`, ``, `required "schema_version" is missing`},
		{"bad time", `"generated":"2024-03-06T09:00:00Z"`, `"generated":"yesterday"`, "not a date-time"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bad := strings.Replace(string(doc), tc.from, tc.to, 1)
			if bad == string(doc) {
				t.Fatalf("%q not in the document", tc.from)
			}
			errs := strings.Join(validate(t, []byte(bad)), "\n")
			if !strings.Contains(errs, tc.want) {
				t.Errorf("errors %q do not say %q", errs, tc.want)
			}
		})
	}
}

func TestSchemaVersionInSchema(t *testing.T) {
	doc, _ := json.Marshal(build(t, reviewtest.Incident()))
	if !bytes.Contains(doc, []byte(`"schema_version":"`+review.SchemaVersion+`"`)) {
		t.Errorf("review JSON lacks schema_version %s", review.SchemaVersion)
	}
	if !bytes.Contains(review.Schema(), []byte(`"https://json-schema.org/draft/2020-12/schema"`)) {
		t.Error("schema does not declare draft 2020-12")
	}
}
