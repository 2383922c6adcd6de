package attack_test

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief/attack"
)

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeFile puts content into a file of that name, so that errors name it.
func writeFile(t *testing.T, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadErrors(t *testing.T) {
	good, err := os.ReadFile(tinyBundle)
	if err != nil {
		t.Fatal(err)
	}
	gz := gzipped(t, good)
	badCRC := bytes.Clone(gz)
	badCRC[len(badCRC)-8] ^= 0xff
	tests := []struct {
		name    string // the file's name
		content []byte
		want    string // the error starts with it
	}{
		{"enterprise.json", []byte("hello"), "attack: enterprise.json: not JSON: "},
		{"empty.json", nil, "attack: empty.json: empty input, want a STIX bundle"},
		{"array.json", []byte(`[{"type":"bundle"}]`), "attack: array.json: not a STIX bundle: top level is array"},
		{"indicator.json", []byte(`{"type":"indicator","id":"indicator--1"}`), `attack: indicator.json: not a STIX bundle: "type" is "indicator", want "bundle"`},
		{"noobjects.json", []byte(`{"type":"bundle","id":"bundle--1"}`), `attack: noobjects.json: not a STIX bundle: no "objects" array`},
		{"objectsmap.json", []byte(`{"type":"bundle","objects":{}}`), `attack: objectsmap.json: not a STIX bundle: "objects": want array, got object`},
		{"noid.json", []byte(`{"type":"bundle","objects":[{"type":"identity","id":"identity--1"},{"type":"attack-pattern","name":"X"}]}`),
			`attack: noid.json: objects[1] (attack-pattern): no "id"`},
		{"notype.json", []byte(`{"type":"bundle","objects":[{"id":"x--1"}]}`), `attack: notype.json: objects[0]: no "type"`},
		{"number.json", []byte(`{"type":"bundle","objects":[1]}`), `attack: number.json: objects[0]: want object, got number`},
		{"field.json", []byte(`{"type":"bundle","objects":[{"type":"attack-pattern","id":"attack-pattern--1","name":5}]}`),
			`attack: field.json: objects[0] (attack-pattern attack-pattern--1): name: want string, got number`},
		{"field2.json", []byte(`{"type":"bundle","objects":[{"type":"attack-pattern","id":"attack-pattern--1","external_references":[{"url":["x"]}]}]}`),
			`attack: field2.json: objects[0] (attack-pattern attack-pattern--1): external_references/0/url: want string, got array`},
		{"cut.json", good[:len(good)*3/5], "attack: cut.json: truncated JSON: "},
		{"broken.json", []byte(`{"type":"bundle","objects":[{"type": }]}`), "attack: broken.json: invalid JSON: "},
		{"trailing.json", []byte(`{"type":"bundle","objects":[]} x`), "attack: trailing.json: invalid JSON after the bundle: "},
		{"cut.json.gz", gz[:len(gz)/2], "attack: cut.json.gz: truncated gzip data: "},
		{"crc.json.gz", badCRC, "attack: crc.json.gz: corrupt gzip data: "},
		{"header.json.gz", gz[:5], "attack: header.json.gz: gzip: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := attack.LoadFile(writeFile(t, tc.name, tc.content))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("LoadFile(%s) = %v, %v; want an error starting %q", tc.name, c, err, tc.want)
			}
		})
	}
}

func TestLoadWithoutName(t *testing.T) {
	_, err := attack.Load(strings.NewReader("{"))
	if err == nil || !strings.HasPrefix(err.Error(), "attack: truncated JSON: ") {
		t.Fatalf("Load = %v", err)
	}
	if _, err := attack.LoadFile(filepath.Join(t.TempDir(), "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Fatalf("LoadFile(missing) = %v", err)
	}
}

func TestLoadGzipByMagic(t *testing.T) {
	good, err := os.ReadFile(tinyBundle)
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string][]byte{"gzip.json": gzipped(t, good), "plain.json.gz": good} {
		c, err := attack.LoadFile(writeFile(t, name, content))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, ok := c.Technique("T1059.001"); !ok {
			t.Errorf("%s: T1059.001 missing", name)
		}
	}
}

