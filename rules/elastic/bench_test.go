package elastic_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/rules"
	"github.com/debrief-dev/debrief/rules/elastic"
)

// BenchmarkLoadAll decodes and normalises every Elastic rule file (2,192
// TOML files, deprecated ones included).
func BenchmarkLoadAll(b *testing.B) {
	root := testutil.SharedData(b, "rules/elastic")
	paths := []string{filepath.Join(root, "rules"), filepath.Join(root, "rules_building_block")}
	var size int64
	for _, p := range paths {
		_ = filepath.Walk(p, func(_ string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() && filepath.Ext(info.Name()) == ".toml" {
				size += info.Size()
			}
			return err
		})
	}
	opts := rules.Options{Catalog: catalog(b)}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		set, err := rules.Collect(elastic.Load(context.Background(), paths, opts))
		if err != nil || len(set.Rules) == 0 {
			b.Fatal(err, len(set.Rules))
		}
	}
}
