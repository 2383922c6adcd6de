package server

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/sqlite"
)

// TestOpenAPIMatchesRoutes checks that the OpenAPI document describes
// exactly the API routes the server registers, with their path parameters
// and their security.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			OperationID string            `json:"operationId"`
			Security    *[]map[string]any `json:"security"`
			Parameters  []struct{ Name, In string }
			Responses   map[string]any
		}
	}
	if err := json.Unmarshal(openapiDoc, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q, want 3.1.0", doc.OpenAPI)
	}
	st, err := sqlite.Open(t.Context(), sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cat, err := attack.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Store: st, Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	for _, rt := range s.routes() {
		if !rt.api {
			continue
		}
		key := rt.method + " " + rt.path
		if !documented[key] {
			t.Errorf("route %s is not in openapi.json", key)
			continue
		}
		delete(documented, key)
		op := doc.Paths[rt.path][strings.ToLower(rt.method)]
		public := op.Security != nil && len(*op.Security) == 0
		if public != (rt.role == "") {
			t.Errorf("%s: documented public=%v, route role %q", key, public, rt.role)
		}
		if len(op.Responses) == 0 || op.OperationID == "" {
			t.Errorf("%s: no operationId or responses", key)
		}
		for _, seg := range strings.Split(rt.path, "/") {
			if name, ok := strings.CutPrefix(seg, "{"); ok {
				name = strings.TrimSuffix(name, "}")
				if !slices.ContainsFunc(op.Parameters, func(p struct{ Name, In string }) bool { return p.Name == name && p.In == "path" }) {
					t.Errorf("%s: path parameter %s not documented", key, name)
				}
			}
		}
	}
	if len(documented) > 0 {
		t.Errorf("documented but not served: %v", slices.Sorted(maps.Keys(documented)))
	}
}
