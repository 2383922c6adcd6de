package server_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/playbook"
	"github.com/debrief-dev/debrief/server"
	"github.com/debrief-dev/debrief/sqlite"
)

// notePlaybook comments on an incident after an approval.
const notePlaybook = `apiVersion: debrief/v1
kind: Playbook
metadata:
  name: note-after-approval
  description: Comment on the incident once an analyst approves.
trigger:
  events: [incident.created]
  all: [{field: severity, op: at_least, values: [informational]}]
steps:
  - id: note
    kind: comment
    approval: required
    text: "Reviewed by playbook {{ playbook.name }}"
`

// withRuns is an env whose store holds the good incident and n live runs
// of notePlaybook on it, each waiting for approval of step "note".
func withRuns(t *testing.T, n int, tune func(*server.Config)) (*env, []string) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "note.yaml")
	if err := os.WriteFile(file, []byte(notePlaybook), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := playbook.Config{Live: true}
	e := newEnv(t, func(c *server.Config) {
		c.Playbooks = &server.Playbooks{Dir: dir, Config: cfg}
		if tune != nil {
			tune(c)
		}
	})
	if resp, b := e.do(t, "POST", "/api/v1/ingest", debrief.RoleAnalyst, strings.NewReader(good)); resp.StatusCode != http.StatusOK {
		t.Fatalf("ingest: %d %s", resp.StatusCode, b)
	}
	var page server.IncidentPage
	e.getJSON(t, "/api/v1/incidents", &page)
	if len(page.Incidents) != 1 {
		t.Fatalf("%d incidents, want 1", len(page.Incidents))
	}
	ctx := context.Background()
	in, err := e.st.Incident(ctx, page.Incidents[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := playbook.LoadFile(file, playbook.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rn := &playbook.Runner{Store: e.st, Config: cfg, Now: func() time.Time { return now }} // the server's clock
	var ids []string
	for range n {
		run, err := rn.Run(ctx, pb, in, true)
		if err != nil || run.Status != debrief.RunWaiting {
			t.Fatalf("run: %v %v", run, err)
		}
		ids = append(ids, run.ID)
	}
	return e, ids
}

func TestPlaybookRunsAPI(t *testing.T) {
	e, ids := withRuns(t, 2, nil)
	var runs []debrief.PlaybookRun
	e.getJSON(t, "/api/v1/playbooks/runs", &runs)
	if len(runs) != 2 || len(runs[0].Steps) != 1 || runs[0].Steps[0].Status != debrief.RunWaiting {
		t.Fatalf("runs: %+v", runs)
	}
	incident := runs[0].IncidentID
	e.getJSON(t, "/api/v1/playbooks/runs?incident="+url.QueryEscape(incident), &runs)
	if len(runs) != 2 {
		t.Errorf("runs of %s: %d, want 2", incident, len(runs))
	}
	e.getJSON(t, "/api/v1/playbooks/runs?incident=nosuch:1", &runs)
	if len(runs) != 0 {
		t.Errorf("runs of an unknown incident: %d", len(runs))
	}
	step := func(id, verb string) string { return "/api/v1/playbooks/runs/" + id + "/steps/note/" + verb }
	tests := []struct {
		name, path string
		role       debrief.Role
		want       int
		status     debrief.RunStatus // of the run afterwards, when 200
	}{
		{"viewer may not approve", step(ids[0], "approve"), debrief.RoleViewer, 403, ""},
		{"no token", step(ids[0], "approve"), "", 401, ""},
		{"unknown step", "/api/v1/playbooks/runs/" + ids[0] + "/steps/nosuch/approve", debrief.RoleAnalyst, 404, ""},
		{"unknown run", step("run-nosuch", "approve"), debrief.RoleAnalyst, 404, ""},
		{"approve resumes", step(ids[0], "approve"), debrief.RoleAnalyst, 200, debrief.RunSucceeded},
		{"twice", step(ids[0], "approve"), debrief.RoleAnalyst, 409, ""},
		{"deny", step(ids[1], "deny"), debrief.RoleAnalyst, 200, debrief.RunDenied},
	}
	for _, tc := range tests {
		resp, b := e.do(t, "POST", tc.path, tc.role, nil)
		if resp.StatusCode != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.name, resp.StatusCode, b, tc.want)
			continue
		}
		if tc.want != 200 {
			continue
		}
		var a server.Approval
		if err := json.Unmarshal(b, &a); err != nil {
			t.Fatal(err)
		}
		if a.Run.Status != tc.status || a.Resumed != (tc.status == debrief.RunSucceeded) {
			t.Errorf("%s: run %s resumed %v (%s), want %s", tc.name, a.Run.Status, a.Resumed, a.Note, tc.status)
		}
		if !strings.Contains(a.Run.Steps[0].ApprovedBy+a.Run.Steps[0].Error, "test analyst") {
			t.Errorf("%s: the decision does not name the token: %+v", tc.name, a.Run.Steps[0])
		}
	}
	in, err := e.st.Incident(context.Background(), incident)
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Comments) != 1 {
		t.Errorf("comments after the approved run: %+v", in.Comments)
	}
}

