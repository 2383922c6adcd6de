package model_test

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief/attack/internal/model"
	"github.com/debrief-dev/debrief/attack/internal/stix"
)

func tiny(t *testing.T) *model.Data {
	t.Helper()
	f, err := os.Open("../attackgen/testdata/tiny-attack.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := stix.Load(f, "tiny-attack.json")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func snapshot(t *testing.T, d *model.Data) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := d.WriteSnapshot(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSnapshotRoundTrip(t *testing.T) {
	d := tiny(t)
	got, err := model.ReadSnapshot(bytes.NewReader(snapshot(t, d)))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, d) {
		t.Fatalf("round trip changed the data:\n got %+v\nwant %+v", got.Objects, d.Objects)
	}
	// The packed forms must have been used and undone.
	var tech *model.Object
	for i := range got.Objects {
		if got.Objects[i].ID == "T1059.001" {
			tech = &got.Objects[i]
		}
	}
	if tech == nil || tech.STIXID != "attack-pattern--5a0f1c3e-7d4b-4c1e-9f00-000001059001" ||
		tech.URL != "https://attack.mitre.org/techniques/T1059/001" {
		t.Errorf("T1059.001 after round trip: %+v", tech)
	}
}

func TestSnapshotKeepsOddForms(t *testing.T) {
	d := &model.Data{
		Domains: []model.Domain{{Name: "enterprise-attack"}},
		Objects: []model.Object{
			{Kind: model.Technique, STIXID: "attack-pattern--NOT-A-UUID", ID: "T1", URL: "https://example.com/t1", Domains: []string{"enterprise-attack"}},
			{Kind: model.Group, STIXID: "intrusion-set--0A0A0A0A-0000-4000-8000-000000000000", ID: "G1", URL: "https://attack.mitre.org/x/G1", Domains: []string{"enterprise-attack"}},
		},
	}
	got, err := model.DecodeSnapshot(string(snapshot(t, d)))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, d) {
		t.Fatalf("got %+v, want %+v", got.Objects, d.Objects)
	}
}

func TestSnapshotCorrupt(t *testing.T) {
	snap := snapshot(t, tiny(t))
	for n := range len(snap) {
		if _, err := model.DecodeSnapshot(string(snap[:n])); err == nil {
			t.Fatalf("snapshot cut to %d of %d bytes decoded without error", n, len(snap))
		}
	}
	// Changed bytes must not panic; whether they are noticed depends on
	// the byte.
	for i := range snap {
		b := bytes.Clone(snap)
		b[i] ^= 0xa5
		_, _ = model.DecodeSnapshot(string(b))
	}
	if _, err := model.DecodeSnapshot("not a snapshot"); err == nil || !strings.Contains(err.Error(), "not a debrief ATT&CK snapshot") {
		t.Errorf("garbage: %v", err)
	}
}

func TestMergeSharedObjects(t *testing.T) {
	shared := model.Object{Kind: model.Group, STIXID: "intrusion-set--1", ID: "G0001", Name: "Shared"}
	comp := model.Object{Kind: model.DataComponent, STIXID: "x-mitre-data-component--1", ID: "DC0001"}
	a := &model.Data{
		Domains: []model.Domain{{Name: "mobile-attack"}},
		Objects: []model.Object{
			withDomain(shared, "mobile-attack"),
			{Kind: model.Technique, STIXID: "attack-pattern--m", ID: "T1400", Domains: []string{"mobile-attack"}},
			withDomain(comp, "mobile-attack"),
			{Kind: model.Analytic, STIXID: "x-mitre-analytic--m", ID: "AN0002", Domains: []string{"mobile-attack"},
				LogSources: []model.LogSource{{DataComponent: 2, Name: "m"}}},
		},
		Relations: []model.Relation{{Type: model.Uses, Source: 0, Target: 1}},
	}
	b := &model.Data{
		Domains: []model.Domain{{Name: "enterprise-attack"}},
		Objects: []model.Object{
			withDomain(comp, "enterprise-attack"),
			{Kind: model.Technique, STIXID: "attack-pattern--e", ID: "T1059", Domains: []string{"enterprise-attack"}},
			withDomain(shared, "enterprise-attack"),
		},
		Relations: []model.Relation{{Type: model.Uses, Source: 2, Target: 1}, {Type: model.Uses, Source: 2, Target: 1}},
	}
	m := model.Merge(a, b)
	if len(m.Objects) != 5 || len(m.Relations) != 2 {
		t.Fatalf("merged: %v, want 5 objects and 2 relations", m)
	}
	if m.Domains[0].Name != "enterprise-attack" {
		t.Errorf("domains %v: want Enterprise first", m.Domains)
	}
	names := map[string]*model.Object{}
	for i := range m.Objects {
		names[m.Objects[i].ID] = &m.Objects[i]
	}
	if got := names["G0001"].Domains; !reflect.DeepEqual(got, []string{"enterprise-attack", "mobile-attack"}) {
		t.Errorf("shared group domains %v", got)
	}
	if ls := names["AN0002"].LogSources; len(ls) != 1 || m.Objects[ls[0].DataComponent].ID != "DC0001" {
		t.Errorf("analytic log source points at %+v", ls)
	}
	for _, r := range m.Relations {
		if m.Objects[r.Source].ID != "G0001" {
			t.Errorf("relation from %s", m.Objects[r.Source].ID)
		}
	}
	if a.Objects[0].Domains[0] != "mobile-attack" || len(a.Objects[0].Domains) != 1 {
		t.Errorf("merge changed its input: %v", a.Objects[0].Domains)
	}
}

func withDomain(o model.Object, d string) model.Object {
	o.Domains = []string{d}
	return o
}
