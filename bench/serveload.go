package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/debrief-dev/debrief/postgres"
)

// loadOptions bound the load run: every workload stops at Requests
// requests or after Duration, whichever comes first.
type loadOptions struct {
	Clients      int           // concurrent clients
	Requests     int           // most requests per workload
	Duration     time.Duration // longest a workload runs
	Days         int           // simulated days in the store
	PerDay       float64       // simulated incidents per day
	IngestAlerts int           // alerts per ingest request
	DB           string        // "": a SQLite file in a temporary folder; else a SQLite path or postgres:// URL
	Tenant       string        // PostgreSQL: the tenant to fill and serve
	Incidents    int           // PostgreSQL: multiply the simulated history to about this many incidents
	Fill         bool          // false: load the store as it is (filled by an earlier run)
	PGData       string        // PostgreSQL's data folder, to count its processes' CPU time; "": not counted
	Bin          string        // a debrief binary built earlier (e.g. a baseline); "": build ./cmd/debrief
	Only         string        // run only the workloads whose name holds this ("ingest"); "": all
}

// workload is one endpoint under load: req builds the i-th request.
type workload struct {
	name   string
	alerts int // per request, for alerts/s; 0 when not an ingest
	req    func(i int) (*http.Request, error)
}

// loadResult is what a workload measured.
type loadResult struct {
	name      string
	requests  int
	errors    int
	firstErr  string
	elapsed   time.Duration
	latencies []time.Duration
	alerts    int
	cpu       cpuUse
}

// serveLoad builds debrief, fills a store with a simulated history, starts
// "debrief serve" on a free loopback port and puts each workload under
// load with o.Clients clients, then prints req/s and latency percentiles.
func serveLoad(o loadOptions) error {
	if o.Clients < 1 || o.Requests < 1 || o.Duration <= 0 || o.IngestAlerts < 1 {
		return errors.New("-clients, -requests, -duration and -ingest-alerts must be positive")
	}
	dir, err := os.MkdirTemp("", "debrief-load-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	d := &debriefCLI{bin: filepath.Join(dir, "debrief"), home: dir, db: o.DB}
	if isPostgres(o.DB) {
		d.tenant = o.Tenant
	}
	if o.Bin != "" {
		d.bin = o.Bin
	} else if err := run(exec.Command("go", "build", "-o", d.bin, "./cmd/debrief")); err != nil {
		return fmt.Errorf("build debrief: %w", err)
	}
	n := "as it was"
	if o.Fill {
		stored, err := d.fill(o)
		if err != nil {
			return err
		}
		n = fmt.Sprint(stored)
	}
	secret, err := d.output("token", "create", "--role", "analyst", "--name", "load", "-q")
	if err != nil {
		return err
	}
	base, srv, stop, err := d.serve()
	if err != nil {
		return err
	}
	defer stop()
	c := &client{base: base, token: strings.TrimSpace(secret),
		http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: o.Clients}}}
	var ids []string
	if o.Only == "" || strings.Contains("GET /api/v1/incidents/{id}/review", o.Only) {
		if ids, err = c.incidentIDs(200); err != nil {
			return err
		}
	}
	var deep deepPage
	if o.Only == "" || strings.Contains(deepWorkloads, o.Only) {
		if deep, err = c.deepPage(o.Incidents); err != nil {
			return err
		}
	}
	pg, err := postmaster(o.PGData)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "store %s: %s incidents; %d clients, at most %d requests or %s per workload\n",
		d.where(), n, o.Clients, o.Requests, o.Duration)
	var results []loadResult
	for _, w := range append(c.workloads(ids, o.IngestAlerts, time.Now().UnixNano()), c.deepWorkloads(deep)...) {
		if !strings.Contains(w.name, o.Only) {
			continue
		}
		fmt.Fprintf(os.Stderr, "load: %s…\n", w.name)
		before := sampleCPU(srv, pg)
		r := c.hammer(w, o)
		r.cpu = sampleCPU(srv, pg).since(before)
		results = append(results, r)
	}
	printLoad(results, o)
	return nil
}

