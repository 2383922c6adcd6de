package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/playbook"
)

const playbookIncident = `{"value":[{"incidentId":924565,"incidentName":"Ransomware on ws-07; rm -rf /","createdTime":"2026-03-01T10:00:00Z",
"lastUpdateTime":"2026-03-01T12:00:00Z","status":"Active","severity":"High","classification":"Unknown","determination":"NotAvailable",
"alerts":[{"alertId":"da924565_1","incidentId":924565,"title":"Files encrypted","severity":"High","status":"New",
"creationTime":"2026-03-01T10:00:00Z","lastUpdatedTime":"2026-03-01T10:00:00Z","category":"Impact","mitreTechniques":["T1486"],
"devices":[{"mdatpDeviceId":"dev-7","deviceDnsName":"ws-07"}],"entities":[]}]}]}`

const playbookFile = `apiVersion: debrief/v1
kind: Playbook
metadata: {name: contain}
trigger:
  all: [{field: severity, op: at_least, values: [high]}, {field: techniques, op: in, values: [T1486]}]
steps:
  - {id: isolate, kind: graph, action: isolate_device, for_each: device, approval: required}
  - {id: note, kind: comment, text: "planned {{ incident.title }}"}
`

// cliCase is a command line, its exit code and a text its output holds.
type cliCase struct {
	name string
	args []string
	code int
	want string
}

func TestPlaybookCLI(t *testing.T) {
	home := t.TempDir()
	dir := t.TempDir()
	inc := filepath.Join(dir, "incidents.json")
	pb := filepath.Join(dir, "contain.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	writeFiles(t, map[string]string{inc: playbookIncident, pb: playbookFile, bad: strings.Replace(playbookFile, "kind: graph", "kind: shell", 1)})
	ingestFile(t, home, inc)
	tests := []cliCase{
		{"lint ok", []string{"playbook", "lint", pb}, 0, "contain.yaml: ok"},
		{"lint bad", []string{"playbook", "lint", pb, bad}, 1, `bad.yaml:7: steps[0].kind: kind "shell"`},
		{"test", []string{"playbook", "test", pb, "--incident", "924565"}, 0, "✓ all: techniques in [T1486]"},
		{"replay", []string{"playbook", "replay", pb, "--since", "2026-01-01"}, 0, "1 of 1 incidents"},
		{"replay json", []string{"playbook", "replay", pb, "--since", "2026-01-01", "--json"}, 0, `"median_saved_seconds": 0`},
		{"suggest", []string{"playbook", "suggest", "defender:924565"}, 0, "action: isolate_device"},
		{"dry run", []string{"playbook", "run", pb, "--incident", "defender:924565"}, 0, "isolate device device:ws-07"},
		{"dry run json", []string{"playbook", "run", pb, "--incident", "defender:924565", "--json"}, 0, `"approval_timeout_seconds": 86400`},
		{"live refused", []string{"playbook", "run", pb, "--incident", "defender:924565", "--live"}, 1, "live runs are off"},
		{"audit", []string{"playbook", "audit", "verify"}, 0, "chain intact"},
		{"missing incident flag", []string{"playbook", "run", pb}, 2, "--incident"},
	}
	for _, tc := range tests {
		if tc.name == "dry run" {
			// The request goes to the Defender machine id, not the host name.
			out, _, _ := cli(t, home, "", append(tc.args, "--json")...)
			if !strings.Contains(out, "/api/machines/dev-7/isolate") {
				t.Errorf("dry-run plan does not isolate machine dev-7:\n%s", out)
			}
		}
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := cli(t, home, "", tc.args...)
			if code != tc.code || !strings.Contains(out+errOut, tc.want) {
				t.Errorf("exit %d (want %d), output lacks %q:\n%s%s", code, tc.code, tc.want, out, errOut)
			}
		})
	}
}

