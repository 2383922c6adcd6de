package debrief

import (
	"context"
	"encoding/json"
	"time"
)

// RunStatus is where a playbook run or one of its steps stands.
type RunStatus string

// Run and step statuses.
const (
	RunPlanned   RunStatus = "planned"   // dry run: planned and recorded, never executed
	RunPending   RunStatus = "pending"   // live: not started yet
	RunRunning   RunStatus = "running"   // live: executing (a crash leaves it so; a resume retries it)
	RunWaiting   RunStatus = "waiting"   // waits for an approval
	RunSucceeded RunStatus = "succeeded" // done; never repeated
	RunFailed    RunStatus = "failed"    // gave up after its retries
	RunDenied    RunStatus = "denied"    // approval denied or timed out
	RunSkipped   RunStatus = "skipped"   // not executed: an earlier step failed, or the same idempotency key succeeded before
)

// Final reports whether the status ends a step or run.
func (s RunStatus) Final() bool {
	switch s {
	case RunPlanned, RunSucceeded, RunFailed, RunDenied, RunSkipped:
		return true
	}
	return false
}

// PlaybookRun is one run of a playbook on one incident, with its steps.
type PlaybookRun struct {
	ID         string         `json:"id"`
	Playbook   string         `json:"playbook"`    // the playbook's name
	Digest     string         `json:"digest"`      // SHA-256 of the playbook file, so a resume uses the same file
	IncidentID string         `json:"incident_id"` // source-qualified
	Live       bool           `json:"live"`        // false: a dry run
	Status     RunStatus      `json:"status"`
	Created    time.Time      `json:"created"`
	Updated    time.Time      `json:"updated"`
	Steps      []PlaybookStep `json:"steps,omitempty"`
	// Source is the playbook file the run started with, byte for byte
	// (Digest is its SHA-256), so that a resume needs no file. Run returns
	// it; Runs does not. Runs stored before it was kept have none.
	Source []byte `json:"-"`
}

// PlaybookStep is the state of one planned step of a run. A step with
// for_each has one PlaybookStep per entity; Key tells them apart.
type PlaybookStep struct {
	RunID          string          `json:"run_id"`
	Key            string          `json:"key"` // step id, plus "#" and the entity key under for_each
	Kind           string          `json:"kind"`
	Status         RunStatus       `json:"status"`
	IdempotencyKey string          `json:"idempotency_key"`
	Attempts       int             `json:"attempts"`
	Plan           json.RawMessage `json:"plan,omitempty"` // the planned step as JSON, secrets masked
	Result         string          `json:"result,omitempty"`
	Error          string          `json:"error,omitempty"`
	ApprovedBy     string          `json:"approved_by,omitempty"`
	ApprovedAt     time.Time       `json:"approved_at,omitzero"`
	// Deadline is when a step waiting for approval times out and becomes
	// denied; zero when it does not wait (or was stored before deadlines
	// were kept: then its plan's approval_timeout from Updated counts).
	Deadline time.Time `json:"deadline,omitzero"`
	Updated  time.Time `json:"updated"`
}

// PlaybookStore keeps playbook runs and their step states, so that a run
// interrupted mid-way resumes without repeating a step that succeeded.
// Stores that support playbooks implement it next to Store; callers get it
// by type assertion.
type PlaybookStore interface {
	// SaveRun inserts a run (without its steps), or updates the status and
	// updated time of the stored one; Source is kept from the insert.
	SaveRun(ctx context.Context, r PlaybookRun) error
	// SaveStep inserts or replaces the state of one step of a run.
	SaveStep(ctx context.Context, s PlaybookStep) error
	// DecideStep saves s, a decision on a step that waits for approval
	// (approved, denied, or timed out), only while the stored step still
	// waits and nobody approved it, and only while its stored deadline is
	// after now — or, for a timeout, at or before now (a step stored
	// without a deadline passes either check). It reports whether it
	// saved: false means another decision or the deadline came first, so
	// an approval and the deadline's denial cannot both land.
	DecideStep(ctx context.Context, s PlaybookStep, now time.Time, timeout bool) (bool, error)
	// Run returns a run with its steps in planning order, or an *Error
	// with code ENOTFOUND.
	Run(ctx context.Context, id string) (*PlaybookRun, error)
	// Runs lists the runs on an incident ("" for all), newest first,
	// without their steps.
	Runs(ctx context.Context, incidentID string) ([]PlaybookRun, error)
	// Waiting lists the steps waiting for approval, in every run, oldest
	// deadline first, so that overdue ones can be denied.
	Waiting(ctx context.Context) ([]PlaybookStep, error)
	// SucceededKey reports whether any step with this idempotency key
	// succeeded, in any run.
	SucceededKey(ctx context.Context, key string) (bool, error)
	// AddComment adds a comment to a stored incident (the comment step).
	AddComment(ctx context.Context, incidentID string, c Comment) error
}
