package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestServeKilledDuringIngest runs the real binary: clients post ingest
// payloads while "debrief serve" is killed with SIGKILL, one of them half
// way through sending its body; the server is started again and every
// payload is sent again. Every alert of an acknowledged payload must be
// stored, and the store must end as a clean ingest of the same payloads
// leaves one: no alert or incident twice. It runs on SQLite, and on
// PostgreSQL when DEBRIEF_TEST_POSTGRES is set.
func TestServeKilledDuringIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "debrief")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	payloads := make([][]byte, 24)
	for i := range payloads {
		payloads[i] = killPayload(i, 150)
	}
	stores := map[string]func(t *testing.T) (db, tenant string){
		"sqlite": func(t *testing.T) (string, string) { return filepath.Join(t.TempDir(), "debrief.db"), "" },
		"postgres": func(t *testing.T) (string, string) {
			return testPostgres(t), fmt.Sprintf("kill-%d", time.Now().UnixNano())
		},
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			db, tenant := open(t)
			d := &binary{t: t, bin: bin, home: t.TempDir(), db: db, tenant: tenant}
			secret := strings.TrimSpace(d.output("token", "create", "--role", "analyst", "-q"))

			srv := d.serve()
			acked := postAll(t, srv.url, secret, payloads, 4, func(n int) {
				if n == 6 { // acknowledged six: kill while a body is half sent
					halfSent(t, srv.url, secret, payloads[len(payloads)-1])
					srv.kill()
				}
			})
			if len(acked) < 6 {
				t.Fatalf("%d payloads acknowledged before the kill, want at least 6", len(acked))
			}
			srv = d.serve()
			got := alertSet(t, state(t, srv.url, secret))
			for _, i := range acked {
				for _, id := range killAlertIDs(i, 150) {
					if !got[id] {
						t.Fatalf("payload %d was acknowledged but alert %s is not stored after the kill", i, id)
					}
				}
			}
			if again := postAll(t, srv.url, secret, payloads, 4, nil); len(again) != len(payloads) {
				t.Fatalf("retry: %d of %d payloads acknowledged", len(again), len(payloads))
			}
			after := state(t, srv.url, secret)
			srv.stop()

			clean := &binary{t: t, bin: bin, home: t.TempDir(), db: filepath.Join(t.TempDir(), "clean.db")}
			csecret := strings.TrimSpace(clean.output("token", "create", "--role", "analyst", "-q"))
			csrv := clean.serve()
			postAll(t, csrv.url, csecret, payloads, 1, nil)
			want := state(t, csrv.url, csecret)
			csrv.stop()
			if n := len(alertSet(t, after)); n != len(payloads)*150 {
				t.Errorf("after kill and retry: %d alerts, want %d", n, len(payloads)*150)
			}
			if !maps.EqualFunc(after, want, slices.Equal) {
				t.Errorf("after kill and retry: %d incidents, a clean ingest makes %d", len(after), len(want))
			}
		})
	}
}

// binary runs the built debrief on one store.
type binary struct {
	t                     *testing.T
	bin, home, db, tenant string
}

func (d *binary) command(args ...string) *exec.Cmd {
	cmd := exec.Command(d.bin, args...)
	cmd.Env = append(os.Environ(), "DEBRIEF_HOME="+d.home, "DEBRIEF_DB="+d.db, "DEBRIEF_TENANT="+d.tenant)
	return cmd
}

