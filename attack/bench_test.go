package attack

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"runtime"
	"testing"

	stdjson "encoding/json"
	"github.com/debrief-dev/debrief/attack/data"
	"github.com/debrief-dev/debrief/attack/internal/model"
	"github.com/debrief-dev/debrief/internal/testutil"
)

// BenchmarkEmbedded measures the time from the embedded bytes to a ready
// catalog, as the first Embedded call in a process pays it.
func BenchmarkEmbedded(b *testing.B) {
	b.SetBytes(int64(len(data.Snapshot())))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := loadEmbedded(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEmbeddedDecode measures the snapshot decoding alone, without
// building the catalog's indexes.
func BenchmarkEmbeddedDecode(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := model.DecodeSnapshot(data.Snapshot()); err != nil {
			b.Fatal(err)
		}
	}
}

// enterpriseJSON returns the uncompressed Enterprise bundle.
func enterpriseJSON(b *testing.B) []byte {
	b.Helper()
	f, err := os.Open(testutil.SharedData(b, "attack/enterprise-attack.json.gz"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		b.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// peakHeap runs f while sampling nothing: it reports the heap in use
// after f, before collection, less the heap before, as an upper bound of
// what one load keeps and churns (with GC running normally).
func reportHeap(b *testing.B, before runtime.MemStats) {
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/(1<<20), "MB-alloc/op")
}

// BenchmarkLoadEnterprise measures Load on the 41 MB Enterprise bundle.
func BenchmarkLoadEnterprise(b *testing.B) {
	raw := enterpriseJSON(b)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(bytes.NewReader(raw)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadEnterpriseGzip measures Load on the 8 MB gzip file as
// shipped, inflating included.
func BenchmarkLoadEnterpriseGzip(b *testing.B) {
	gz, err := os.ReadFile(testutil.SharedData(b, "attack/enterprise-attack.json.gz"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(gz)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(bytes.NewReader(gz)); err != nil {
			b.Fatal(err)
		}
	}
}

// stdBundle is the baseline: the same members Load keeps, decoded by
// encoding/json into typed structs in one go.
type stdBundle struct {
	Type    string      `json:"type"`
	Objects []stdObject `json:"objects"`
}

type stdObject struct {
	Type       string   `json:"type"`
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Modified   string   `json:"modified"`
	Revoked    bool     `json:"revoked"`
	Deprecated bool     `json:"x_mitre_deprecated"`
	Domains    []string `json:"x_mitre_domains"`
	Platforms  []string `json:"x_mitre_platforms"`
	ExtRefs    []struct {
		SourceName string `json:"source_name"`
		ExternalID string `json:"external_id"`
		URL        string `json:"url"`
	} `json:"external_references"`
	Phases []struct {
		KillChain string `json:"kill_chain_name"`
		Phase     string `json:"phase_name"`
	} `json:"kill_chain_phases"`
	IsSub         bool     `json:"x_mitre_is_subtechnique"`
	Shortname     string   `json:"x_mitre_shortname"`
	TacticRefs    []string `json:"tactic_refs"`
	Aliases       []string `json:"aliases"`
	MitreAliases  []string `json:"x_mitre_aliases"`
	FirstSeen     string   `json:"first_seen"`
	LastSeen      string   `json:"last_seen"`
	AnalyticRefs  []string `json:"x_mitre_analytic_refs"`
	LogSourceRefs []struct {
		DataComponent string `json:"x_mitre_data_component_ref"`
		Name          string `json:"name"`
		Channel       string `json:"channel"`
	} `json:"x_mitre_log_source_references"`
	LogSources []struct {
		Name    string `json:"name"`
		Channel string `json:"channel"`
	} `json:"x_mitre_log_sources"`
	Version   string `json:"x_mitre_version"`
	RelType   string `json:"relationship_type"`
	SourceRef string `json:"source_ref"`
	TargetRef string `json:"target_ref"`
}

// BenchmarkLoadEnterpriseStdlib decodes the same bytes with encoding/json
// into typed structs holding the same members: the baseline for
// BenchmarkLoadEnterprise (which also builds the catalog).
func BenchmarkLoadEnterpriseStdlib(b *testing.B) {
	raw := enterpriseJSON(b)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		var bundle stdBundle
		if err := stdjson.NewDecoder(bytes.NewReader(raw)).Decode(&bundle); err != nil {
			b.Fatal(err)
		}
	}
}
