package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
)

// crashHelperEnv carries the child's command line (JSON) to
// TestPlaybookCrashHelper.
const crashHelperEnv = "DEBRIEF_TEST_CRASH_HELPER_ARGS"

// TestPlaybookCrashHelper is the debrief process TestPlaybookCrashResume
// kills; it runs only as that test's child.
func TestPlaybookCrashHelper(t *testing.T) {
	raw := os.Getenv(crashHelperEnv)
	if raw == "" {
		t.Skip("runs only as the child process of TestPlaybookCrashResume")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		t.Fatal(err)
	}
	os.Exit(run(context.Background(), args, os.Stdin, os.Stdout, os.Stderr))
}

// TestPlaybookCrashResume kills a live "debrief playbook run" process with
// SIGKILL while its second step is in flight, removes the playbook file, and
// resumes the run: the first step is not repeated, the second is sent again
// with the same idempotency key, the rest runs, and the audit chain holds.
func TestPlaybookCrashResume(t *testing.T) {
	home, dir := t.TempDir(), t.TempDir()
	var first, second atomic.Int32
	keys := make(chan string, 2)
	inFlight, release := make(chan struct{}), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		switch r.URL.Path {
		case "/first":
			first.Add(1)
		case "/second":
			keys <- r.Header.Get("Idempotency-Key")
			if second.Add(1) == 1 {
				close(inFlight)
				select { // held until the runner is dead
				case <-release:
				case <-r.Context().Done():
				}
				return
			}
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer srv.Close()
	defer close(release)
	inc, pb := filepath.Join(dir, "incidents.json"), filepath.Join(dir, "notify.yaml")
	src := `apiVersion: debrief/v1
kind: Playbook
metadata: {name: notify}
trigger:
  all: [{field: severity, op: at_least, values: [high]}]
steps:
  - {id: first, kind: webhook, preset: power_automate, url: "` + srv.URL + `/first", retry: {attempts: 1}}
  - {id: second, kind: webhook, preset: logic_apps, url: "` + srv.URL + `/second", timeout: 1m, retry: {attempts: 1}}
  - {id: note, kind: comment, text: "notified for {{ incident.title }}"}
`
	for p, s := range map[string]string{inc: playbookIncident, pb: src,
		filepath.Join(home, "playbooks.yaml"): "live: true\nwebhook_hosts: [127.0.0.1]\n"} {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, errOut, code := cli(t, home, "", "ingest", inc, "-q"); code != 0 {
		t.Fatalf("ingest: %d %s", code, errOut)
	}

	args, _ := json.Marshal([]string{"playbook", "run", pb, "--incident", "defender:924565", "--live"})
	child := exec.Command(os.Args[0], "-test.run=^TestPlaybookCrashHelper$")
	child.Env = append(os.Environ(), crashHelperEnv+"="+string(args))
	var childOut strings.Builder
	child.Stdout, child.Stderr = &childOut, &childOut
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-inFlight:
	case <-time.After(2 * time.Minute):
		child.Process.Kill()
		t.Fatalf("the runner never reached the second step:\n%s", childOut.String())
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	if err := os.Remove(pb); err != nil { // the resume must not need it
		t.Fatal(err)
	}

	out, errOut, code := cli(t, home, "", "playbook", "runs", "--json")
	var runs []debrief.PlaybookRun
	if code != 0 || json.Unmarshal([]byte(out), &runs) != nil || len(runs) != 1 {
		t.Fatalf("runs after the kill: exit %d\n%s%s", code, out, errOut)
	}
	var states []debrief.RunStatus
	for _, st := range runs[0].Steps {
		states = append(states, st.Status)
	}
	if want := []debrief.RunStatus{debrief.RunSucceeded, debrief.RunRunning, debrief.RunPending}; runs[0].Status != debrief.RunRunning ||
		!slices.Equal(states, want) {
		t.Fatalf("after the kill: run %s, steps %v; want running, steps %v", runs[0].Status, states, want)
	}
	out, errOut, code = cli(t, home, "", "playbook", "run", "--resume", runs[0].ID)
	if code != 0 || !strings.Contains(out, "succeeded") {
		t.Fatalf("resume: exit %d\n%s%s", code, out, errOut)
	}
	if first.Load() != 1 || second.Load() != 2 {
		t.Errorf("first sent %d times, second %d; want 1 and 2", first.Load(), second.Load())
	}
	if k1, k2 := <-keys, <-keys; k1 == "" || k1 != k2 {
		t.Errorf("idempotency keys %q and %q; want the same on the retry", k1, k2)
	}
	if out, _, _ := cli(t, home, "", "incident", "show", "defender:924565"); !strings.Contains(out, "notified for Ransomware on ws-07") {
		t.Errorf("the step after the crash left no comment:\n%s", out)
	}
	if out, errOut, code := cli(t, home, "", "playbook", "audit", "verify"); code != 0 {
		t.Errorf("audit chain after the kill: exit %d\n%s%s", code, out, errOut)
	}
}
