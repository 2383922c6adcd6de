package playbook_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/playbook"
)

// fake plays Graph, Defender, Teams and a Power Automate trigger.
type fake struct {
	mu     sync.Mutex
	hits   map[string]int
	bodies map[string][]string
	srv    *httptest.Server
}

func newFake(t *testing.T) *fake {
	f := &fake{hits: map[string]int{}, bodies: map[string][]string{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.hits[r.URL.Path]++
	n := f.hits[r.URL.Path]
	f.bodies[r.URL.Path] = append(f.bodies[r.URL.Path], string(b))
	f.mu.Unlock()
	if r.URL.Path == "/token" {
		_, pw, _ := r.BasicAuth()
		if r.FormValue("client_secret") != "s3cret" && pw != "s3cret" {
			http.Error(w, `{"error":"invalid_client"}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"access_token":"tok","token_type":"Bearer","expires_in":3600}`)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/v1.0/") {
		if r.Header.Get("Authorization") != "Bearer tok" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
	}
	switch {
	case r.URL.Path == "/flow/429" && n == 1:
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(429)
	case r.URL.Path == "/flow/429date" && n == 1:
		w.Header().Set("Retry-After", "Sun, 01 Mar 2026 12:00:09 GMT") // the rig's clock is 12:00:00
		w.WriteHeader(http.StatusTooManyRequests)
	case r.URL.Path == "/flow/429long" && n == 1:
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	case r.URL.Path == "/flow/5xx" && n < 3:
		w.WriteHeader(503)
	case r.URL.Path == "/flow/slow":
		select {
		case <-r.Context().Done():
		case <-time.After(2 * time.Second):
		}
	case r.URL.Path == "/flow/badjson":
		fmt.Fprint(w, `{"id": "x",`)
	case r.URL.Path == "/flow/400":
		http.Error(w, "bad", 400)
	case strings.HasSuffix(r.URL.Path, "/isolate"):
		w.WriteHeader(201)
		fmt.Fprint(w, `{"id":"ma-1","type":"Isolate","status":"Pending"}`)
	default:
		w.WriteHeader(202)
	}
}

func (f *fake) count(path string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[path]
}

func (f *fake) body(path string, i int) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if i >= len(f.bodies[path]) {
		return ""
	}
	return f.bodies[path][i]
}

// rig is a runner wired to the fake, with recorded sleeps.
type rig struct {
	*playbook.Runner
	store     *memStore
	sleeps    []time.Duration
	auditPath string
}

func newRig(t *testing.T, f *fake) *rig {
	rg := &rig{store: newMemStore(), auditPath: filepath.Join(t.TempDir(), "audit.jsonl")}
	audit, err := playbook.OpenAudit(rg.auditPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { audit.Close() })
	n := 0
	rg.Runner = &playbook.Runner{Store: rg.store, Audit: audit,
		Config: playbook.Config{Live: true, WebhookHosts: []string{"127.0.0.1"},
			Graph: playbook.GraphConfig{ClientID: "app", ClientSecretEnv: "SECRET", TokenURL: f.srv.URL + "/token",
				GraphURL: f.srv.URL, DefenderURL: f.srv.URL},
			Exec: playbook.ExecConfig{Enabled: true, Allow: []string{"/bin/echo"}}},
		HTTP: f.srv.Client(),
		Getenv: func(k string) string {
			return map[string]string{"SECRET": "s3cret", "TEAMS": f.srv.URL + "/teams/hook"}[k]
		},
		Now:  func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) },
		Rand: func() float64 { return 0.5 },
		Sleep: func(_ context.Context, d time.Duration) error {
			rg.sleeps = append(rg.sleeps, d)
			return nil
		},
		NewID: func() string { n++; return fmt.Sprintf("run-%d", n) },
	}
	return rg
}

