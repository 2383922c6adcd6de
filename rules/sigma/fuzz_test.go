package sigma_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/rules/sigma"
)

// FuzzDecode checks that Decode never panics, that every rule it gives is
// well formed, and that the line scanner and the YAML parser agree when
// both read a file. Seeds: testdata/*.yml and testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	testutil.Seeds(f, filepath.Join("testdata", "*.yml"))
	f.Fuzz(func(t *testing.T, data []byte) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			check(t, data)
		}()
		select {
		case <-done:
		case <-time.After(perInput):
			t.Fatalf("no answer in %v for %q", perInput, data)
		}
	})
}

// perInput bounds one input's decoding, so that a hang shows as a
// failure naming the input rather than a fuzzer that stops making
// progress.
const perInput = 10 * time.Second

func check(t *testing.T, data []byte) {
	{
		rs, err := sigma.Decode(data, "fuzz.yml")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.yml") {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		for _, r := range rs {
			if !strings.HasPrefix(r.ID, "sigma:") {
				t.Errorf("id %q", r.ID)
			}
			for _, id := range r.Techniques {
				if _, err := debrief.ParseTechniqueID(string(id)); err != nil {
					t.Errorf("technique %q: %v", id, err)
				}
			}
		}
		fast, slow, scanned, err := sigma.Compare(data, "fuzz.yml")
		if scanned && err == nil && !equalRule(fast, slow) {
			t.Errorf("scanner %+v\nparser %+v", fast, slow)
		}
	}
}
