package playbook

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/debrief-dev/debrief"
)

// errTimedOut is the error a step denied for an overdue approval keeps.
const errTimedOut = "approval timed out"

// Deadline is when a step waiting for approval times out: its stored
// deadline or, for a step stored before deadlines were kept, its plan's
// approval timeout counted from when it began to wait. Zero: never.
func Deadline(st *debrief.PlaybookStep) time.Time {
	if !st.Deadline.IsZero() {
		return st.Deadline
	}
	var p struct {
		Seconds float64       `json:"approval_timeout_seconds"`
		Nanos   time.Duration `json:"approval_timeout"` // plans written before durations were in seconds
	}
	if json.Unmarshal(st.Plan, &p) != nil {
		return time.Time{}
	}
	d := seconds(p.Seconds)
	if d <= 0 {
		d = p.Nanos
	}
	if d <= 0 {
		return time.Time{}
	}
	return st.Updated.Add(d)
}

// overdue reports whether a step waits for an approval nobody gave before
// its deadline.
func overdue(st *debrief.PlaybookStep, now time.Time) bool {
	if st.Status != debrief.RunWaiting || st.ApprovedBy != "" {
		return false
	}
	d := Deadline(st)
	return !d.IsZero() && !now.Before(d)
}

// awaitApproval puts a step in wait for approval with its deadline, or
// denies it when the deadline passed.
func (r *Runner) awaitApproval(ctx context.Context, run *debrief.PlaybookRun, s Step, st *debrief.PlaybookStep) (debrief.RunStatus, error) {
	if st.Status == debrief.RunWaiting {
		if overdue(st, r.now()) {
			return debrief.RunDenied, r.expire(ctx, run, st)
		}
		return debrief.RunWaiting, nil
	}
	st.Status, st.Deadline = debrief.RunWaiting, r.now().Add(s.ApprovalTimeout)
	return debrief.RunWaiting, r.saveStep(ctx, run, st, "approval.wait",
		map[string]any{"timeout": s.ApprovalTimeout.String(), "deadline": st.Deadline})
}

// expire denies an overdue step and ends its run, writing it to the audit
// log. It returns an ECONFLICT error when an approval or denial landed
// first (see decide).
func (r *Runner) expire(ctx context.Context, run *debrief.PlaybookRun, st *debrief.PlaybookStep) error {
	deadline := Deadline(st)
	st.Status, st.Error = debrief.RunDenied, errTimedOut
	if err := r.decide(ctx, run, st, true, "approval.timeout",
		map[string]any{"reason": errTimedOut, "deadline": deadline}); err != nil {
		return err
	}
	run.Status = debrief.RunDenied
	return r.saveRun(ctx, run)
}

// decide saves a decision on a waiting step — an approval, a denial, or
// with timeout the deadline's denial — only if no other decision landed
// first and the deadline is on its side (PlaybookStore.DecideStep), then
// writes it to the audit log. Unlike other steps' saves, the store goes
// first, so that the log never shows a decision that lost. Losing is an
// ECONFLICT error.
func (r *Runner) decide(ctx context.Context, run *debrief.PlaybookRun, st *debrief.PlaybookStep, timeout bool, event string, detail any) error {
	st.Updated = r.now()
	ok, err := r.Store.DecideStep(ctx, *st, st.Updated, timeout)
	if err != nil {
		return fmt.Errorf("save step %s: %w", st.Key, err)
	}
	if !ok {
		return debrief.Errorf(debrief.ECONFLICT, "step %s of run %s was decided meanwhile (approved, denied or timed out): "+
			"list the run to see how it stands", st.Key, run.ID)
	}
	return r.audit(run, st.Key, event, detail)
}

// Expired is a step ExpireApprovals denied.
type Expired struct {
	Run      string    `json:"run"`
	Step     string    `json:"step"`
	Playbook string    `json:"playbook"`
	Incident string    `json:"incident"`
	Deadline time.Time `json:"deadline"`
}