func steps(t *testing.T, yaml string) *playbook.Playbook {
	t.Helper()
	src := "apiVersion: debrief/v1\nkind: Playbook\nmetadata: {name: t}\ntrigger:\n  all: [{field: severity, op: at_least, values: [low]}]\nsteps:\n" + yaml
	pb, err := playbook.Parse([]byte(src), "t.yaml", playbook.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return pb
}

func TestWebhookReplies(t *testing.T) {
	f := newFake(t)
	tests := []struct {
		name, path string
		status     debrief.RunStatus
		hits       int
		sleeps     string
		result     string
	}{
		{"success", "/flow/ok", debrief.RunSucceeded, 1, "[]", "accepted"},
		{"429 honours Retry-After", "/flow/429", debrief.RunSucceeded, 2, "[7s]", "accepted"},
		{"429 with an HTTP date", "/flow/429date", debrief.RunSucceeded, 2, "[9s]", "accepted"},
		{"Retry-After capped at max_backoff", "/flow/429long", debrief.RunSucceeded, 2, "[10s]", "accepted"},
		{"5xx then success", "/flow/5xx", debrief.RunSucceeded, 3, "[750ms 1.5s]", "accepted"},
		{"timeout every try", "/flow/slow", debrief.RunFailed, 3, "[750ms 1.5s]", ""},
		{"malformed JSON reply", "/flow/badjson", debrief.RunSucceeded, 1, "[]", "accepted (reply is not JSON)"},
		{"4xx is not retried", "/flow/400", debrief.RunFailed, 1, "[]", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rg := newRig(t, f)
			pb := steps(t, fmt.Sprintf(`  - id: flow
    kind: webhook
    preset: power_automate
    url: %s%s?api-version=2016-06-01&sig=SIG
    timeout: 100ms
    retry: {attempts: 3, backoff: 1s, max_backoff: 10s}
`, f.srv.URL, tc.path))
			run, err := rg.Run(context.Background(), pb, incident(), true)
			if err != nil {
				t.Fatal(err)
			}
			st := run.Steps[0]
			if run.Status != tc.status || st.Status != tc.status {
				t.Errorf("run %s step %s, want %s (%s)", run.Status, st.Status, tc.status, st.Error)
			}
			if got := f.count(tc.path); got != tc.hits {
				t.Errorf("%d requests, want %d", got, tc.hits)
			}
			f.mu.Lock()
			f.hits[tc.path] = 0
			f.mu.Unlock()
			if got := fmt.Sprint(rg.sleeps); got != tc.sleeps {
				t.Errorf("sleeps %s, want %s", got, tc.sleeps)
			}
			if st.Result != tc.result {
				t.Errorf("result %q, want %q", st.Result, tc.result)
			}
			if strings.Contains(string(st.Plan), "SIG") || strings.Contains(st.Error, "SIG") {
				t.Errorf("secret signature leaked: %s %s", st.Plan, st.Error)
			}
		})
	}
}

