package playbook_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/playbook"
)

// clock is a settable clock for a rig.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newClock(rg *rig) *clock            { c := &clock{t: rg.Now()}; rg.Now = c.now; return c }
func auditEvents(t *testing.T, rg *rig) []playbook.AuditEntry {
	t.Helper()
	data, err := os.ReadFile(rg.auditPath)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := playbook.Verify(strings.NewReader(string(data))); err != nil {
		t.Fatalf("audit log: %v", err)
	}
	var out []playbook.AuditEntry
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var e playbook.AuditEntry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

func countEvents(es []playbook.AuditEntry, event, run string) int {
	n := 0
	for _, e := range es {
		if e.Event == event && e.Run == run {
			n++
		}
	}
	return n
}

const approvalStep = "  - {id: isolate, kind: graph, action: isolate_device, for_each: device, approval: required, approval_timeout: 1h}\n"

const isolateKey = "isolate#device:dev-1"

// TestApprovalTimeout: a step waiting for approval past its deadline is
// denied wherever runs are read or acted on, without being resumed, and
// every expiry is in the audit log.
func TestApprovalTimeout(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		// act happens at the given time after the run began to wait.
		after time.Duration
		act   func(rg *rig, run string) error
		// wantErr is a part of the error act must return ("" for none).
		wantErr string
		want    debrief.RunStatus
		expired int // approval.timeout entries in the audit log
	}{
		{"approve in time", 59 * time.Minute, func(rg *rig, run string) error {
			return rg.Approve(ctx, run, isolateKey, "lead", false)
		}, "", debrief.RunWaiting, 0},
		{"approve after the deadline is refused", time.Hour + time.Second, func(rg *rig, run string) error {
			return rg.Approve(ctx, run, isolateKey, "lead", false)
		}, "timed out: it is now denied", debrief.RunDenied, 1},
		{"deny after the deadline says it timed out", 2 * time.Hour, func(rg *rig, run string) error {
			return rg.Approve(ctx, run, isolateKey, "lead", true)
		}, "timed out", debrief.RunDenied, 1},
		{"listing runs expires", time.Hour, func(rg *rig, _ string) error {
			_, err := rg.Runs(ctx, "")
			return err
		}, "", debrief.RunDenied, 1},
		{"listing runs before the deadline does not", time.Hour - time.Nanosecond, func(rg *rig, _ string) error {
			_, err := rg.Runs(ctx, "defender:42")
			return err
		}, "", debrief.RunWaiting, 0},
		{"sweep", 3 * time.Hour, func(rg *rig, _ string) error {
			ex, err := rg.ExpireApprovals(ctx)
			if err == nil && (len(ex) != 1 || ex[0].Step != isolateKey) {
				t.Errorf("expired %+v, want the isolate step", ex)
			}
			return err
		}, "", debrief.RunDenied, 1},
		{"resume", 90 * time.Minute, func(rg *rig, run string) error {
			_, err := rg.Resume(ctx, run, playbook.ResumeOptions{Incident: incident()})
			return err
		}, "", debrief.RunDenied, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rg := newRig(t, newFake(t))
			clk := newClock(rg)
			run, err := rg.Run(ctx, steps(t, approvalStep), incident(), true)
			if err != nil || run.Status != debrief.RunWaiting {
				t.Fatalf("want waiting, got %v %v", run.Status, err)
			}
			if d := run.Steps[0].Deadline; !d.Equal(clk.t.Add(time.Hour)) {
				t.Errorf("deadline %v, want an hour from now", d)
			}
			clk.advance(tc.after)
			err = tc.act(rg, run.ID)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr) || debrief.ErrorCode(err) != debrief.ECONFLICT):
				t.Fatalf("error %v, want a conflict saying %q", err, tc.wantErr)
			}
			stored, _ := rg.store.Run(ctx, run.ID)
			if stored.Status != tc.want || stored.Steps[0].Status != tc.want {
				t.Errorf("run %s, step %s; want %s", stored.Status, stored.Steps[0].Status, tc.want)
			}
			if tc.want == debrief.RunDenied && stored.Steps[0].Error != "approval timed out" {
				t.Errorf("step error %q, want approval timed out", stored.Steps[0].Error)
			}
			if n := countEvents(auditEvents(t, rg), "approval.timeout", run.ID); n != tc.expired {
				t.Errorf("%d approval.timeout audit entries, want %d", n, tc.expired)
			}
		})
	}
}