// TestPlaybookApprovalRefused: an approval the server refuses because the
// run could not continue (live runs off in the server's config, a stored
// playbook that no longer matches its run) is neither stored nor audited,
// so that a retry is refused the same way, not as already approved, and
// the step can still be denied.
func TestPlaybookApprovalRefused(t *testing.T) {
	tests := []struct {
		name   string
		config playbook.Config // the server's
		tamper bool            // change the run's stored playbook
		want   int
		says   string
	}{
		{"live runs off", playbook.Config{}, false, http.StatusBadRequest, "live runs are off"},
		{"stored playbook changed", playbook.Config{Live: true}, true, http.StatusConflict, "does not match the run's digest"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			auditPath := filepath.Join(t.TempDir(), "audit.jsonl")
			audit, err := playbook.OpenAudit(auditPath)
			if err != nil {
				t.Fatal(err)
			}
			defer audit.Close()
			e, ids := withRuns(t, 1, func(c *server.Config) {
				c.Playbooks.Config, c.Playbooks.Audit = tc.config, audit
				if tc.tamper {
					c.Store = changedSource{c.Store.(*sqlite.Store)}
				}
			})
			ctx := context.Background()
			step := "/api/v1/playbooks/runs/" + ids[0] + "/steps/note/"
			for try := range 2 {
				resp, b := e.do(t, "POST", step+"approve", debrief.RoleAnalyst, nil)
				if resp.StatusCode != tc.want || !strings.Contains(string(b), tc.says) {
					t.Errorf("approve, try %d: %d %s, want %d saying %q", try+1, resp.StatusCode, b, tc.want, tc.says)
				}
			}
			run, err := e.st.Run(ctx, ids[0])
			if err != nil {
				t.Fatal(err)
			}
			if st := run.Steps[0]; st.ApprovedBy != "" || st.Status != debrief.RunWaiting {
				t.Errorf("a refused approval was stored: step %s approved by %q", st.Status, st.ApprovedBy)
			}
			if resp, b := e.do(t, "POST", step+"deny", debrief.RoleAnalyst, nil); resp.StatusCode != http.StatusOK {
				t.Errorf("deny after the refused approvals: %d %s", resp.StatusCode, b)
			}
			audit.Close()
			log, _ := os.ReadFile(auditPath)
			if strings.Contains(string(log), `"event":"approve"`) || !strings.Contains(string(log), `"event":"deny"`) {
				t.Errorf("audit log, want a deny and no approve:\n%s", log)
			}
		})
	}
}

// changedSource is a store whose runs' playbooks were changed after they
// were stored.
type changedSource struct{ *sqlite.Store }

func (c changedSource) Run(ctx context.Context, id string) (*debrief.PlaybookRun, error) {
	run, err := c.Store.Run(ctx, id)
	if err == nil {
		run.Source = []byte(strings.Replace(string(run.Source), "Reviewed by", "Approved by", 1))
	}
	return run, err
}

// TestPlaybookApprovalTimeout: a day and an hour after the runs began to
// wait (the default approval_timeout is a day), approving one is refused
// and denies it, listing runs (API and page) denies the rest, and each
// denial is in the audit log.
func TestPlaybookApprovalTimeout(t *testing.T) {
	auditPath := filepath.Join(t.TempDir(), "audit.jsonl")
	audit, err := playbook.OpenAudit(auditPath)
	if err != nil {
		t.Fatal(err)
	}
	defer audit.Close()
	later := now.Add(25 * time.Hour)
	e, ids := withRuns(t, 3, func(c *server.Config) {
		c.Now = func() time.Time { return later }
		c.Playbooks.Audit = audit
	})
	resp, b := e.do(t, "POST", "/api/v1/playbooks/runs/"+ids[0]+"/steps/note/approve", debrief.RoleAnalyst, nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(string(b), "timed out") {
		t.Fatalf("approve after the deadline: %d %s, want 409 saying it timed out", resp.StatusCode, b)
	}
	var runs []debrief.PlaybookRun
	e.getJSON(t, "/api/v1/playbooks/runs", &runs)
	for _, r := range runs {
		if r.Status != debrief.RunDenied || r.Steps[0].Status != debrief.RunDenied || r.Steps[0].Error != "approval timed out" {
			t.Errorf("run %s: %s, step %s %q; want denied, approval timed out", r.ID, r.Status, r.Steps[0].Status, r.Steps[0].Error)
		}
	}
	if len(runs) != 3 {
		t.Fatalf("%d runs, want 3", len(runs))
	}
	in, _ := e.st.Incident(context.Background(), runs[0].IncidentID)
	if len(in.Comments) != 0 {
		t.Errorf("a timed-out step ran: comments %+v", in.Comments)
	}
	audit.Close()
	log, _ := os.ReadFile(auditPath)
	if n := strings.Count(string(log), `"event":"approval.timeout"`); n != 3 {
		t.Errorf("%d approval.timeout entries in the audit log, want 3:\n%s", n, log)
	}
}

// TestPlaybookApprovalSweep: while the server runs, overdue approvals are
// denied without anyone listing runs.
func TestPlaybookApprovalSweep(t *testing.T) {
	later := now.Add(25 * time.Hour)
	var srv *server.Server
	e, ids := withRuns(t, 1, func(c *server.Config) {
		c.Now = func() time.Time { return later }
		c.Playbooks.Sweep = 10 * time.Millisecond
		s, err := server.New(*c)
		if err != nil {
			t.Fatal(err)
		}
		srv = s
	})
	ctx, cancel := context.WithCancel(context.Background())
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, l) }()
	defer func() { cancel(); <-done }()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		run, err := e.st.Run(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		if run.Status == debrief.RunDenied && run.Steps[0].Error == "approval timed out" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the sweep never denied the overdue step: run %s, step %s", run.Status, run.Steps[0].Status)
		}
	}
}