// warnBundle has six problems that are not errors, and one dropped
// reference that is not a problem (to an object of a type debrief does
// not keep).
const warnBundle = `{"type": "bundle", "id": "bundle--1", "objects": [
 {"type": "attack-pattern", "id": "attack-pattern--1", "name": "A", "external_references": [{"source_name": "mitre-attack", "external_id": "T0001"}]},
 {"type": "attack-pattern", "id": "attack-pattern--1", "name": "A again"},
 {"type": "intrusion-set", "id": "intrusion-set--1", "name": "No ATT&CK id", "external_references": [{"source_name": "somebody", "external_id": "X1"}]},
 {"type": "x-mitre-detection-strategy", "id": "x-mitre-detection-strategy--1", "name": "D", "x_mitre_analytic_refs": ["x-mitre-analytic--missing"],
  "external_references": [{"source_name": "mitre-attack", "external_id": "DET0001"}]},
 {"type": "x-mitre-analytic", "id": "x-mitre-analytic--1", "name": "An", "external_references": [{"source_name": "mitre-attack", "external_id": "AN0001"}],
  "x_mitre_log_source_references": [{"x_mitre_data_component_ref": "x-mitre-data-component--missing", "name": "log", "channel": "c"}]},
 {"type": "identity", "id": "identity--1", "name": "MITRE"},
 {"type": "relationship", "id": "relationship--1", "relationship_type": "uses", "source_ref": "intrusion-set--1", "target_ref": "attack-pattern--gone"},
 {"type": "relationship", "id": "relationship--2", "relationship_type": "uses", "source_ref": "intrusion-set--1"},
 {"type": "relationship", "id": "relationship--3", "relationship_type": "uses", "source_ref": "intrusion-set--1", "target_ref": "identity--1"},
 {"type": "relationship", "id": "relationship--4", "relationship_type": "uses", "source_ref": "intrusion-set--1", "target_ref": "attack-pattern--gone", "revoked": true},
 {"type": "relationship", "id": "relationship--5", "relationship_type": "uses", "source_ref": "intrusion-set--1", "target_ref": "attack-pattern--1"}
]}`

func TestLoadWarnings(t *testing.T) {
	c, err := attack.LoadFile(writeFile(t, "warn.json", []byte(warnBundle)))
	if err != nil {
		t.Fatal(err)
	}
	w := c.Warnings()
	if w.Count != 6 || len(w.Examples) != 5 {
		t.Fatalf("Warnings() = %d, %q; want 6 with 5 examples", w.Count, w.Examples)
	}
	for i, want := range []string{
		"warn.json: objects[1] (attack-pattern--1): id seen before",
		"warn.json: objects[2] (intrusion-set--1): no ATT&CK id",
		"warn.json: objects[7] (relationship--2 uses): no source_ref or target_ref",
		"warn.json: objects[6] (relationship--1): target_ref attack-pattern--gone is not in the bundle",
		"warn.json: x-mitre-detection-strategy--1: reference x-mitre-analytic--missing is not in the bundle",
	} {
		if !strings.HasPrefix(w.Examples[i], want) {
			t.Errorf("example %d = %q, want it to start %q", i, w.Examples[i], want)
		}
	}
	if s := w.String(); !strings.HasPrefix(s, "6 warnings, e.g. warn.json: objects[1]") {
		t.Errorf("String() = %q", s)
	}
	// The good relationship is kept despite the others.
	if g := c.GroupsUsing("T0001"); len(g) != 1 || g[0].Name != "No ATT&CK id" {
		t.Errorf("GroupsUsing(T0001) = %v", g)
	}
}