func TestPlaybookLiveApproval(t *testing.T) {
	home := t.TempDir()
	dir := t.TempDir()
	var isolated atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/token":
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"access_token":"tok","token_type":"Bearer","expires_in":3600}`)
		case "/api/machines/dev-7/isolate":
			if r.Header.Get("Authorization") == "Bearer tok" {
				isolated.Add(1)
			}
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"id":"ma-9"}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	t.Setenv("PB_SECRET", "s")
	cfg := "live: true\ngraph:\n  client_id: app\n  client_secret_env: PB_SECRET\n  token_url: " + srv.URL + "/token\n  graph_url: " + srv.URL + "\n  defender_url: " + srv.URL + "\n"
	inc, pb := filepath.Join(dir, "incidents.json"), filepath.Join(dir, "contain.yaml")
	writeFiles(t, map[string]string{inc: playbookIncident, pb: playbookFile, filepath.Join(home, "playbooks.yaml"): cfg})
	ingestFile(t, home, inc)
	out, errOut, code := cli(t, home, "", "playbook", "run", pb, "--incident", "defender:924565", "--live")
	if code != 0 || !strings.Contains(out, "waiting") || isolated.Load() != 0 {
		t.Fatalf("live run: exit %d\n%s%s", code, out, errOut)
	}
	runID := strings.Fields(out)[0]
	// The run keeps its playbook: approving continues it without the file.
	if err := os.Remove(pb); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = cli(t, home, "", "playbook", "approve", runID, "isolate#device:ws-07", "--by", "lead")
	if code != 0 || !strings.Contains(out, "succeeded") || isolated.Load() != 1 {
		t.Fatalf("approve: exit %d, %d isolations\n%s%s", code, isolated.Load(), out, errOut)
	}
	out, _, _ = cli(t, home, "", "incident", "show", "defender:924565")
	if !strings.Contains(out, "planned Ransomware on ws-07; rm -rf /") {
		t.Errorf("comment step left no comment:\n%s", out)
	}
	if out, errOut, code := cli(t, home, "", "playbook", "audit", "verify"); code != 0 {
		t.Errorf("audit: %d %s%s", code, out, errOut)
	}
	// Denying with --json prints the run, denied, and nothing else.
	writeFiles(t, map[string]string{pb: playbookFile})
	out, _, _ = cli(t, home, "", "playbook", "run", pb, "--incident", "defender:924565", "--live")
	out, errOut, code = cli(t, home, "", "playbook", "approve", strings.Fields(out)[0], "isolate#device:ws-07", "--deny", "--json")
	var denied debrief.PlaybookRun
	if err := json.Unmarshal([]byte(out), &denied); code != 0 || err != nil || denied.Status != debrief.RunDenied || isolated.Load() != 1 {
		t.Errorf("approve --deny --json: exit %d, %v\n%s%s", code, err, out, errOut)
	}
}

// TestPlaybookLintHosts: with a config, lint names every webhook whose host
// is not in webhook_hosts, with its line; exit 1.
func TestPlaybookLintHosts(t *testing.T) {
	home, dir := t.TempDir(), t.TempDir()
	pb := filepath.Join(dir, "notify.yaml")
	cfg := filepath.Join(dir, "cfg.yaml")
	src := `apiVersion: debrief/v1
kind: Playbook
metadata: {name: notify}
trigger:
  all: [{field: severity, op: at_least, values: [high]}]
steps:
  - {id: flow, kind: webhook, preset: power_automate, url: "https://prod-01.westus.logic.azure.com/workflows/1/triggers/manual/paths/invoke?sig=X"}
  - {id: chat, kind: webhook, preset: teams, text: hi, url: "https://chat.example.org/hook"}
  - {id: env, kind: webhook, preset: slack, text: hi, url_env: PB_LINT_SLACK}
`
	t.Setenv("PB_LINT_SLACK", "https://hooks.slack.example/services/T/B/SECRETPART")
	writeFiles(t, map[string]string{pb: src, cfg: "webhook_hosts: ['*.logic.azure.com', hooks.slack.com]\n"})
	out, errOut, code := cli(t, home, "", "playbook", "lint", pb, "--config", cfg)
	for _, want := range []string{`notify.yaml:8: steps[1].url: host "chat.example.org" is not in the config's webhook_hosts`,
		`notify.yaml:9: steps[2].url_env: host "hooks.slack.example" (from $PB_LINT_SLACK)`} {
		if code != 1 || !strings.Contains(out, want) {
			t.Errorf("exit %d (want 1), output lacks %q:\n%s%s", code, want, out, errOut)
		}
	}
	if strings.Contains(out+errOut, "SECRETPART") || strings.Contains(out, "flow") {
		t.Errorf("lint shows a secret or flags the allowed host:\n%s", out)
	}
	// Without a config, lint says the hosts were not checked.
	if out, errOut, code := cli(t, home, "", "playbook", "lint", pb); code != 0 || !strings.Contains(errOut, "webhook hosts are not checked") {
		t.Errorf("no config: exit %d\n%s%s", code, out, errOut)
	}
}