func TestGraphAndTeams(t *testing.T) {
	f := newFake(t)
	rg := newRig(t, f)
	pb := steps(t, `  - {id: teams, kind: webhook, preset: teams, url_env: TEAMS, text: "{{ incident.title }}"}
  - {id: isolate, kind: graph, action: isolate_device, for_each: device}
  - {id: disable, kind: graph, action: disable_user, for_each: user}
  - {id: revoke, kind: graph, action: revoke_sessions, for_each: user}
  - {id: block, kind: graph, action: add_indicator, for_each: ip}
  - {id: note, kind: graph, action: comment_incident, inputs: {comment: "seen {{ incident.id }}"}}
  - {id: release, kind: graph, action: release_device, for_each: device}
  - {id: close, kind: graph, action: update_incident, inputs: {status: resolved, classification: truePositive, determination: ransomware}}
`)
	run, err := rg.Run(context.Background(), pb, incident(), true)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != debrief.RunSucceeded {
		t.Fatalf("run %s: %+v", run.Status, run.Steps)
	}
	for path, want := range map[string]int{"/teams/hook": 1, "/api/machines/dev-1/isolate": 1, "/v1.0/users/ana@contoso.com": 1,
		"/v1.0/users/ana@contoso.com/revokeSignInSessions": 1, "/api/indicators": 1, "/v1.0/security/incidents/42/comments": 1,
		"/api/machines/dev-1/unisolate": 1, "/v1.0/security/incidents/42": 1, "/token": 2} {
		if got := f.count(path); got != want {
			t.Errorf("%s: %d requests, want %d", path, got, want)
		}
	}
	if b := f.body("/api/indicators", 0); !strings.Contains(b, `"indicatorValue":"203.0.113.9"`) || !strings.Contains(b, `"IpAddress"`) {
		t.Errorf("indicator body %s", b)
	}
	if b := f.body("/v1.0/security/incidents/42", 0); b != `{"classification":"truePositive","determination":"ransomware","status":"resolved"}` {
		t.Errorf("update incident body %s", b)
	}
	if b := f.body("/api/machines/dev-1/unisolate", 0); !strings.Contains(b, `"Comment":"released by debrief playbook t"`) {
		t.Errorf("release body %s", b)
	}
	if b := f.body("/v1.0/users/ana@contoso.com", 0); b != `{"accountEnabled":false}` {
		t.Errorf("disable body %s", b)
	}
	if b := f.body("/teams/hook", 0); !strings.Contains(b, "AdaptiveCard") || !strings.Contains(b, "Ransomware on FIN-WS-07") {
		t.Errorf("teams body %s", b)
	}
	if p := string(run.Steps[0].Plan); strings.Contains(p, "/teams/hook") {
		t.Errorf("teams URL not masked in plan: %s", p)
	}
	if run.Steps[1].Result != "ma-1" {
		t.Errorf("isolate result %q", run.Steps[1].Result)
	}
}

func TestDryRunAndLiveSwitch(t *testing.T) {
	f := newFake(t)
	rg := newRig(t, f)
	pb := steps(t, "  - {id: flow, kind: webhook, url: "+f.srv.URL+"/flow/ok}\n")
	run, err := rg.Run(context.Background(), pb, incident(), false)
	if err != nil || run.Status != debrief.RunPlanned || f.count("/flow/ok") != 0 {
		t.Fatalf("dry run: %v %v, %d requests", run, err, f.count("/flow/ok"))
	}
	rg.Config.Live = false
	if _, err := rg.Run(context.Background(), pb, incident(), true); debrief.ErrorCode(err) != debrief.EINVALID {
		t.Fatalf("live without config: %v", err)
	}
	rg.Config.Live, rg.Config.WebhookHosts = true, []string{"hooks.example.com"}
	run, _ = rg.Run(context.Background(), pb, incident(), true)
	if run.Status != debrief.RunFailed || !strings.Contains(run.Steps[0].Error, "not in webhook_hosts") || f.count("/flow/ok") != 0 {
		t.Fatalf("host outside allow-list: %+v", run.Steps[0])
	}
}

func TestApproval(t *testing.T) {
	f := newFake(t)
	rg := newRig(t, f)
	pb := steps(t, "  - {id: isolate, kind: graph, action: isolate_device, for_each: device, approval: required, approval_timeout: 1h}\n")
	ctx := context.Background()
	run, err := rg.Run(ctx, pb, incident(), true)
	if err != nil || run.Status != debrief.RunWaiting {
		t.Fatalf("want waiting, got %v %v", run.Status, err)
	}
	key := "isolate#device:dev-1"
	if err := rg.Approve(ctx, run.ID, key, "lead", false); err != nil {
		t.Fatal(err)
	}
	run, err = rg.Resume(ctx, run.ID, playbook.ResumeOptions{Playbook: pb, Incident: incident()})
	if err != nil || run.Status != debrief.RunSucceeded || f.count("/api/machines/dev-1/isolate") != 1 {
		t.Fatalf("after approval: %v %v", run.Status, err)
	}
	// A second run waits; an hour and a bit later it is denied.
	run2, _ := rg.Run(ctx, pb, incident(), true)
	rg.Now = func() time.Time { return time.Date(2026, 3, 1, 13, 1, 0, 0, time.UTC) }
	run2, err = rg.Resume(ctx, run2.ID, playbook.ResumeOptions{Playbook: pb, Incident: incident()})
	if err != nil || run2.Status != debrief.RunDenied {
		t.Fatalf("want denied on timeout, got %v %v", run2.Status, err)
	}
}