func run(cmd *exec.Cmd) error {
	cmd.Stderr = os.Stderr
	return cmd.Run()
}

// debriefCLI runs the built debrief with its own data directory, on the
// store db (a file in it when empty) and tenant.
type debriefCLI struct {
	bin, home, db, tenant string
}

func (d *debriefCLI) command(args ...string) *exec.Cmd {
	cmd := exec.Command(d.bin, args...)
	cmd.Env = append(os.Environ(), "DEBRIEF_HOME="+d.home, "DEBRIEF_DB="+d.db, "DEBRIEF_TENANT="+d.tenant)
	return cmd
}

// where names the store without a password.
func (d *debriefCLI) where() string {
	if d.db == "" {
		return "sqlite (temporary)"
	}
	if isPostgres(d.db) {
		u, err := url.Parse(d.db)
		if err != nil {
			return "postgres"
		}
		return u.Redacted() + " tenant " + d.tenant
	}
	return "sqlite " + d.db
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

func (d *debriefCLI) output(args ...string) (string, error) {
	cmd := d.command(args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("debrief %s: %w", strings.Join(args, " "), err)
	}
	return string(out), nil
}

// fill simulates a history and ingests it, through "debrief ingest"; on
// PostgreSQL it then multiplies it inside the database to about
// o.Incidents incidents (postgres.Replicate). It returns the incidents
// stored.
func (d *debriefCLI) fill(o loadOptions) (int64, error) {
	if err := d.mustBeEmpty(); err != nil {
		return 0, err
	}
	sim := filepath.Join(d.home, "sim")
	fmt.Fprintf(os.Stderr, "simulating %d days of %.0f incidents a day…\n", o.Days, o.PerDay)
	if _, err := d.output("simulate", "-q", "--days", fmt.Sprint(o.Days), "--incidents-per-day", fmt.Sprint(o.PerDay), "--out", sim); err != nil {
		return 0, err
	}
	start := time.Now()
	if _, err := d.output("ingest", "-q", sim); err != nil {
		return 0, err
	}
	out, err := d.output("incidents", "--json", "--since", "3650d")
	if err != nil {
		return 0, err
	}
	var list []json.RawMessage
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		return 0, fmt.Errorf("incidents --json: %w", err)
	}
	base := int64(len(list))
	fmt.Fprintf(os.Stderr, "ingested %d incidents in %.1f s\n", base, time.Since(start).Seconds())
	if o.Incidents <= int(base) || base == 0 {
		return base, nil
	}
	if !isPostgres(d.db) {
		return 0, errors.New("-incidents beyond the simulated history needs a PostgreSQL store (-db postgres://…)")
	}
	copies := (int64(o.Incidents)+base-1)/base - 1
	ctx := context.Background()
	st, err := postgres.OpenTenant(ctx, d.db, d.tenant)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	fmt.Fprintf(os.Stderr, "replicating %d incidents %d times in the database…\n", base, copies)
	start = time.Now()
	n, err := st.Replicate(ctx, int(copies), time.Duration(o.Days)*24*time.Hour)
	if err != nil {
		return 0, err
	}
	fmt.Fprintf(os.Stderr, "%d incidents in %.1f s\n", n, time.Since(start).Seconds())
	return n, nil
}

// mustBeEmpty refuses to fill a store that holds incidents: a load run
// fills a fresh store or tenant, or loads an earlier run's with -fill=false.
func (d *debriefCLI) mustBeEmpty() error {
	if d.db == "" {
		return nil
	}
	out, err := d.output("incidents", "--json", "--limit", "1")
	if err != nil {
		return err
	}
	if strings.TrimSpace(out) != "[]" {
		return fmt.Errorf("store %s already holds incidents: load it as it is with -fill=false, or name another -db or -tenant", d.where())
	}
	return nil
}

