package elastic

import (
	"maps"
	"path"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/decodertest"
)

// TestBaseName checks baseName against path.Base of the path with its
// backslashes turned to slashes, which it stands for.
func TestBaseName(t *testing.T) {
	for _, p := range []string{`C:\Windows\System32\cmd.exe`, "/usr/bin/sh", "sh", `C:\Tools\`, "/usr/bin/", "/", `\`, `a/b\c`, "//x//", "x/"} {
		if got, want := baseName(p), path.Base(strings.ReplaceAll(p, `\`, "/")); got != want {
			t.Errorf("baseName(%q) = %q, want %q", p, got, want)
		}
	}
}

// TestLowerJoin checks lowerJoin against strings.ToLower.
func TestLowerJoin(t *testing.T) {
	for _, c := range [][2]string{{"CORP", "Bob"}, {"corp", "bob"}, {"ÉCOLE", "Zoë"}, {"", "X"}} {
		if got, want := lowerJoin(c[0], c[1]), strings.ToLower(c[0]+`\`+c[1]); got != want {
			t.Errorf("lowerJoin(%q, %q) = %q, want %q", c[0], c[1], got, want)
		}
	}
}

// TestSharedEntities checks the memo of hosts and users: documents that
// name the same host and user get equal entities, and what one alert's
// entities gain by a merge (an indicator that matched the host) stays on
// that alert.
func TestSharedEntities(t *testing.T) {
	doc := func(id, extra string) string {
		return `{"@timestamp":"2024-01-01T00:00:00Z","kibana.alert.uuid":"` + id + `","host":{"name":"WKS-1.corp.example","id":"h1","ip":["10.0.0.5"]},` +
			`"user":{"name":"Bob","domain":"CORP"}` + extra + "}\n"
	}
	enriched := `,"threat":{"enrichments":[{"matched":{"atomic":"WKS-1","field":"host.name","type":"indicator_match_rule"},"feed":{"name":"feed1"}}]}`
	in := doc("a", "") + doc("b", enriched) + doc("c", "") + doc("d", `,"user":{"email":"Bob@Corp.example"}`)
	recs, errs := decodeAll(t, []byte(in), "x")
	if len(errs) != 0 || len(recs) != 4 {
		t.Fatalf("got %d alerts and errors %v, want 4 alerts", len(recs), errs)
	}
	attrs := func(i int, kind debrief.EntityKind) map[string]string {
		for _, e := range recs[i].Alert.Entities {
			if e.Kind == kind {
				return e.Attributes
			}
		}
		t.Fatalf("alert %d has no %s entity", i, kind)
		return nil
	}
	want := map[string]string{"device_id": "h1", "fqdn": "wks-1.corp.example", "ip": "10.0.0.5"}
	for _, i := range []int{0, 2, 3} {
		if got := attrs(i, debrief.EntityDevice); !maps.Equal(got, want) {
			t.Errorf("alert %d: device attributes %v, want %v", i, got, want)
		}
	}
	if got := attrs(1, debrief.EntityDevice); got["matched_field"] != "host.name" || got["indicator_feed"] != "feed1" || got["device_id"] != "h1" {
		t.Errorf("enriched alert: device attributes %v, want the match added to the host's", got)
	}
	if got := attrs(3, debrief.EntityUser); got["upn"] != "bob@corp.example" {
		t.Errorf("alert with an e-mail address: user attributes %v, want its upn", got)
	}
	if got := attrs(2, debrief.EntityUser); !maps.Equal(got, map[string]string{"name": "Bob", "domain": "CORP"}) {
		t.Errorf("user attributes %v, want name and domain", got)
	}
	decodertest.NoRememberedViews(t, recs, recs) // the remembered entities are copies
}
