// Command bench runs debrief's benchmarks and prints one table: the work,
// its time, memory and throughput, and its ratio to the baseline measured
// in the same run.
//
// A benchmark's baseline is the benchmark of the same package whose name is
// the same plus "Stdlib" or "Baseline" (BenchmarkLoadEnterprise and
// BenchmarkLoadEnterpriseStdlib). Run it from the module root:
//
//	go run ./bench                 # every package with benchmarks
//	go run ./bench -count 3 ./attack
//	go run ./bench -cpu 1 -bench 'DecodeNormalise|Split|ValidJSON' ./ingest ./ingest/graph
//	go run ./bench -ingest-rss 2   # peak RSS of ingesting a 2 GiB file vs 1/16 of it
//	go run ./bench -serve-load -clients 8   # req/s and p50/p99 of debrief serve (loopback)
//	go run ./bench -serve-load -db postgres://postgres@/postgres?host=/tmp/pg -incidents 1000000
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

type result struct {
	pkg, name string
	n         int
	metrics   map[string]float64 // unit → value (ns/op, B/op, allocs/op, MB/s, custom)
}

func main() {
	count := flag.Int("count", 1, "runs per benchmark (the median is shown)")
	benchtime := flag.String("benchtime", "", "passed to go test -benchtime")
	cpu := flag.String("cpu", "", "passed to go test -cpu, e.g. 1 for the one-core figures of issue #3")
	only := flag.String("bench", ".", "passed to go test -bench: which benchmarks to run")
	rssGiB := flag.Float64("ingest-rss", 0, "instead of the benchmarks, measure the peak RSS of ingesting a generated file of this many GiB")
	load := flag.Bool("serve-load", false, "instead of the benchmarks, load-test 'debrief serve' on loopback over a simulated store")
	var lo loadOptions
	flag.IntVar(&lo.Clients, "clients", 8, "-serve-load: concurrent clients")
	flag.IntVar(&lo.Requests, "requests", 5000, "-serve-load: most requests per endpoint")
	flag.DurationVar(&lo.Duration, "duration", 10*time.Second, "-serve-load: longest an endpoint is loaded")
	flag.IntVar(&lo.Days, "days", 60, "-serve-load: simulated days in the store")
	flag.Float64Var(&lo.PerDay, "per-day", 40, "-serve-load: simulated incidents per day")
	flag.IntVar(&lo.IngestAlerts, "ingest-alerts", 1000, "-serve-load: alerts per ingest request")
	flag.StringVar(&lo.DB, "db", "", "-serve-load: the store, a SQLite path or postgres:// URL (default: a SQLite file in a temporary folder)")
	flag.StringVar(&lo.Tenant, "tenant", "load", "-serve-load: the PostgreSQL tenant to fill and serve")
	flag.IntVar(&lo.Incidents, "incidents", 0, "-serve-load: PostgreSQL: multiply the simulated history in the database to about this many incidents")
	flag.StringVar(&lo.PGData, "pg-data", "", "-serve-load: PostgreSQL's data folder, to count its CPU time (its postmaster.pid)")
	flag.StringVar(&lo.Bin, "bin", "", "-serve-load: a debrief binary to serve (e.g. a baseline build); default: build ./cmd/debrief")
	flag.StringVar(&lo.Only, "only", "", "-serve-load: run only the workloads whose name holds this, e.g. ingest")
	flag.BoolVar(&lo.Fill, "fill", true, "-serve-load: fill the store (it must be empty); false loads it as an earlier run left it")
	flag.Parse()
	if *load {
		if err := serveLoad(lo); err != nil {
			fmt.Fprintf(os.Stderr, "bench: %v\n", err)
			os.Exit(1)
		}
		return
	}
	if *rssGiB > 0 {
		if err := ingestRSS(int64(*rssGiB * (1 << 30))); err != nil {
			fmt.Fprintf(os.Stderr, "bench: %v\n", err)
			os.Exit(1)
		}
		return
	}
	pkgs := flag.Args()
	if len(pkgs) == 0 {
		pkgs = []string{"./..."}
	}
	args := []string{"test", "-run", "^$", "-bench", *only, "-benchmem", "-count", strconv.Itoa(*count)}
	if *benchtime != "" {
		args = append(args, "-benchtime", *benchtime)
	}
	if *cpu != "" {
		args = append(args, "-cpu", *cpu)
	}
	args = append(args, pkgs...)
	fmt.Fprintf(os.Stderr, "go %s\n", strings.Join(args, " "))
	cmd := exec.Command("go", args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		os.Stdout.Write(out)
		fmt.Fprintf(os.Stderr, "bench: go test: %v\n", err)
		os.Exit(1)
	}
	results := parse(out)
	print(results)
}

// parse reads go test -bench output; repeated runs keep the median.
func parse(out []byte) []result {
	runs := map[string][]result{}
	var order []string
	pkg := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: "); ok {
			pkg = p
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		n, err := strconv.Atoi(f[1])
		if err != nil {
			continue
		}
		r := result{pkg: pkg, name: trimProcs(f[0]), n: n, metrics: map[string]float64{}}
		for i := 2; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				r.metrics[f[i+1]] = v
			}
		}
		key := pkg + " " + r.name
		if _, ok := runs[key]; !ok {
			order = append(order, key)
		}
		runs[key] = append(runs[key], r)
	}
	var res []result
	for _, k := range order {
		rs := runs[k]
		sort.Slice(rs, func(i, j int) bool { return rs[i].metrics["ns/op"] < rs[j].metrics["ns/op"] })
		res = append(res, rs[len(rs)/2])
	}
	return res
}

func trimProcs(name string) string {
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			return name[:i]
		}
	}
	return name
}

func baselineOf(r result, all []result) (result, bool) {
	for _, suffix := range []string{"Stdlib", "Baseline"} {
		for _, b := range all {
			if b.pkg == r.pkg && b.name == r.name+suffix {
				return b, true
			}
		}
	}
	return result{}, false
}

func print(results []result) {
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "work\ttime/op\tmemory/op\tallocs/op\tthroughput\tvs baseline\t")
	for _, r := range results {
		ratio := "—"
		if b, ok := baselineOf(r, results); ok && r.metrics["ns/op"] > 0 {
			ratio = fmt.Sprintf("%.2f× faster than %s", b.metrics["ns/op"]/r.metrics["ns/op"], strings.TrimPrefix(b.name, "Benchmark"))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.0f\t%s\t%s\t\n", short(r), dur(r.metrics["ns/op"]), bytesStr(r.metrics["B/op"]),
			r.metrics["allocs/op"], throughput(r.metrics), ratio)
	}
	tw.Flush()
}

func short(r result) string {
	pkg := r.pkg
	if i := strings.Index(pkg, "/debrief/"); i >= 0 {
		pkg = pkg[i+len("/debrief/"):]
	}
	return pkg + " " + strings.TrimPrefix(r.name, "Benchmark")
}

func throughput(m map[string]float64) string {
	var parts []string
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch k {
		case "ns/op", "B/op", "allocs/op":
			continue
		}
		parts = append(parts, fmt.Sprintf("%.4g %s", m[k], k))
	}
	return strings.Join(parts, ", ")
}

func dur(ns float64) string {
	switch {
	case ns >= 1e9:
		return fmt.Sprintf("%.2f s", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.2f µs", ns/1e3)
	}
	return fmt.Sprintf("%.0f ns", ns)
}

func bytesStr(b float64) string {
	switch {
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MiB", b/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f KiB", b/(1<<10))
	}
	return fmt.Sprintf("%.0f B", b)
}