// TestApprovedInTimeIsNotExpired: an approval given in time holds after the
// deadline, so the run still continues.
func TestApprovedInTimeIsNotExpired(t *testing.T) {
	ctx := context.Background()
	f := newFake(t)
	rg := newRig(t, f)
	clk := newClock(rg)
	run, _ := rg.Run(ctx, steps(t, approvalStep), incident(), true)
	clk.advance(30 * time.Minute)
	if err := rg.Approve(ctx, run.ID, isolateKey, "lead", false); err != nil {
		t.Fatal(err)
	}
	clk.advance(2 * time.Hour)
	if ex, err := rg.ExpireApprovals(ctx); err != nil || len(ex) != 0 {
		t.Fatalf("expired %+v %v, want none", ex, err)
	}
	got, err := rg.Resume(ctx, run.ID, playbook.ResumeOptions{Incident: incident()})
	if err != nil || got.Status != debrief.RunSucceeded || f.count("/api/machines/dev-1/isolate") != 1 {
		t.Fatalf("resume: %v %v, %d isolations", got.Status, err, f.count("/api/machines/dev-1/isolate"))
	}
}

// TestExpireLegacyStep: a step stored waiting before deadlines were kept
// times out by its plan's approval_timeout, counted from when it began to
// wait.
func TestExpireLegacyStep(t *testing.T) {
	ctx := context.Background()
	rg := newRig(t, newFake(t))
	clk := newClock(rg)
	run, _ := rg.Run(ctx, steps(t, approvalStep), incident(), true)
	st := run.Steps[0]
	st.Deadline = time.Time{}
	rg.store.SaveStep(ctx, st)
	if d := playbook.Deadline(&st); !d.Equal(st.Updated.Add(time.Hour)) {
		t.Fatalf("legacy deadline %v, want %v", d, st.Updated.Add(time.Hour))
	}
	// A plan written when durations were nanoseconds counts the same.
	old := st
	old.Plan = []byte(`{"key":"isolate#device:dev-1","approval":true,"approval_timeout":3600000000000,"timeout":30000000000}`)
	if d := playbook.Deadline(&old); !d.Equal(st.Updated.Add(time.Hour)) {
		t.Fatalf("deadline of a plan in nanoseconds %v, want %v", d, st.Updated.Add(time.Hour))
	}
	clk.advance(61 * time.Minute)
	if ex, err := rg.ExpireApprovals(ctx); err != nil || len(ex) != 1 {
		t.Fatalf("expired %+v %v, want the legacy step", ex, err)
	}
}

// TestResumeFromStoredPlaybook: a run keeps its playbook; resuming needs no
// file, refuses a changed file unless forced, and asks for the file when a
// run was stored without one.
func TestResumeFromStoredPlaybook(t *testing.T) {
	ctx := context.Background()
	f := newFake(t)
	rg := newRig(t, f)
	pb := steps(t, approvalStep+"  - {id: note, kind: comment, text: \"isolated {{ incident.id }}\"}\n")
	changed := steps(t, approvalStep+"  - {id: note, kind: comment, text: \"changed {{ incident.id }}\"}\n")
	start := func() string {
		t.Helper()
		run, err := rg.Run(ctx, pb, incident(), true)
		if err != nil {
			t.Fatal(err)
		}
		if err := rg.Approve(ctx, run.ID, isolateKey, "lead", false); err != nil {
			t.Fatal(err)
		}
		return run.ID
	}

	id := start()
	stored, _ := rg.store.Run(ctx, id)
	if string(stored.Source) != string(pb.Source) || stored.Digest != pb.Digest {
		t.Fatalf("run keeps %q (digest %s), want the playbook's source", stored.Source, stored.Digest)
	}
	_, err := rg.Resume(ctx, id, playbook.ResumeOptions{Playbook: changed, Incident: incident()})
	if debrief.ErrorCode(err) != debrief.ECONFLICT || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("changed file: %v, want a conflict that names --force", err)
	}
	run, err := rg.Resume(ctx, id, playbook.ResumeOptions{Incident: incident()})
	if err != nil || run.Status != debrief.RunSucceeded {
		t.Fatalf("resume from the stored copy: %v %v", run.Status, err)
	}
	if c := rg.store.comments["defender:42"]; len(c) != 1 || c[0].Text != "isolated defender:42" {
		t.Errorf("comments %+v, want the stored playbook's text", c)
	}

	id = start()
	run, err = rg.Resume(ctx, id, playbook.ResumeOptions{Playbook: changed, Force: true, Incident: incident()})
	if err != nil || run.Status != debrief.RunSucceeded {
		t.Fatalf("forced resume: %v %v", run.Status, err)
	}
	if c := rg.store.comments["defender:42"]; len(c) != 2 || c[1].Text != "changed defender:42" {
		t.Errorf("comments %+v, want the forced file's text", c)
	}
	var forced bool
	for _, e := range auditEvents(t, rg) {
		if e.Event == "run.resume" && e.Run == id {
			forced = strings.Contains(string(e.Detail), `"forced":true`) && strings.Contains(string(e.Detail), pb.Digest)
		}
	}
	if !forced {
		t.Error("the forced resume is not in the audit log with both digests")
	}

	id = start()
	old := *stored
	old.ID, old.Source, old.Steps = "run-old", nil, nil // as an older debrief stored it
	rg.store.SaveRun(ctx, old)
	rg.store.SaveStep(ctx, debrief.PlaybookStep{RunID: "run-old", Key: "note", Kind: "comment", Status: debrief.RunPending})
	_, err = rg.Resume(ctx, "run-old", playbook.ResumeOptions{Incident: incident()})
	if debrief.ErrorCode(err) != debrief.EINVALID || !strings.Contains(err.Error(), "name the playbook file") {
		t.Fatalf("run without source: %v, want to be asked for the file", err)
	}
	if _, err := rg.Resume(ctx, id, playbook.ResumeOptions{}); err == nil || !strings.Contains(err.Error(), "incident") {
		t.Fatalf("no incident and a store that cannot read one: %v", err)
	}
}

