package testutil

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestInFolder(t *testing.T) {
	for _, tc := range []struct {
		path, name string
		want       bool
	}{
		{filepath.Join("rules", "deprecated", "a.yml"), "deprecated", true},
		{filepath.Join("rules", "deprecated_old", "a.yml"), "deprecated", false},
		{filepath.Join("rules", "deprecated.yml"), "deprecated", false},
		{filepath.Join("a", "b", "c", "d.toml"), "a", true},
	} {
		if got := InFolder(tc.path, tc.name); got != tc.want {
			t.Errorf("InFolder(%q, %q) = %v, want %v", tc.path, tc.name, got, tc.want)
		}
	}
}

func TestCorpusFiles(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"a.yml": "A", "b.txt": "B", "sub/c.yml": "C", "old/d.yml": "D"} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	CorpusFiles(t, []string{dir}, ".yml", func(p string) bool { return InFolder(p, "old") }, func(p string, data []byte) {
		rel, _ := filepath.Rel(dir, p)
		got = append(got, filepath.ToSlash(rel)+"="+string(data))
	})
	if want := []string{"a.yml=A", "sub/c.yml=C"}; !slices.Equal(got, want) {
		t.Errorf("read %q, want %q", got, want)
	}
}

func TestDiff(t *testing.T) {
	a := map[string]bool{"T1": true, "T3": true, "T2": true}
	b := map[string]bool{"T2": true, "T4": true}
	onlyA, onlyB := Diff(a, b)
	if !slices.Equal(onlyA, []string{"T1", "T3"}) || !slices.Equal(onlyB, []string{"T4"}) {
		t.Errorf("Diff = %q, %q; want [T1 T3], [T4]", onlyA, onlyB)
	}
	if x, y := Diff(a, a); len(x)+len(y) > 0 {
		t.Errorf("Diff of a set with itself = %q, %q", x, y)
	}
}