// TestPlaybookApprovalTimeoutCLI: a step whose approval_timeout passed is
// denied by "playbook runs", and approving it afterwards is refused.
func TestPlaybookApprovalTimeoutCLI(t *testing.T) {
	home, pb := timeoutSetup(t)
	runID := overdueRun(t, home, pb)
	out, errOut, code := cli(t, home, "", "playbook", "runs", "--incident", "924565")
	if code != 0 || !strings.Contains(out, runID) || !strings.Contains(out, "approval timed out") || strings.Contains(out, "waiting") {
		t.Fatalf("runs: exit %d, want the step denied (approval timed out)\n%s%s", code, out, errOut)
	}
	out, errOut, code = cli(t, home, "", "playbook", "approve", runID, "isolate#device:ws-07")
	if code != 1 || !strings.Contains(errOut, "approval timed out") {
		t.Errorf("approve after the deadline: exit %d, want 1 and why\n%s%s", code, out, errOut)
	}
	audit, err := os.ReadFile(filepath.Join(home, "playbook-audit.jsonl"))
	if err != nil || strings.Count(string(audit), `"event":"approval.timeout"`) != 1 {
		t.Errorf("audit log wants one approval.timeout entry: %v\n%s", err, audit)
	}
	// Showing the audit log denies overdue approvals first.
	second := overdueRun(t, home, pb)
	out, errOut, code = cli(t, home, "", "playbook", "audit", "show", "--run", second)
	if code != 0 || !strings.Contains(out, "approval.timeout") || !strings.Contains(out, "run.start") || strings.Contains(out, runID) {
		t.Errorf("audit show --run: exit %d, want the second run's entries with its timeout\n%s%s", code, out, errOut)
	}
	// So does verifying it: the head it prints covers the third run's timeout.
	overdueRun(t, home, pb)
	out, errOut, code = cli(t, home, "", "playbook", "audit", "verify")
	audit, _ = os.ReadFile(filepath.Join(home, "playbook-audit.jsonl"))
	if code != 0 || !strings.Contains(out, "chain intact") || strings.Count(string(audit), `"event":"approval.timeout"`) != 3 {
		t.Errorf("audit verify: exit %d, want 3 approval.timeout entries after it\n%s%s\n%s", code, out, errOut, audit)
	}
}

// timeoutSetup makes a data directory holding the ingested incident and a
// config with live runs on, and a playbook file whose isolation step
// waits at most 1ms for its approval.
func timeoutSetup(t *testing.T) (home, pb string) {
	t.Helper()
	home, dir := t.TempDir(), t.TempDir()
	inc, pb := filepath.Join(dir, "incidents.json"), filepath.Join(dir, "contain.yaml")
	src := strings.Replace(playbookFile, "approval: required}", "approval: required, approval_timeout: 1ms}", 1)
	writeFiles(t, map[string]string{inc: playbookIncident, pb: src, filepath.Join(home, "playbooks.yaml"): "live: true\n"})
	ingestFile(t, home, inc)
	return home, pb
}

// overdueRun starts a live run of pb on the incident, which waits for an
// approval, and returns its id once the approval's deadline has passed.
func overdueRun(t *testing.T, home, pb string) string {
	t.Helper()
	out, errOut, code := cli(t, home, "", "playbook", "run", pb, "--incident", "defender:924565", "--live")
	if code != 0 || !strings.Contains(out, "waiting") {
		t.Fatalf("live run: exit %d\n%s%s", code, out, errOut)
	}
	time.Sleep(2 * time.Millisecond) // past the 1ms deadline (the wait only needs to be long enough)
	return strings.Fields(out)[0]
}