// ExpireApprovals denies every step that waits for an approval past its
// deadline ("approval timed out"), ends its run as denied, and writes each
// to the audit log. Listing runs, approving and the server's sweep call it,
// so that a timeout holds without the run being resumed.
func (r *Runner) ExpireApprovals(ctx context.Context) ([]Expired, error) {
	waiting, err := r.Store.Waiting(ctx)
	if err != nil {
		return nil, err
	}
	now := r.now()
	var out []Expired
	for i := range waiting {
		if !overdue(&waiting[i], now) {
			continue
		}
		run, err := r.Store.Run(ctx, waiting[i].RunID)
		if err != nil {
			return out, err
		}
		for j := range run.Steps {
			st := &run.Steps[j]
			if st.Key != waiting[i].Key || !overdue(st, now) { // re-read: it may have moved on since
				continue
			}
			e := Expired{Run: run.ID, Step: st.Key, Playbook: run.Playbook, Incident: run.IncidentID, Deadline: Deadline(st)}
			if err := r.expire(ctx, run, st); debrief.ErrorCode(err) == debrief.ECONFLICT {
				continue // an approval or denial came first
			} else if err != nil {
				return out, fmt.Errorf("expire %s %s: %w", run.ID, st.Key, err)
			}
			out = append(out, e)
		}
	}
	return out, nil
}

// Runs lists the runs on an incident ("" for all), newest first, with
// their steps, after denying the approvals that are overdue.
func (r *Runner) Runs(ctx context.Context, incident string) ([]debrief.PlaybookRun, error) {
	if _, err := r.ExpireApprovals(ctx); err != nil {
		return nil, err
	}
	list, err := r.Store.Runs(ctx, incident)
	if err != nil {
		return nil, err
	}
	out := make([]debrief.PlaybookRun, 0, len(list))
	for _, l := range list {
		run, err := r.Store.Run(ctx, l.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, *run)
	}
	return out, nil
}

// Approve records that a person approved a waiting step; Resume then runs
// it. Deny instead ends the run. A step whose deadline passed is denied
// (approval timed out) and the approval refused with an ECONFLICT error.
// The first decision on a step stands: approving or denying a step that
// is approved, denied or timed out — also by a decision that lands
// between this one's read and its write — is an ECONFLICT error.
func (r *Runner) Approve(ctx context.Context, runID, key, by string, deny bool) error {
	run, err := r.Store.Run(ctx, runID)
	if err != nil {
		return err
	}
	for i := range run.Steps {
		st := &run.Steps[i]
		if st.Key != key {
			continue
		}
		if overdue(st, r.now()) {
			deadline := Deadline(st)
			if err := r.expire(ctx, run, st); err != nil {
				return err
			}
			return debrief.Errorf(debrief.ECONFLICT, "step %s of run %s waited for approval until %s and timed out: "+
				"it is now denied and the run ended; start a new run to act", key, runID, deadline.Format(time.RFC3339))
		}
		if st.Status != debrief.RunWaiting {
			why := ""
			if st.Error != "" {
				why = " (" + st.Error + ")"
			}
			return debrief.Errorf(debrief.ECONFLICT, "step %s of run %s is %s%s, not waiting for approval", key, runID, st.Status, why)
		}
		if st.ApprovedBy != "" { // the first decision stands
			return debrief.Errorf(debrief.ECONFLICT, "step %s of run %s is already approved by %s; resume the run", key, runID, st.ApprovedBy)
		}
		if deny {
			st.Status, st.Error = debrief.RunDenied, "denied by "+by
			if err := r.decide(ctx, run, st, false, "deny", map[string]string{"by": by}); err != nil {
				return err
			}
			run.Status = debrief.RunDenied
			return r.saveRun(ctx, run)
		}
		st.ApprovedBy, st.ApprovedAt = by, r.now()
		return r.decide(ctx, run, st, false, "approve", map[string]string{"by": by})
	}
	return debrief.Errorf(debrief.ENOTFOUND, "run %s has no step %s", runID, key)
}