// serve starts "debrief serve" on a free loopback port, without a rate
// limit that would measure itself, and returns its URL and how to stop it.
func (d *debriefCLI) serve() (string, int, func(), error) {
	cmd := d.command("serve", "--addr", "127.0.0.1:0", "--rate", "1e9", "--burst", "1000000000")
	logs, err := cmd.StderrPipe()
	if err != nil {
		return "", 0, nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", 0, nil, fmt.Errorf("debrief serve: %w", err)
	}
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
		}
	}
	lines := bufio.NewScanner(logs)
	for lines.Scan() {
		var rec struct{ Msg, URL string }
		if json.Unmarshal(lines.Bytes(), &rec) == nil && rec.Msg == "listening" {
			go io.Copy(io.Discard, logs) // the access log
			u, err := url.Parse(rec.URL)
			if err != nil || !net.ParseIP(u.Hostname()).IsLoopback() {
				stop()
				return "", 0, nil, fmt.Errorf("debrief serve listens on %q, want loopback", rec.URL)
			}
			return rec.URL, cmd.Process.Pid, stop, nil
		}
		fmt.Fprintln(os.Stderr, lines.Text())
	}
	stop()
	return "", 0, nil, errors.New("debrief serve exited before it listened")
}

// client calls the API with one token.
type client struct {
	base, token string
	http        *http.Client
}

func (c *client) request(method, path string, body []byte) (*http.Request, error) {
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	return req, nil
}

// do sends req and drains the answer; a status other than 200 is an error.
func (c *client) do(req *http.Request) error {
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %d %.200s", req.Method, req.URL.Path, resp.StatusCode, b)
	}
	return nil
}