func TestCrashResume(t *testing.T) {
	f := newFake(t)
	rg := newRig(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	// The second endpoint "kills" the runner: it cancels the run's context
	// while the request is in flight.
	crash := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f.count("/crashed") == 0 {
			f.mu.Lock()
			f.hits["/crashed"]++
			f.mu.Unlock()
			cancel()
			select {
			case <-r.Context().Done():
			case <-time.After(time.Second):
			}
			return
		}
		f.mu.Lock()
		f.hits["/second"]++
		f.mu.Unlock()
		w.WriteHeader(200)
	}))
	defer crash.Close()
	pb := steps(t, fmt.Sprintf("  - {id: first, kind: webhook, url: %s/flow/first}\n  - {id: second, kind: webhook, url: %s/x}\n  - {id: third, kind: comment, text: done}\n", f.srv.URL, crash.URL))
	run, err := rg.Run(ctx, pb, incident(), true)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("want the run interrupted, got %v", err)
	}
	stored, _ := rg.store.Run(context.Background(), run.ID)
	if stored.Steps[0].Status != debrief.RunSucceeded || stored.Steps[1].Status != debrief.RunRunning {
		t.Fatalf("stored states %s %s", stored.Steps[0].Status, stored.Steps[1].Status)
	}
	run, err = rg.Resume(context.Background(), run.ID, playbook.ResumeOptions{Playbook: pb, Incident: incident()})
	if err != nil || run.Status != debrief.RunSucceeded {
		t.Fatalf("resume: %v %v", run.Status, err)
	}
	if f.count("/flow/first") != 1 || f.count("/second") != 1 || len(rg.store.comments["defender:42"]) != 1 {
		t.Errorf("first %d (want 1), second %d (want 1), comments %d", f.count("/flow/first"), f.count("/second"), len(rg.store.comments["defender:42"]))
	}
	if run.Steps[1].Attempts != 2 {
		t.Errorf("second step attempts %d, want 2", run.Steps[1].Attempts)
	}
}

