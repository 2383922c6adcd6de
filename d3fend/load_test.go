package d3fend_test

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief/d3fend"
)

// tiny is a hand-made snapshot; its T1003 entries are out of tactic order
// on purpose.
const tiny = `{"attack_domain":"enterprise","attack_version":"99.0",` +
	`"countermeasures":[{"d3f":"FileAnalysis","id":"D3-FA","name":"File Analysis","parent":"","tactic":"Detect"},` +
	`{"d3f":"ProcessEviction","id":"D3-PE","name":"Process Eviction","parent":"","tactic":"Evict"},` +
	`{"d3f":"ProcessTermination","id":"D3-PT","name":"Process Termination","parent":"D3-PE","tactic":"Evict"}],` +
	`"d3fend_release_date":"2099-01-02","d3fend_version":"9.9.9","format":1,` +
	`"links":[{"artifact":"Authentication Service","def_artifact":"Process","def_rel":"terminates","rel":"accesses"},` +
	`{"artifact":"Password File","def_artifact":"File","def_rel":"analyzes","rel":"may-access"}],` +
	`"tactics":["Detect","Evict"],` +
	`"techniques":{"T1002":[],"T1003":[{"id":"D3-PT","via":[0]},{"id":"D3-FA","via":[0,1]}],"T1003.001":[{"id":"D3-PT","via":[0]}]}}`

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestLoad(t *testing.T) {
	for name, input := range map[string][]byte{"plain": []byte(tiny), "gzip": gzipped(t, tiny)} {
		t.Run(name, func(t *testing.T) {
			cat, err := d3fend.Load(bytes.NewReader(input))
			if err != nil {
				t.Fatal(err)
			}
			if cat.Version() != "9.9.9" || cat.ReleaseDate() != "2099-01-02" || cat.ATTACKVersion() != "99.0" {
				t.Errorf("versions %s %s %s", cat.Version(), cat.ReleaseDate(), cat.ATTACKVersion())
			}
			var got []string
			for _, m := range cat.For("T1003") {
				got = append(got, m.Countermeasure.ID)
				for _, l := range m.Via {
					got = append(got, l.Rel+" "+l.Artifact+"/"+l.DefRel+" "+l.DefArtifact)
				}
			}
			want := "D3-FA|accesses Authentication Service/terminates Process|may-access Password File/analyzes File|" +
				"D3-PT|accesses Authentication Service/terminates Process"
			if strings.Join(got, "|") != want {
				t.Errorf("For(T1003):\n got %s\nwant %s", strings.Join(got, "|"), want)
			}
			if ms := cat.For("T1003.002"); len(ms) != 2 || !ms[0].FromParent {
				t.Errorf("For(T1003.002) = %+v, want T1003's two matches from the parent", ms)
			}
			if ms := cat.For("T1002"); len(ms) != 0 || !cat.Knows("T1002") {
				t.Errorf("For(T1002) = %+v, want known and none", ms)
			}
			if all := cat.Countermeasures(); len(all) != 3 || all[0].ID != "D3-FA" || all[1].ID != "D3-PE" {
				t.Errorf("Countermeasures not in tactic, then name order: %+v", all)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name, old, new, wantErr string
	}{
		{"empty", tiny, "", "d3fend snapshot: "},
		{"not JSON", tiny, "D3FEND", "d3fend snapshot: "},
		{"array", tiny, "[]", "d3fend snapshot: "},
		{"other format", `"format":1`, `"format":2`, `"format": 2, want 1`},
		{"no format", `"format":1,`, ``, `"format": missing`},
		{"no version", `"d3fend_version":"9.9.9"`, `"d3fend_version":""`, "want all three"},
		{"no tactics", `"tactics":["Detect","Evict"]`, `"tactics":[]`, "tactics: want at least one"},
		{"repeated tactic", `"tactics":["Detect","Evict"]`, `"tactics":["Detect","Detect","Evict"]`, `tactics[1]: "Detect" is empty or repeated`},
		{"unknown tactic", `"tactic":"Detect"}`, `"tactic":"Detection"}`, `countermeasures[0] (D3-FA): tactic "Detection" is not one of`},
		{"repeated id", `"id":"D3-PE"`, `"id":"D3-FA"`, `countermeasures[1]: want a unique id`},
		{"no class", `"d3f":"FileAnalysis"`, `"d3f":""`, `countermeasures[0]: want a unique id and a name and d3f class`},
		{"dangling parent", `"parent":"D3-PE"`, `"parent":"D3-XX"`, `countermeasures[2] (D3-PT): parent "D3-XX" is not a countermeasure`},
		{"empty link field", `"def_rel":"analyzes"`, `"def_rel":""`, "links[1]: want rel, artifact, def_rel and def_artifact"},
		{"bad key", `"T1002":[]`, `"T1002.1":[]`, `techniques: key "T1002.1"`},
		{"lower-case key", `"T1002":[]`, `"t1002":[]`, `techniques: key "t1002"`},
		{"unknown countermeasure", `{"id":"D3-FA","via":[0,1]}`, `{"id":"D3-XX","via":[0,1]}`, `techniques.T1003[1]: id: "D3-XX" is not a countermeasure`},
		{"no links", `{"id":"D3-FA","via":[0,1]}`, `{"id":"D3-FA","via":[]}`, "techniques.T1003[1]: via: want at least one link"},
		{"link out of range", `{"id":"D3-FA","via":[0,1]}`, `{"id":"D3-FA","via":[0,2]}`, "techniques.T1003[1]: via[1]: link 2 out of range (2 links)"},
		{"negative link", `{"id":"D3-FA","via":[0,1]}`, `{"id":"D3-FA","via":[-1]}`, "via[0]: link -1 out of range"},
		{"links not increasing", `{"id":"D3-FA","via":[0,1]}`, `{"id":"D3-FA","via":[1,1]}`, "via[1]: link 1 after 1, want increasing"},
		{"listed twice", `{"id":"D3-FA","via":[0,1]}`, `{"id":"D3-PT","via":[0,1]}`, "techniques.T1003: countermeasure D3-PT listed twice"},
		{"wrong type", `"via":[0,1]`, `"via":"0,1"`, "d3fend snapshot: "},
		{"duplicate member", `"format":1`, `"format":1,"format":1`, "d3fend snapshot: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(tiny, tt.old) {
				t.Fatalf("tiny lacks %q", tt.old)
			}
			input := strings.Replace(tiny, tt.old, tt.new, 1)
			cat, err := d3fend.Load(strings.NewReader(input))
			if err == nil || cat != nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Load = %v, %v; want error containing %q", cat, err, tt.wantErr)
			}
		})
	}
}

func TestLoadBadGzip(t *testing.T) {
	gz := gzipped(t, tiny)
	for name, input := range map[string][]byte{
		"truncated":   gz[:len(gz)/2],
		"header only": gz[:4],
		"corrupt":     append(bytes.Clone(gz[:12]), bytes.Repeat([]byte{0xff}, 40)...),
	} {
		if _, err := d3fend.Load(bytes.NewReader(input)); err == nil || !strings.HasPrefix(err.Error(), "d3fend snapshot: ") {
			t.Errorf("%s gzip: error %v, want a d3fend snapshot error", name, err)
		}
	}
}