// incidentIDs returns the ids of up to n incidents, newest first.
func (c *client) incidentIDs(n int) ([]string, error) {
	req, err := c.request("GET", fmt.Sprintf("/api/v1/incidents?limit=%d", n), nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var page struct {
		Incidents []struct{ ID string } `json:"incidents"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		return nil, fmt.Errorf("incident list: %w", err)
	}
	if len(page.Incidents) == 0 {
		return nil, errors.New("the store has no incidents to review")
	}
	var ids []string
	for _, in := range page.Incidents {
		ids = append(ids, in.ID)
	}
	return ids, nil
}

// workloads are the endpoints under load; run names this run's ingested
// alerts, so that a run on a store an earlier run loaded stores new ones.
func (c *client) workloads(ids []string, alerts int, run int64) []workload {
	return []workload{
		{name: "GET /api/v1/incidents?limit=50", req: func(i int) (*http.Request, error) {
			return c.request("GET", "/api/v1/incidents?limit=50", nil)
		}},
		{name: "GET /api/v1/incidents/{id}/review", req: func(i int) (*http.Request, error) {
			return c.request("GET", "/api/v1/incidents/"+url.PathEscape(ids[i%len(ids)])+"/review?format=json", nil)
		}},
		{name: fmt.Sprintf("POST /api/v1/ingest (%d alerts)", alerts), alerts: alerts, req: func(i int) (*http.Request, error) {
			return c.request("POST", "/api/v1/ingest", alertBatch(run, i, alerts))
		}},
	}
}

// hammer runs w with o.Clients clients until o.Requests requests were
// sent or o.Duration passed.
func (c *client) hammer(w workload, o loadOptions) loadResult {
	var next atomic.Int64
	var mu sync.Mutex
	res := loadResult{name: w.name}
	deadline := time.Now().Add(o.Duration)
	ctx, cancel := context.WithDeadline(context.Background(), deadline.Add(30*time.Second))
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for range o.Clients {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= o.Requests || time.Now().After(deadline) {
					return
				}
				req, err := w.req(i)
				var took time.Duration
				if err == nil {
					t0 := time.Now()
					err = c.do(req.WithContext(ctx))
					took = time.Since(t0)
				}
				mu.Lock()
				res.requests++
				if err != nil {
					res.errors++
					res.firstErr = cmpOr(res.firstErr, err.Error())
				} else {
					res.latencies = append(res.latencies, took)
					res.alerts += w.alerts
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	return res
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// alertBatch is the i-th ingest payload of a run: n Elastic alerts with ids
// of their own, so that every batch stores new alerts.
func alertBatch(run int64, i, n int) []byte {
	var b bytes.Buffer
	hosts := []string{"ws-0142", "ws-0388", "srv-dc01", "srv-sql02", "lt-0917"}
	for k := range n {
		id := fmt.Sprintf("load-%x-%06d-%05d", run, i, k)
		host := hosts[(i+k)%len(hosts)]
		at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i*n+k) * time.Second)
		fmt.Fprintf(&b, `{"_id":%q,"_source":{"@timestamp":%q,"kibana.alert.uuid":%q,"kibana.alert.rule.name":"Encoded PowerShell","kibana.alert.rule.uuid":"r%04d","kibana.alert.severity":"medium","kibana.alert.workflow_status":"open","kibana.alert.rule.threat":[{"framework":"MITRE ATT&CK","tactic":{"id":"TA0002","name":"Execution"},"technique":[{"id":"T1059","name":"Command and Scripting Interpreter","subtechnique":[{"id":"T1059.001","name":"PowerShell"}]}]}],"host":{"name":%q},"user":{"name":"user%d"}}}`+"\n",
			id, at.Format(time.RFC3339), id, k%40, host, k%300)
	}
	return b.Bytes()
}

// percentile returns the p-th percentile (0–100) of sorted latencies.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p/100))]
}

func printLoad(results []loadResult, o loadOptions) {
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "work\tclients\trequests\terrors\ttime\treq/s\tp50\tp99\talerts/s\tserver cpu\tpostgres cpu\tload cpu\tother cpu\tidle\tcpu-ms/req server+pg\tload\treq/s on 2 free cores\t\n")
	for _, r := range results {
		slices.Sort(r.latencies)
		ok := len(r.latencies)
		alerts := "-"
		if r.alerts > 0 {
			alerts = fmt.Sprintf("%.0f", float64(r.alerts)/r.elapsed.Seconds())
		}
		c := r.cpu
		busy := c.total - c.idle - c.server - c.pg - c.load
		perReq, loadPerReq, free := "-", "-", "-"
		if ok > 0 {
			sp := (c.server + c.pg) / float64(ok)
			perReq, loadPerReq = fmt.Sprintf("%.2f", 1000*sp), fmt.Sprintf("%.2f", 1000*c.load/float64(ok))
			if sp+c.load/float64(ok) > 0 {
				free = fmt.Sprintf("%.0f", 2/(sp+c.load/float64(ok)))
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.1f s\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.name, o.Clients, r.requests, r.errors, r.elapsed.Seconds(),
			float64(ok)/r.elapsed.Seconds(), ms(percentile(r.latencies, 50)), ms(percentile(r.latencies, 99)), alerts,
			c.share(c.server), c.share(c.pg), c.share(c.load), c.share(busy), c.share(c.idle), perReq, loadPerReq, free)
	}
	tw.Flush()
	fmt.Println("cpu: share of the machine's cores while the work ran: debrief serve, PostgreSQL (with -pg-data), this")
	fmt.Println("load generator, and everything else on the machine. The load generator shares the cores, and so may")
	fmt.Println("other work: cpu-ms/req is what one request cost the server and PostgreSQL, and the load generator;")
	fmt.Println("req/s on 2 free cores is 2 s of CPU over the three together, the rate if nothing else ran.")
	for _, r := range results {
		if r.firstErr != "" {
			fmt.Fprintf(os.Stderr, "%s: first error: %s\n", r.name, r.firstErr)
		}
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

// cpuUse is CPU time over a workload, in seconds: the machine's (all
// cores, busy and idle), the server's and this program's. The load
// generator shares the cores with the server and the database, so its
// share says how much of the machine the numbers had.
type cpuUse struct {
	total, idle, server, load, pg float64
}

// clockTick is the unit of /proc's CPU times (USER_HZ, 100 on Linux).
const clockTick = 0.01

// postmaster returns the PID of the PostgreSQL server of the data folder
// dir, from its postmaster.pid; 0 when dir is "".
func postmaster(dir string) (int, error) {
	if dir == "" {
		return 0, nil
	}
	b, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		return 0, fmt.Errorf("-pg-data: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		return 0, fmt.Errorf("-pg-data: %s/postmaster.pid: want a PID on the first line", dir)
	}
	return pid, nil
}

// procCPU reads a process's CPU seconds from /proc/PID/stat: its own, and
// with withChildren also that of its children that ended and were waited
// for; and its parent's PID.
func procCPU(pid int, withChildren bool) (float64, int) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0
	}
	// Fields after the command's closing parenthesis: ppid is the 2nd,
	// utime, stime, cutime and cstime the 12th to 15th.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 15 {
		return 0, 0
	}
	ppid, _ := strconv.Atoi(f[1])
	n := 2
	if withChildren {
		n = 4
	}
	var ticks float64
	for _, v := range f[11 : 11+n] {
		x, _ := strconv.ParseFloat(v, 64)
		ticks += x
	}
	return ticks * clockTick, ppid
}

// pgCPU is the CPU time of PostgreSQL: the postmaster with its ended
// children, and its living children (backends, writers).
func pgCPU(pm int) float64 {
	total, _ := procCPU(pm, true)
	procs, _ := os.ReadDir("/proc")
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil || pid == pm {
			continue
		}
		if cpu, ppid := procCPU(pid, false); ppid == pm {
			total += cpu
		}
	}
	return total
}

// sampleCPU reads the CPU times so far; what /proc does not give stays 0.
func sampleCPU(serverPID, pgPID int) cpuUse {
	var c cpuUse
	if b, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := strings.Cut(string(b), "\n")
		for i, f := range strings.Fields(line)[1:] {
			v, _ := strconv.ParseFloat(f, 64)
			if i < 8 { // user nice system idle iowait irq softirq steal
				c.total += v * clockTick
			}
			if i == 3 || i == 4 {
				c.idle += v * clockTick
			}
		}
	}
	c.server, _ = procCPU(serverPID, false)
	if pgPID > 0 {
		c.pg = pgCPU(pgPID)
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		c.load = time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	}
	return c
}

func (c cpuUse) since(before cpuUse) cpuUse {
	return cpuUse{c.total - before.total, c.idle - before.idle, c.server - before.server, c.load - before.load, c.pg - before.pg}
}

// share formats v as a share of the machine's CPU time.
func (c cpuUse) share(v float64) string {
	if c.total <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*v/c.total)
}

// The workloads of a page deep in the incident list: read by cursor, and
// by offset as the baseline ("-only deep" runs both).
const (
	deepAfter     = "GET /api/v1/incidents?after=<deep>&limit=50"
	deepOffset    = "GET /api/v1/incidents?offset=<deep>&limit=50"
	deepWorkloads = deepAfter + " " + deepOffset
)

// deepPage is a place about 90% down the incident list: its offset and
// the cursor of the incident there.
type deepPage struct {
	offset int
	cursor string
}

// deepPage finds a page about 90% down a list of about n incidents (0: a
// million), halving the depth until the list reaches it.
func (c *client) deepPage(n int) (deepPage, error) {
	for off := max(n, 1_000_000) * 9 / 10; off > 0; off /= 2 {
		req, err := c.request("GET", fmt.Sprintf("/api/v1/incidents?limit=1&offset=%d", off), nil)
		if err != nil {
			return deepPage{}, err
		}
		resp, err := c.http.Do(req)
		if err != nil {
			return deepPage{}, err
		}
		var page struct {
			Next string `json:"next"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			return deepPage{}, fmt.Errorf("incident list at offset %d: %w", off, err)
		}
		if page.Next != "" {
			return deepPage{offset: off + 1, cursor: page.Next}, nil
		}
	}
	return deepPage{}, errors.New("the incident list is too short for a deep page")
}

// deepWorkloads read the same page deep in the list by cursor and by
// offset; none when deep was not looked up.
func (c *client) deepWorkloads(deep deepPage) []workload {
	if deep.cursor == "" {
		return nil
	}
	return []workload{
		{name: deepAfter, req: func(int) (*http.Request, error) {
			return c.request("GET", "/api/v1/incidents?limit=50&after="+url.QueryEscape(deep.cursor), nil)
		}},
		{name: deepOffset, req: func(int) (*http.Request, error) {
			return c.request("GET", fmt.Sprintf("/api/v1/incidents?limit=50&offset=%d", deep.offset), nil)
		}},
	}
}