// TestPlaybookFireOnEvents: with fire: dry in the config, the server's
// sweep plans the folder's playbooks on the incidents created since the
// sweep before.
func TestPlaybookFireOnEvents(t *testing.T) {
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC) // the server started before the incident was created
	var srv *server.Server
	e, _ := withRuns(t, 0, func(c *server.Config) {
		c.Now = func() time.Time { return start }
		c.Playbooks.Sweep = 10 * time.Millisecond
		c.Playbooks.Config.Fire = playbook.FireDry
		s, err := server.New(*c)
		if err != nil {
			t.Fatal(err)
		}
		srv = s
	})
	ctx, cancel := context.WithCancel(context.Background())
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, l) }()
	defer func() { cancel(); <-done }()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		runs, err := e.st.Runs(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) > 0 {
			r, err := e.st.Run(ctx, runs[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Steps) == 0 && time.Now().Before(deadline) {
				continue // read between the run's save and its steps'
			}
			if len(runs) != 1 || r.Playbook != "note-after-approval" || r.Live || r.Status != debrief.RunPlanned ||
				!strings.HasPrefix(r.ID, "fire-") || len(r.Steps) != 1 {
				t.Fatalf("fired runs %+v; want one planned run of note-after-approval", runs)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the sweep never fired the playbook on the new incident; log:\n%s", e.log.String())
		}
	}
}

func TestPlaybooksUnconfigured(t *testing.T) {
	e := newEnv(t, nil)
	for _, tc := range []struct {
		method, path string
		role         debrief.Role
		want         int
	}{
		{"GET", "/api/v1/playbooks/runs", debrief.RoleViewer, 200},
		{"POST", "/api/v1/playbooks/runs/run-1/steps/note/approve", debrief.RoleAnalyst, 409},
		{"GET", "/api/v1/coverage", debrief.RoleViewer, 409},
	} {
		resp, b := e.do(t, tc.method, tc.path, tc.role, nil)
		if resp.StatusCode != tc.want || (tc.want == 409 && !strings.Contains(string(b), "debrief serve --")) {
			t.Errorf("%s %s: %d %s, want %d with how to configure it", tc.method, tc.path, resp.StatusCode, b, tc.want)
		}
	}
}

func TestCoverageAPI(t *testing.T) {
	e := newEnv(t, func(c *server.Config) { c.Rules = []string{"testdata/rules"} })
	if resp, b := e.do(t, "POST", "/api/v1/ingest", debrief.RoleAnalyst, strings.NewReader(good)); resp.StatusCode != http.StatusOK {
		t.Fatalf("ingest: %d %s", resp.StatusCode, b)
	}
	tests := []struct {
		query   string
		want    int
		profile string
	}{
		{"", 200, "all"},
		{"?threat=observed&window=365d", 200, "observed"},
		{"?threat=group:APT29", 200, "group"},
		{"?threat=nonsense", 400, ""},
		{"?threat=group:G9999", 400, ""},
		{"?window=-1d", 400, ""},
	}
	for _, tc := range tests {
		resp, b := e.do(t, "GET", "/api/v1/coverage"+tc.query, debrief.RoleViewer, nil)
		if resp.StatusCode != tc.want {
			t.Errorf("%s: %d %s, want %d", tc.query, resp.StatusCode, b, tc.want)
			continue
		}
		if tc.want != 200 {
			continue
		}
		var rep server.CoverageReport
		if err := json.Unmarshal(b, &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Rules != 1 || len(rep.Invalid) != 1 || !strings.HasPrefix(rep.Profile, tc.profile) {
			t.Errorf("%s: rules %d invalid %q profile %q", tc.query, rep.Rules, rep.Invalid, rep.Profile)
		}
		covered := map[debrief.TechniqueID]float64{}
		for _, te := range rep.Techniques {
			covered[te.ID] = te.Score
		}
		if covered["T1059.001"] == 0 || covered["T1486"] != 0 {
			t.Errorf("%s: scores T1059.001=%v T1486=%v", tc.query, covered["T1059.001"], covered["T1486"])
		}
		if tc.profile == "observed" && (len(rep.Gaps) > 0 && rep.Gaps[0].ID == "T1059.001" && rep.Before == 0) {
			t.Errorf("observed: the covered technique is the top gap: %+v", rep.Gaps[0])
		}
	}
}
