package elastic_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/rules/elastic"
)

// FuzzDecode checks that Decode never panics, names the file in its
// errors, and gives rules with well-formed ids. Seeds: testdata/*.toml
// and testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	testutil.Seeds(f, filepath.Join("testdata", "*.toml"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := elastic.Decode(data, "fuzz.toml")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.toml") {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		for _, r := range rs {
			if !strings.HasPrefix(r.ID, "elastic:") || r.ID == "elastic:" {
				t.Errorf("id %q", r.ID)
			}
			for _, id := range r.Techniques {
				if _, err := debrief.ParseTechniqueID(string(id)); err != nil {
					t.Errorf("technique %q: %v", id, err)
				}
			}
		}
	})
}
