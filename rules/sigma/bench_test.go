package sigma_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/rules"
	"github.com/debrief-dev/debrief/rules/sigma"
)

// BenchmarkLoadActive decodes and normalises every active SigmaHQ rule
// (3,780 files), as debrief coverage --rules does.
func BenchmarkLoadActive(b *testing.B) {
	root := testutil.SharedData(b, "rules/sigma")
	var paths []string
	var size int64
	for _, f := range activeFolders {
		p := filepath.Join(root, f)
		paths = append(paths, p)
		_ = filepath.Walk(p, func(_ string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				size += info.Size()
			}
			return err
		})
	}
	opts := rules.Options{Catalog: catalog(b)}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		set, err := rules.Collect(sigma.Load(context.Background(), paths, opts))
		if err != nil || len(set.Rules) == 0 {
			b.Fatal(err, len(set.Rules))
		}
	}
}
