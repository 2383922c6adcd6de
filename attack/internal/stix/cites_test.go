package stix

import (
	"slices"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief/attack/internal/model"
)

func TestAppendCiteNames(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"no marks", nil},
		{"a (Citation: A) b(Citation: B c)", []string{"A", "B c"}},
		{"(Citation: )(Citation: X)", []string{"X"}},
		{"(Citation: unclosed", nil},
		{"(Citation: A)(Citation: A)", []string{"A", "A"}},
	} {
		if got := appendCiteNames(nil, []byte(tc.text)); !slices.Equal(got, tc.want) {
			t.Errorf("%q: %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestCitesInAnyMemberOrder: a relationship's and a campaign's citations
// are kept whether their type comes before or after their description;
// a technique's are not kept.
func TestCitesInAnyMemberOrder(t *testing.T) {
	const bundle = `{"type":"bundle","id":"bundle--1","objects":[
	{"description":"Uses it.(Citation: Late Type)","type":"relationship","id":"relationship--1","relationship_type":"uses",
	 "source_ref":"campaign--1","target_ref":"attack-pattern--1",
	 "external_references":[{"source_name":"Late Type","url":"https://example.com/a"},{"source_name":"mitre-attack","external_id":"x"}]},
	{"type":"relationship","id":"relationship--2","relationship_type":"attributed-to","description":"(Citation: Early \"Type\")",
	 "source_ref":"campaign--1","target_ref":"intrusion-set--1"},
	{"type":"relationship","id":"relationship--3","relationship_type":"subtechnique-of","description":"(Citation: Not Kept)",
	 "source_ref":"attack-pattern--1","target_ref":"attack-pattern--1"},
	{"description":"Seen.(Citation: Camp Report)","type":"campaign","id":"campaign--1","name":"C",
	 "external_references":[{"source_name":"mitre-attack","external_id":"C0001"},{"source_name":"Alias C","description":"(Citation: Camp Report)"}]},
	{"type":"intrusion-set","id":"intrusion-set--1","name":"G","external_references":[{"source_name":"mitre-attack","external_id":"G0001"}]},
	{"type":"attack-pattern","id":"attack-pattern--1","name":"T","description":"(Citation: Technique Only)",
	 "external_references":[{"source_name":"mitre-attack","external_id":"T0001"}]}]}`
	d, err := Load(strings.NewReader(bundle), "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, r := range d.Relations {
		got[r.Type.String()] = d.CitesOf(r)
	}
	for _, o := range d.Objects {
		if o.Kind == model.Campaign {
			got["campaign"] = o.Cites
		}
	}
	want := map[string][]string{
		"uses":            {"Late Type"},
		"attributed-to":   {`Early "Type"`},
		"subtechnique-of": {},
		"campaign":        {"Camp Report"},
	}
	for k, w := range want {
		if !slices.Equal(got[k], w) {
			t.Errorf("%s cites %q, want %q", k, got[k], w)
		}
	}
}
