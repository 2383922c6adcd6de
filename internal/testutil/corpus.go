package testutil

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// CorpusFiles calls fn with the path and contents of each file below dirs
// whose name ends in ext, in lexical order, leaving out the paths for which
// skip (when not nil) returns true. A folder that cannot be walked or a file
// that cannot be read fails the test: an independent count over a corpus
// must not quietly read less of it.
func CorpusFiles(t testing.TB, dirs []string, ext string, skip func(path string) bool, fn func(path string, data []byte)) {
	t.Helper()
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ext) || skip != nil && skip(path) {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			fn(path, data)
			return nil
		})
		if err != nil {
			t.Fatalf("reading the corpus: %v", err)
		}
	}
}

// InFolder reports whether path has a folder named name among its parts.
func InFolder(path, name string) bool {
	return slices.Contains(strings.Split(filepath.Dir(path), string(filepath.Separator)), name)
}

// Seeds adds the contents of each file matching pattern (a filepath.Glob
// pattern such as testdata/*.yml) to f's seed corpus. It fails when the
// pattern is malformed or matches nothing, so that moved test data does not
// leave a fuzz test without its seeds.
func Seeds(f *testing.F, pattern string) {
	f.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil {
		f.Fatal(err)
	}
	if len(files) == 0 {
		f.Fatalf("no seed files match %s", pattern)
	}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// Diff returns, sorted, the keys only a has and those only b has.
func Diff[K ~string](a, b map[K]bool) (onlyA, onlyB []K) {
	for k := range a {
		if !b[k] {
			onlyA = append(onlyA, k)
		}
	}
	for k := range b {
		if !a[k] {
			onlyB = append(onlyB, k)
		}
	}
	slices.Sort(onlyA)
	slices.Sort(onlyB)
	return onlyA, onlyB
}

// SetDiff fails the test when got and want differ, naming (sorted) what
// only got has and what it misses; what says which sets these are.
func SetDiff[K ~string](t testing.TB, what string, got, want map[K]bool) {
	t.Helper()
	extra, missing := Diff(got, want)
	if len(extra)+len(missing) > 0 {
		t.Errorf("%s: %d, independent count %d; only ours %v; missing %v", what, len(got), len(want), extra, missing)
	}
}
