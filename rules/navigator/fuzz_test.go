package navigator_test

import (
	"errors"
	"math"
	"path/filepath"
	"testing"

	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/rules"
	"github.com/debrief-dev/debrief/rules/navigator"
)

// FuzzDecode checks that Decode never panics, fails only with a
// *rules.FileError, and gives each rule one technique and a weight in
// 0–1 (exclusive of 0). Seeds: testdata/*.json.
func FuzzDecode(f *testing.F) {
	testutil.Seeds(f, filepath.Join("testdata", "*.json"))
	f.Add([]byte(`{"name":"g","gradient":{"minValue":5,"maxValue":-5},"techniques":[{"techniqueID":"T1059","score":1e308}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := navigator.Decode(data, "fuzz.json")
		if err != nil {
			var fe *rules.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T %v, want *rules.FileError", err, err)
			}
			return
		}
		for _, r := range rs {
			if len(r.Techniques) != 1 || r.Score == nil || !(*r.Score > 0 && *r.Score <= 1) || math.IsNaN(*r.Score) {
				t.Fatalf("rule %+v (score %v)", r, r.Score)
			}
		}
	})
}