// stix20 is shaped like mitre/cti: spec_version on the bundle only, no
// collection, empty x_mitre_domains, malware and tools with labels.
const stix20 = `{"type": "bundle", "id": "bundle--2", "spec_version": "2.0", "objects": [
 {"type": "x-mitre-matrix", "id": "x-mitre-matrix--1", "name": "Enterprise ATT&CK", "x_mitre_domains": [], "modified": "2022-04-01T20:43:55.937Z",
  "external_references": [{"external_id": "enterprise-attack", "source_name": "mitre-attack", "url": "https://attack.mitre.org/matrices/enterprise"}],
  "tactic_refs": ["x-mitre-tactic--1"]},
 {"type": "x-mitre-tactic", "id": "x-mitre-tactic--1", "name": "Execution", "x_mitre_shortname": "execution", "modified": "2019-07-19T17:42:06.909Z",
  "external_references": [{"external_id": "TA0002", "source_name": "mitre-attack"}]},
 {"type": "attack-pattern", "id": "attack-pattern--1", "name": "PowerShell", "modified": "2022-10-01T00:00:00.000Z",
  "kill_chain_phases": [{"kill_chain_name": "mitre-attack", "phase_name": "execution"}],
  "external_references": [{"external_id": "T1059.001", "source_name": "mitre-attack"}]},
 {"type": "malware", "id": "malware--1", "name": "BADNEWS", "labels": ["malware"], "x_mitre_aliases": ["BADNEWS"],
  "external_references": [{"external_id": "S0128", "source_name": "mitre-attack"}]},
 {"type": "tool", "id": "tool--1", "name": "PsExec", "labels": ["tool"], "external_references": [{"external_id": "S0029", "source_name": "mitre-attack"}]}
]}`

func TestLoadSTIX20(t *testing.T) {
	c, err := attack.LoadFile(writeFile(t, "enterprise-attack.json", []byte(stix20)))
	if err != nil {
		t.Fatal(err)
	}
	d := c.Domains()
	if len(d) != 1 || d[0].Name != "enterprise-attack" || d[0].Version != "" || d[0].STIXVersion != "2.0" ||
		d[0].Title != "Enterprise ATT&CK" || d[0].Modified.Format("2006-01-02") != "2022-10-01" {
		t.Errorf("Domains() = %+v", d)
	}
	tech, ok := c.Technique("T1059.001")
	if !ok || tech.Domain != "enterprise-attack" || tech.Parent != "T1059" || tech.Tactics[0] != "execution" {
		t.Errorf("T1059.001 = %+v", tech)
	}
	for id, typ := range map[string]string{"S0128": "malware", "S0029": "tool"} {
		if s, ok := c.Software(id); !ok || s.Type != typ || s.Domains[0] != "enterprise-attack" {
			t.Errorf("Software(%s) = %+v", id, s)
		}
	}
	if ta, ok := c.Tactic("execution"); !ok || ta.Order != 0 {
		t.Errorf("Tactic(execution) = %+v", ta)
	}
}

func TestMerge(t *testing.T) {
	a := tiny(t)
	b, err := attack.LoadFile(writeFile(t, "mobile.json", []byte(strings.NewReplacer(
		"enterprise-attack", "mobile-attack", "TA0005", "TA0030", "T1059", "T1623").Replace(stix20))))
	if err != nil {
		t.Fatal(err)
	}
	m, err := attack.Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if d := m.Domains(); len(d) != 2 || d[0].Name != "enterprise-attack" || d[1].Name != "mobile-attack" {
		t.Fatalf("merged domains %+v", d)
	}
	if ta, _ := m.Tactic("Execution"); ta.ID != "TA0002" || ta.Domain != "enterprise-attack" {
		t.Errorf("Tactic(Execution) = %+v, want Enterprise's", ta)
	}
	if ta, ok := m.TacticIn("mobile-attack", "execution"); !ok || ta.Domain != "mobile-attack" {
		t.Errorf("TacticIn(mobile-attack, execution) = %+v", ta)
	}
	if _, ok := m.Technique("T1623.001"); !ok {
		t.Error("merged catalog lacks the Mobile technique")
	}
	if _, err := attack.Merge(a, a); err == nil || !strings.Contains(err.Error(), "domain enterprise-attack is in two catalogs") {
		t.Errorf("Merge(a, a) = %v", err)
	}
	if _, err := attack.Merge(); err == nil {
		t.Error("Merge() without catalogs gave no error")
	}
}