func TestIdempotencyKeyAcrossRuns(t *testing.T) {
	f := newFake(t)
	rg := newRig(t, f)
	pb := steps(t, "  - {id: isolate, kind: graph, action: isolate_device, for_each: device, idempotency_key: \"isolate/{{ incident.id }}/{{ entity.id }}\"}\n")
	for range 2 {
		if _, err := rg.Run(context.Background(), pb, incident(), true); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.count("/api/machines/dev-1/isolate"); n != 1 {
		t.Errorf("isolated %d times, want once", n)
	}
}

func TestAuditVerify(t *testing.T) {
	f := newFake(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "audit.jsonl")
	rg := newRig(t, f)
	a, err := playbook.OpenAudit(path)
	if err != nil {
		t.Fatal(err)
	}
	rg.Audit = a
	pb := steps(t, "  - {id: flow, kind: webhook, url: \""+f.srv.URL+"/flow/ok?sig=TOPSECRET\"}\n")
	if _, err := rg.Run(context.Background(), pb, incident(), true); err != nil {
		t.Fatal(err)
	}
	a.Close()
	data, _ := os.ReadFile(path)
	if strings.Contains(string(data), "TOPSECRET") {
		t.Fatal("secret in audit log")
	}
	n, _, err := playbook.Verify(strings.NewReader(string(data)))
	if err != nil || n < 5 {
		t.Fatalf("verify: %d entries, %v", n, err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	tamper := map[string]string{
		"edited":  strings.Replace(string(data), `"event":"execute"`, `"event":"executed"`, 1),
		"removed": strings.Join(append(append([]string{}, lines[:1]...), lines[2:]...), ""),
		"swapped": lines[1] + lines[0] + strings.Join(lines[2:], ""),
	}
	for name, bad := range tamper {
		if _, _, err := playbook.Verify(strings.NewReader(bad)); err == nil {
			t.Errorf("%s: tampering not detected", name)
		}
	}
	// Reopening continues the chain.
	a, err = playbook.OpenAudit(path)
	if err != nil {
		t.Fatal(err)
	}
	a.Append(playbook.AuditEntry{Event: "x", Run: "r"})
	a.Close()
	fh, _ := os.Open(path)
	defer fh.Close()
	if m, _, err := playbook.Verify(fh); err != nil || m != n+1 {
		t.Errorf("after reopen: %d entries, %v", m, err)
	}
}

// TestStartTriggerMismatch: Start refuses an incident the trigger does not
// match, naming only the conditions that keep it from matching, and runs it
// with Force.
func TestStartTriggerMismatch(t *testing.T) {
	tests := []struct {
		name, match string
		want        string // in the error; "" for a match
	}{
		{"matches", "  all: [{field: severity, op: at_least, values: [high]}]", ""},
		{"all", "  all: [{field: severity, op: at_least, values: [critical]}, {field: tags, op: in, values: [finance]}]",
			"the trigger of p does not match defender:42: all: severity at_least [critical]; --force runs it anyway"},
		{"one of any holds", "  all: [{field: status, op: in, values: [resolved]}]\n  any: [{field: tags, op: in, values: [hr]}, {field: tags, op: in, values: [finance]}]",
			"defender:42: all: status in [resolved]; --force"},
		{"none of any", "  any: [{field: tags, op: in, values: [hr]}, {field: tags, op: in, values: [legal]}]",
			"defender:42: any: tags in [hr]; any: tags in [legal]; --force"},
		{"event", "  events: [review.completed]\n  all: [{field: severity, op: at_least, values: [critical]}]",
			"defender:42: all: severity at_least [critical]; --force"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rg := newRig(t, newFake(t))
			pb := trigger(t, tc.match)
			run, err := rg.Start(context.Background(), pb, incident(), playbook.StartOptions{})
			if tc.want == "" {
				if err != nil || run.Status != debrief.RunPlanned {
					t.Fatalf("start: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || debrief.ErrorCode(err) != debrief.EINVALID {
				t.Fatalf("start: %v; want an EINVALID error with %q", err, tc.want)
			}
			if _, err := rg.Start(context.Background(), pb, incident(), playbook.StartOptions{Force: true}); err != nil {
				t.Fatalf("forced: %v", err)
			}
			data, _ := os.ReadFile(rg.auditPath)
			if strings.Count(string(data), `"event":"run.start"`) != 1 || !strings.Contains(string(data), `"forced":true`) {
				t.Errorf("audit log wants one forced run.start:\n%s", data)
			}
		})
	}
}

// TestStepJSONSeconds: a planned step's durations are seconds in JSON, and
// the JSON reads back into the same step.
func TestStepJSONSeconds(t *testing.T) {
	pb := steps(t, "  - {id: iso, kind: graph, action: isolate_device, for_each: device, approval: required, timeout: 1500ms, "+
		"retry: {attempts: 4, backoff: 2s, max_backoff: 1m}}\n")
	rg := newRig(t, newFake(t))
	ss, err := rg.Plan(context.Background(), pb, incident(), "run-1")
	if err != nil || len(ss) != 1 {
		t.Fatalf("plan: %v %v", ss, err)
	}
	b, err := json.Marshal(ss[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"approval_timeout_seconds":86400`, `"timeout_seconds":1.5`,
		`"retry":{"attempts":4,"backoff_seconds":2,"max_backoff_seconds":60}`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("plan lacks %s:\n%s", want, b)
		}
	}
	var back playbook.Step
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.ApprovalTimeout != 24*time.Hour || back.Timeout != 1500*time.Millisecond || back.Retry != ss[0].Retry || back.Summary != ss[0].Summary {
		t.Errorf("read back %+v, want %+v", back, ss[0])
	}
}
