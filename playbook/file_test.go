package playbook_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief/playbook"
)

func TestLoad(t *testing.T) {
	tests := []struct {
		file string
		line int    // of the first problem
		want string // in the first problem
	}{
		{"contain.good.yaml", 0, ""},
		{"bad_kind.bad.yaml", 10, `steps[0].kind: kind "shell": want one of webhook`},
		{"bad_field.bad.yaml", 8, `trigger.all[1]: field "colour"`},
		{"unknown_key.bad.yaml", 12, `unknown field "colour"`},
		{"url_host_template.bad.yaml", 11, "want an http(s) URL with a literal host"},
		{"exec_var_first.bad.yaml", 12, "may not start with a variable"},
		{"entity_without_foreach.bad.yaml", 11, "entity.* variables need for_each"},
		{"bad_version.bad.yaml", 1, `apiVersion: want "debrief/v1"`},
		{"syntax.bad.yaml", 4, ""},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			pb, err := playbook.LoadFile(filepath.Join("testdata", tc.file), playbook.Options{})
			if strings.HasSuffix(tc.file, ".good.yaml") {
				if err != nil {
					t.Fatal(err)
				}
				if pb.Name() == "" || len(pb.Digest) != 64 {
					t.Errorf("name %q digest %q", pb.Name(), pb.Digest)
				}
				return
			}
			var ps playbook.Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("want Problems, got %v", err)
			}
			if ps[0].Line != tc.line {
				t.Errorf("line %d, want %d: %v", ps[0].Line, tc.line, err)
			}
			if !strings.Contains(ps[0].Error(), tc.want) || !strings.HasPrefix(ps[0].Error(), filepath.Join("testdata", tc.file)) {
				t.Errorf("got %q, want it to contain %q", ps[0].Error(), tc.want)
			}
		})
	}
}

func TestLoadCollectsEveryProblem(t *testing.T) {
	_, err := playbook.LoadFile("testdata/bad_version.bad.yaml", playbook.Options{})
	var ps playbook.Problems
	if !errors.As(err, &ps) || len(ps) != 3 {
		t.Fatalf("want 3 problems (apiVersion, technique id, for_each), got %v", err)
	}
	if !strings.Contains(err.Error(), "(and 2 more)") {
		t.Errorf("error %q does not count the rest", err)
	}
}

func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pb, err := playbook.Parse(data, "fuzz.yaml", playbook.Options{})
		if err == nil && (pb.Name() == "" || len(pb.Steps) == 0) {
			t.Fatalf("accepted a playbook without name or steps")
		}
		var ps playbook.Problems
		if err != nil && !errors.As(err, &ps) {
			t.Fatalf("error is not Problems: %v", err)
		}
	})
}