func (d *binary) output(args ...string) string {
	d.t.Helper()
	var errb bytes.Buffer
	cmd := d.command(args...)
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil {
		d.t.Fatalf("debrief %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return string(out)
}

// state reads the store through the API: each incident's id with its
// alerts' ids, sorted.
func state(t *testing.T, url, secret string) map[string][]string {
	t.Helper()
	get := func(path string, v any) {
		t.Helper()
		req, _ := http.NewRequest("GET", url+path, nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
	}
	var page struct {
		Incidents []struct{ ID string }
		Next      *int `json:"next_offset"`
	}
	get("/api/v1/incidents?limit=1000", &page)
	if page.Next != nil {
		t.Fatal("more than 1000 incidents")
	}
	out := map[string][]string{}
	for _, in := range page.Incidents {
		var full struct {
			Alerts []struct{ ID string }
		}
		get("/api/v1/incidents/"+in.ID, &full)
		ids := []string{}
		for _, a := range full.Alerts {
			ids = append(ids, a.ID)
		}
		slices.Sort(ids)
		out[in.ID] = ids
	}
	return out
}

// alertSet is every alert of a state, failing on one held twice.
func alertSet(t *testing.T, st map[string][]string) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	for in, as := range st {
		for _, a := range as {
			if ids[a] {
				t.Errorf("alert %s is in two incidents (one is %s)", a, in)
			}
			ids[a] = true
		}
	}
	return ids
}

// running is a started "debrief serve".
type running struct {
	url  string
	cmd  *exec.Cmd
	done chan struct{}
}

func (d *binary) serve() *running {
	d.t.Helper()
	cmd := d.command("serve", "--addr", "127.0.0.1:0", "--rate", "1e6", "--burst", "1000000")
	logs, err := cmd.StderrPipe()
	if err != nil {
		d.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		d.t.Fatal(err)
	}
	r := &running{cmd: cmd, done: make(chan struct{})}
	lines := bufio.NewScanner(logs)
	for r.url == "" && lines.Scan() {
		var rec struct{ Msg, URL string }
		if json.Unmarshal(lines.Bytes(), &rec) == nil && rec.Msg == "listening" {
			r.url = rec.URL
		}
	}
	go func() {
		io.Copy(io.Discard, logs)
		cmd.Wait()
		close(r.done)
	}()
	if r.url == "" {
		r.kill()
		d.t.Fatal("debrief serve did not say where it listens")
	}
	d.t.Cleanup(r.kill)
	return r
}

// kill sends SIGKILL and waits for the process to end.
func (r *running) kill() {
	_ = r.cmd.Process.Kill()
	<-r.done
}

// stop interrupts the server and waits for it to shut down.
func (r *running) stop() {
	_ = r.cmd.Process.Signal(os.Interrupt)
	select {
	case <-r.done:
	case <-time.After(20 * time.Second):
		r.kill()
	}
}

// postAll sends the payloads with n clients and returns the indexes of
// those the server acknowledged (200); acked, when set, is called under a
// lock with each new count of acknowledgements. Requests failing because
// the server was killed are not acknowledged.
func postAll(t *testing.T, url, secret string, payloads [][]byte, n int, acked func(int)) []int {
	t.Helper()
	var mu sync.Mutex
	var ok []int
	next := make(chan int)
	go func() {
		for i := range payloads {
			next <- i
		}
		close(next)
	}()
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for i := range next {
				if post(url, secret, bytes.NewReader(payloads[i])) != nil {
					continue
				}
				mu.Lock()
				ok = append(ok, i)
				if acked != nil {
					acked(len(ok))
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	slices.Sort(ok)
	return ok
}

func post(url, secret string, body io.Reader) error {
	req, err := http.NewRequest("POST", url+"/api/v1/ingest", body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("ingest: %d %s", resp.StatusCode, b)
	}
	return nil
}

// halfSent starts an ingest and sends half of its body, then leaves it
// hanging: the server is killed while reading it.
func halfSent(t *testing.T, url, secret string, payload []byte) {
	pr, pw := io.Pipe()
	go func() {
		if post(url, secret, pr) == nil {
			t.Errorf("a payload sent half way was acknowledged")
		}
	}()
	pw.Write(payload[:len(payload)/2])
	time.Sleep(200 * time.Millisecond) // the server reads and decodes what came
	t.Cleanup(func() { pw.Close() })
}

// killPayload is the i-th payload: n Elastic alerts of their own on five
// hosts, so that correlation groups them into incidents.
func killPayload(i, n int) []byte {
	var b bytes.Buffer
	for k, id := range killAlertIDs(i, n) {
		at := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC).Add(time.Duration(i*n+k) * time.Minute)
		fmt.Fprintf(&b, `{"_id":%q,"_source":{"@timestamp":%q,"kibana.alert.uuid":%q,"kibana.alert.rule.name":"Encoded PowerShell","kibana.alert.severity":"medium","kibana.alert.rule.threat":[{"framework":"MITRE ATT&CK","tactic":{"id":"TA0002","name":"Execution"},"technique":[{"id":"T1059","name":"Command and Scripting Interpreter"}]}],"host":{"name":"ws-%d"}}}`+"\n",
			strings.TrimPrefix(id, "elastic:"), at.Format(time.RFC3339), strings.TrimPrefix(id, "elastic:"), (i+k)%5)
	}
	return b.Bytes()
}

func killAlertIDs(i, n int) []string {
	ids := make([]string, n)
	for k := range ids {
		ids[k] = fmt.Sprintf("elastic:kill-%03d-%04d", i, k)
	}
	return ids
}