// TestPlaybookFire: fire runs the playbooks of a folder whose triggers match
// an event, once per event and incident version.
func TestPlaybookFire(t *testing.T) {
	home, dir := t.TempDir(), t.TempDir()
	inc := filepath.Join(t.TempDir(), "incidents.json")
	other := strings.Replace(playbookFile, "name: contain", "name: low-only", 1)
	other = strings.Replace(other, "values: [high]", "values: [informational]}, {field: severity, op: at_most, values: [low]", 1)
	writeFiles(t, map[string]string{inc: playbookIncident, filepath.Join(dir, "contain.yaml"): playbookFile,
		filepath.Join(dir, "low.yml"): other, filepath.Join(dir, "playbooks.yaml"): "live: true\n", filepath.Join(dir, "notes.txt"): "x"})
	ingestFile(t, home, inc)
	tests := []cliCase{
		{"created", []string{"--event", "incident.created", "--since", "2026-03-01"}, 0, "1 incidents, 1 runs started"},
		{"created again", []string{"--event", "incident.created", "--since", "2026-03-01"}, 0, "fired before for this incident.created"},
		{"none since", []string{"--event", "incident.created", "--since", "2026-03-02"}, 0, "0 incidents, 0 runs started"},
		{"updated", []string{"--event", "incident.updated", "--since", "2026-03-01T11:00:00Z"}, 0, "1 incidents, 1 runs started"},
		{"review", []string{"--event", "review.completed", "--incident", "924565"}, 0, "1 incidents, 1 runs started"},
		{"review needs an incident", []string{"--event", "review.completed"}, 2, "needs --incident"},
		{"no event", nil, 2, "--event is required"},
		{"live refused", []string{"--event", "incident.created", "--since", "2026-03-01", "--live"}, 1, "live runs are off"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := cli(t, home, "", append([]string{"playbook", "fire", dir}, tc.args...)...)
			if code != tc.code || !strings.Contains(out+errOut, tc.want) {
				t.Errorf("exit %d (want %d), output lacks %q:\n%s%s", code, tc.code, tc.want, out, errOut)
			}
			if strings.Contains(out, "low-only") {
				t.Errorf("a playbook whose trigger does not match fired:\n%s", out)
			}
		})
	}
	out, _, _ := cli(t, home, "", "playbook", "runs", "--json")
	var runs []debrief.PlaybookRun
	if err := json.Unmarshal([]byte(out), &runs); err != nil || len(runs) != 3 {
		t.Fatalf("want 3 dry runs recorded (created, updated, review), got %d: %v\n%s", len(runs), err, out)
	}
	for _, r := range runs {
		if r.Status != debrief.RunPlanned || r.Playbook != "contain" || len(r.Steps) != 2 {
			t.Errorf("run %s: %s %s with %d steps; want a planned contain with isolate and note", r.ID, r.Playbook, r.Status, len(r.Steps))
		}
	}
}

// TestPlaybookRunTriggerMismatch: run refuses an incident the trigger does
// not match, naming the condition that failed; --force runs it, and the
// audit log records that it was forced.
func TestPlaybookRunTriggerMismatch(t *testing.T) {
	home, dir := t.TempDir(), t.TempDir()
	inc, pb := filepath.Join(dir, "incidents.json"), filepath.Join(dir, "critical.yaml")
	writeFiles(t, map[string]string{inc: playbookIncident, pb: strings.Replace(playbookFile, "values: [high]", "values: [critical]", 1)})
	ingestFile(t, home, inc)
	args := []string{"playbook", "run", pb, "--incident", "defender:924565"}
	out, errOut, code := cli(t, home, "", args...)
	for _, want := range []string{"the trigger of contain does not match defender:924565", "all: severity at_least [critical]", "--force runs it anyway"} {
		if code != 1 || !strings.Contains(errOut, want) || strings.Contains(errOut, "techniques") {
			t.Errorf("exit %d (want 1), stderr lacks %q or names a condition that held:\n%s%s", code, want, out, errOut)
		}
	}
	if _, err := os.Stat(filepath.Join(home, "playbook-audit.jsonl")); err == nil {
		audit, _ := os.ReadFile(filepath.Join(home, "playbook-audit.jsonl"))
		if strings.Contains(string(audit), "run.start") {
			t.Errorf("a refused run was recorded:\n%s", audit)
		}
	}
	out, errOut, code = cli(t, home, "", append(args, "--force")...)
	if code != 0 || !strings.Contains(out, "isolate device device:ws-07") {
		t.Fatalf("--force: exit %d\n%s%s", code, out, errOut)
	}
	audit, _ := os.ReadFile(filepath.Join(home, "playbook-audit.jsonl"))
	if !strings.Contains(string(audit), `"forced":true,"steps":2,"unmatched":["all: severity at_least [critical]"]`) {
		t.Errorf("the audit log does not record the forced run:\n%s", audit)
	}
}

// writeFiles writes each file of the map (path → contents).
func writeFiles(t *testing.T, files map[string]string) {
	t.Helper()
	for p, s := range files {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// ingestFile ingests an incidents file into the store of home.
func ingestFile(t *testing.T, home, file string) {
	t.Helper()
	if _, errOut, code := cli(t, home, "", "ingest", file, "-q"); code != 0 {
		t.Fatalf("ingest %s: exit %d %s", file, code, errOut)
	}
}

// TestPrintReplay: the time saved is written as the review writes
// durations, not as Go durations (1183h31m0s).
func TestPrintReplay(t *testing.T) {
	var b strings.Builder
	rep := playbook.ReplayReport{Incidents: 30, Matched: 12, Saved: 1183*time.Hour + 31*time.Minute, MedianSaved: 2*time.Hour + 46*time.Minute}
	printReplay(&b, rep, nil, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	want := "12 of 30 incidents since 2026-01-01 would have fired a playbook\nestimated time saved: 49d 7h in total, median 2h 46m per incident\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
