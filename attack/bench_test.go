package attack

import (
	"bytes"
	"compress/gzip"
	stdjson "encoding/json"
	"io"
	"os"
	"runtime"
	"runtime/metrics"
	"slices"
	"testing"
	"time"

	"github.com/debrief-dev/debrief/attack/data"
	"github.com/debrief-dev/debrief/attack/internal/model"
	"github.com/debrief-dev/debrief/internal/testutil"
)

// BenchmarkEmbedded measures the time from the embedded bytes to a ready
// catalog, as the first Embedded call in a process pays it.
func BenchmarkEmbedded(b *testing.B) {
	b.SetBytes(int64(len(data.Snapshot())))
	b.ReportAllocs()
	h := startHeapPeak()
	for b.Loop() {
		if _, err := loadEmbedded(); err != nil {
			b.Fatal(err)
		}
	}
	h.report(b)
}

// BenchmarkEmbeddedDecode measures the snapshot decoding alone, without
// building the catalog's indexes.
func BenchmarkEmbeddedDecode(b *testing.B) {
	b.ReportAllocs()
	h := startHeapPeak()
	for b.Loop() {
		if _, err := model.DecodeSnapshot(data.Snapshot()); err != nil {
			b.Fatal(err)
		}
	}
	h.report(b)
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

// heapPeak samples the heap in use while a benchmark runs. The peak it
// reports is above the heap in use when it started (the input bytes the
// benchmark holds are not counted).
// It also reports the process's CPU time per operation.
type heapPeak struct {
	base, peak uint64
	cpu        time.Duration
	stop, done chan struct{}
}

var heapSample = []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}

func heapInUse() uint64 {
	s := slices.Clone(heapSample)
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func startHeapPeak() *heapPeak {
	runtime.GC()
	h := &heapPeak{base: heapInUse(), cpu: cpuTime(), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			h.peak = max(h.peak, heapInUse())
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

// report stops sampling and reports the peak in MB and the CPU time.
func (h *heapPeak) report(b *testing.B) {
	cpu := cpuTime() - h.cpu
	close(h.stop)
	<-h.done
	b.ReportMetric(float64(h.peak-min(h.base, h.peak))/1e6, "peak-heap-MB")
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/1e3/float64(b.N), "cpu-ms/op")
	}
}

// BenchmarkLoadEnterprise measures Load on the 41 MB Enterprise bundle.
func BenchmarkLoadEnterprise(b *testing.B) {
	raw := enterpriseJSON(b)
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	h := startHeapPeak()
	for b.Loop() {
		if _, err := Load(bytes.NewReader(raw)); err != nil {
			b.Fatal(err)
		}
	}
	h.report(b)
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
	h := startHeapPeak()
	for b.Loop() {
		if _, err := Load(bytes.NewReader(gz)); err != nil {
			b.Fatal(err)
		}
	}
	h.report(b)
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
	h := startHeapPeak()
	for b.Loop() {
		var bundle stdBundle
		if err := stdjson.NewDecoder(bytes.NewReader(raw)).Decode(&bundle); err != nil {
			b.Fatal(err)
		}
	}
	h.report(b)
}

// BenchmarkResolveTechnique measures the lookup ingest makes for every
// technique of every alert: an id in canonical form, a revoked one, and an
// unknown one.
func BenchmarkResolveTechnique(b *testing.B) {
	c, err := Embedded()
	if err != nil {
		b.Fatal(err)
	}
	ids := []string{"T1059.001", "T1086", "T9999"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if l := c.ResolveTechnique(ids[i%3]); l.Known() != (i%3 != 2) {
			b.Fatalf("%s: %+v", ids[i%3], l)
		}
		i++
	}
}
