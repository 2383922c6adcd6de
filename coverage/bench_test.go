package coverage_test

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pelletier/go-toml/v2"
	"go.yaml.in/yaml/v3"

	"github.com/debrief-dev/debrief/attack"
	"github.com/debrief-dev/debrief/coverage"
	"github.com/debrief-dev/debrief/internal/testutil"
	"github.com/debrief-dev/debrief/render/navigator"
	"github.com/debrief-dev/debrief/rules"
	"github.com/debrief-dev/debrief/rules/auto"
)

// The corpora of the performance goals of debrief coverage: every active
// SigmaHQ rule (3,780 files) in ≤ 0.4 s and the Elastic rules (2,200
// files, with building blocks and deprecated ones) in ≤ 0.5 s, from files
// to a coverage layer.
var (
	sigmaFolders   = []string{"sigma/rules", "sigma/rules-emerging-threats", "sigma/rules-threat-hunting", "sigma/rules-placeholder", "sigma/rules-compliance"}
	elasticFolders = []string{"elastic/rules", "elastic/rules_building_block"}
)

// BenchmarkSigmaLayer is debrief coverage --rules <SigmaHQ active
// folders> --format navigator without the process start: decode and
// normalise every rule, score every technique, rank the gaps of all of
// Enterprise ATT&CK and write the coverage layer. The catalog is decoded
// once, outside the loop (attack.Embedded; see attack's benchmarks).
func BenchmarkSigmaLayer(b *testing.B) { benchLayer(b, sigmaFolders) }

// BenchmarkSigmaLayerBaseline reads the same files and parses each with
// yaml.v3 into a generic value: the floor a YAML library sets (the issue
// quotes 0.67 s for it).
func BenchmarkSigmaLayerBaseline(b *testing.B) {
	benchParse(b, sigmaFolders, ".yml", func(data []byte) error { var v any; return yaml.Unmarshal(data, &v) })
}

// BenchmarkElasticLayer is BenchmarkSigmaLayer for the Elastic rules.
func BenchmarkElasticLayer(b *testing.B) { benchLayer(b, elasticFolders) }

// BenchmarkElasticLayerBaseline parses the same TOML files with
// go-toml/v2 into a generic value.
func BenchmarkElasticLayerBaseline(b *testing.B) {
	benchParse(b, elasticFolders, ".toml", func(data []byte) error { var v map[string]any; return toml.Unmarshal(data, &v) })
}

func corpusPaths(b *testing.B, folders []string) []string {
	root := testutil.SharedData(b, "rules")
	var paths []string
	for _, f := range folders {
		paths = append(paths, filepath.Join(root, f))
	}
	return paths
}

func benchLayer(b *testing.B, folders []string) {
	paths := corpusPaths(b, folders)
	cat := catalog(b)
	opts := coverage.Options{Catalog: cat}
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		set, err := rules.Collect(auto.Load(context.Background(), paths, rules.Options{Catalog: cat}))
		if err != nil || len(set.Rules) < 2000 {
			b.Fatal(err, len(set.Rules))
		}
		res := coverage.Compute(set.Rules, opts)
		res.Gaps(coverage.All(cat, ""), set.Rules, opts, coverage.GapOptions{})
		if err := navigator.Encode(io.Discard, layer(res, cat)); err != nil {
			b.Fatal(err)
		}
	}
}

func layer(res *coverage.Result, cat *attack.Catalog) *navigator.Layer {
	l := navigator.New("Detection coverage", "enterprise-attack", cat.Domains()[0].Version)
	for _, t := range res.Techniques {
		if t.Score > 0 {
			l.Techniques = append(l.Techniques, navigator.Technique{TechniqueID: string(t.ID), Score: navigator.Score(t.Score)})
		}
	}
	return l
}

func benchParse(b *testing.B, folders []string, ext string, parse func([]byte) error) {
	paths := corpusPaths(b, folders)
	b.ReportAllocs()
	defer reportCPU(b)()
	for b.Loop() {
		n := 0
		for _, p := range paths {
			err := filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || filepath.Ext(path) != ext {
					return err
				}
				data, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				n++
				_ = parse(data) // a few files are not valid for every parser; the work is what counts
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		if n < 2000 {
			b.Fatalf("%d files", n)
		}
	}
}

// reportCPU adds the metric cpu-ms/op, the process's CPU time per
// iteration: on a shared machine wall time also counts waiting for a core.
func reportCPU(b *testing.B) func() {
	start, ok := cpuTime()
	return func() {
		if end, ok2 := cpuTime(); ok && ok2 && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		}
	}
}