// hookedStore runs before once, just before its first DecideStep: another
// decision lands between a decision's read and its write.
type hookedStore struct {
	*memStore
	before func()
}

func (h *hookedStore) DecideStep(ctx context.Context, s debrief.PlaybookStep, now time.Time, timeout bool) (bool, error) {
	if f := h.before; f != nil {
		h.before = nil
		f()
	}
	return h.memStore.DecideStep(ctx, s, now, timeout)
}

// TestApproveRacesDeadline: an approval a moment before the deadline and
// the sweep at the deadline both read the step waiting; whichever saves
// first stands, the other is refused, and the step and run agree (never
// a step approved on a run that ended denied), as does the audit log.
func TestApproveRacesDeadline(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name        string
		sweepFirst  bool // the sweep lands between the approval's read and write, else the other way round
		wantRun     debrief.RunStatus
		wantApprove int // approve entries in the audit log
		wantTimeout int // approval.timeout entries
	}{
		{"sweep lands first", true, debrief.RunDenied, 0, 1},
		{"approval lands first", false, debrief.RunWaiting, 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rg := newRig(t, newFake(t))
			clk := newClock(rg)
			run, err := rg.Run(ctx, steps(t, approvalStep), incident(), true)
			if err != nil {
				t.Fatal(err)
			}
			deadline := run.Steps[0].Deadline
			clk.t = deadline
			// Two runners on one store and audit log, as the CLI and the
			// server's sweep are; the approver's clock is a moment behind.
			sweeper := &playbook.Runner{Store: rg.store, Audit: rg.Audit, Now: clk.now}
			approver := &playbook.Runner{Store: rg.store, Audit: rg.Audit,
				Now: func() time.Time { return deadline.Add(-time.Millisecond) }}
			var approveErr, sweepErr error
			var expired []playbook.Expired
			approve := func() { approveErr = approver.Approve(ctx, run.ID, isolateKey, "lead", false) }
			sweep := func() { expired, sweepErr = sweeper.ExpireApprovals(ctx) }
			if tc.sweepFirst {
				approver.Store = &hookedStore{memStore: rg.store, before: sweep}
				approve()
			} else {
				sweeper.Store = &hookedStore{memStore: rg.store, before: approve}
				sweep()
			}
			if sweepErr != nil {
				t.Fatalf("sweep: %v", sweepErr)
			}
			if tc.sweepFirst != (debrief.ErrorCode(approveErr) == debrief.ECONFLICT) {
				t.Fatalf("approve: %v; want a conflict only when the sweep lands first", approveErr)
			}
			if n := len(expired); n != tc.wantTimeout {
				t.Errorf("sweep expired %d steps, want %d", n, tc.wantTimeout)
			}
			stored, _ := rg.store.Run(ctx, run.ID)
			st := stored.Steps[0]
			if stored.Status != tc.wantRun || st.Status != tc.wantRun || (st.ApprovedBy != "") != (tc.wantApprove == 1) {
				t.Errorf("run %s, step %s approved by %q; want both %s", stored.Status, st.Status, st.ApprovedBy, tc.wantRun)
			}
			es := auditEvents(t, rg)
			if a, x := countEvents(es, "approve", run.ID), countEvents(es, "approval.timeout", run.ID); a != tc.wantApprove || x != tc.wantTimeout {
				t.Errorf("audit log: %d approve, %d approval.timeout; want %d, %d", a, x, tc.wantApprove, tc.wantTimeout)
			}
		})
	}
}
