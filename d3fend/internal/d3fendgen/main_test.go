package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief/internal/testutil"
)

func TestGenerateGolden(t *testing.T) {
	out := t.TempDir()
	if err := run([]string{"-in", "testdata", "-out", out}, io.Discard); err != nil {
		t.Fatal(err)
	}
	gz := readFile(t, filepath.Join(out, snapshotFile))
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	if !zr.ModTime.IsZero() || zr.Name != "" || zr.Comment != "" || zr.Extra != nil {
		t.Errorf("gzip header has mtime %v, name %q, comment %q, extra %q; want none", zr.ModTime, zr.Name, zr.Comment, zr.Extra)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, "snapshot.json", plain)
	if got, want := readFile(t, filepath.Join(out, licenseFile)), readFile(t, "testdata/LICENSE.txt"); !bytes.Equal(got, want) {
		t.Errorf("LICENSE.txt is not an unchanged copy:\n%s", got)
	}
	if bytes.Contains(plain, []byte("Hand-written test text")) || bytes.Contains(plain, []byte(`"from"`)) {
		t.Error("snapshot keeps definitions or from lists; it should keep facts only")
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	for _, out := range []string{a, b, a} {
		if err := generate("testdata", out); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{snapshotFile, licenseFile} {
		if !bytes.Equal(readFile(t, filepath.Join(a, name)), readFile(t, filepath.Join(b, name))) {
			t.Errorf("%s differs between runs", name)
		}
	}
	left, err := filepath.Glob(filepath.Join(a, ".*"))
	if err != nil || len(left) > 0 {
		t.Errorf("temporary files left behind: %v %v", left, err)
	}
}

func TestGenerateErrors(t *testing.T) {
	good := map[string]string{
		mappingFile:    string(readFile(t, "testdata/"+mappingFile)),
		techniquesFile: string(readFile(t, "testdata/"+techniquesFile)),
		licenseFile:    "licence\n",
	}
	tests := []struct {
		name    string
		file    string // the file to change; "" keeps all
		old     string // replaced by new in that file; new == "\x00" deletes the file
		new     string
		wantErr string
	}{
		{"missing mapping", mappingFile, "", "\x00", mappingFile + " is absent"},
		{"missing techniques", techniquesFile, "", "\x00", techniquesFile + " is absent"},
		{"missing licence", licenseFile, "", "\x00", licenseFile + " is absent"},
		{"not JSON", mappingFile, `"mappings": {`, `"mappings": [`, mappingFile + ": "},
		{"unknown countermeasure", mappingFile, `"id":"D3-FE"`, `"id":"D3-XX"`, `mappings.T1003[2]: countermeasure "D3-XX" is not in d3fend-techniques.json`},
		{"tactic disagrees", mappingFile, `"tactic":"Detect"`, `"tactic":"Isolate"`, `mappings.T1003[1]: D3-FA is "File Analysis" (Isolate) here but "File Analysis" (Detect)`},
		{"bad key", mappingFile, `"T1002": []`, `"t1002": []`, `mappings: key "t1002"`},
		{"empty via", mappingFile, `"tactic":"Harden","via":[{"rel":"accesses","artifact":"Password File","def_rel":"encrypts","def_artifact":"File","from":["T1003.008"]}]`, `"tactic":"Harden","via":[]`, "mappings.T1003[2].via: want at least one link"},
		{"empty link field", mappingFile, `"def_rel":"encrypts"`, `"def_rel":""`, "mappings.T1003[2].via[0]: want rel, artifact, def_rel and def_artifact"},
		{"listed twice", mappingFile, `"id":"D3-FE","name":"File Encryption","tactic":"Harden"`, `"id":"D3-FA","name":"File Analysis","tactic":"Detect"`, "countermeasure D3-FA is listed twice"},
		{"versions differ", mappingFile, `"d3fend_version": "9.9.9"`, `"d3fend_version": "9.9.8"`, `d3fend_version: "9.9.8", but d3fend-techniques.json has "9.9.9"`},
		{"no release date", mappingFile, `"d3fend_release_date": "2099-01-02"`, `"d3fend_release_date": ""`, "want all three"},
		{"unknown tactic", techniquesFile, `"tactic":"Harden"`, `"tactic":"Hardened"`, `techniques[3] (D3-FE): tactic "Hardened" is not one of`},
		{"repeated tactic", techniquesFile, `"Deceive"`, `"Detect"`, `tactics[4]: "Detect" is empty or repeated`},
		{"dangling parent", techniquesFile, `"parent":"D3-PE"`, `"parent":"D3-ZZ"`, `techniques[0] (D3-PT): parent "D3-ZZ" is not a listed technique`},
		{"repeated id", techniquesFile, `"id":"D3-FE"`, `"id":"D3-FA"`, `techniques[3]: want unique id`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range good {
				if name == tt.file {
					if tt.new == "\x00" {
						continue
					}
					if !strings.Contains(text, tt.old) {
						t.Fatalf("test input %s lacks %q", name, tt.old)
					}
					text = strings.Replace(text, tt.old, tt.new, 1)
				}
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := generate(dir, filepath.Join(dir, "out"))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error %v, want it to contain %q", err, tt.wantErr)
			}
			if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
				t.Error("output directory written despite the error")
			}
		})
	}
}

func TestRunUsage(t *testing.T) {
	var stderr bytes.Buffer
	err := run([]string{"-in", "testdata"}, &stderr)
	if err == nil || !strings.Contains(err.Error(), "usage") || !strings.Contains(stderr.String(), "-out") {
		t.Fatalf("run without -out: error %v, stderr %q; want a usage error", err, stderr.String())
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
