package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/debrief-dev/debrief"
)

var _ debrief.PlaybookStore = (*Store)(nil)

func unixNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// SaveRun inserts or replaces a playbook run (without its steps).
func (s *Store) SaveRun(ctx context.Context, r debrief.PlaybookRun) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	var src []byte // nil binds NULL
	if len(r.Source) > 0 {
		src = r.Source
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO playbook_runs (id, playbook, digest, incident_id, live, status, created, updated, source)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET status = excluded.status, updated = excluded.updated`,
		r.ID, r.Playbook, r.Digest, r.IncidentID, r.Live, string(r.Status), nanos0(r.Created), nanos0(r.Updated), src)
	if err != nil {
		return fmt.Errorf("save playbook run %s: %w", r.ID, err)
	}
	s.written()
	return nil
}

// SaveStep inserts or replaces the state of one step of a run; a new step
// goes after the run's existing ones.
func (s *Store) SaveStep(ctx context.Context, st debrief.PlaybookStep) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_, err := s.db.ExecContext(ctx, `INSERT INTO playbook_steps (run_id, key, ord, kind, status, idempotency_key, attempts,
			plan, result, error, approved_by, approved_at, deadline, updated)
		VALUES (?, ?, (SELECT coalesce(max(ord), 0) + 1 FROM playbook_steps WHERE run_id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (run_id, key) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
			plan = coalesce(excluded.plan, plan), result = excluded.result, error = excluded.error,
			approved_by = excluded.approved_by, approved_at = excluded.approved_at, deadline = excluded.deadline,
			updated = excluded.updated`,
		st.RunID, st.Key, st.RunID, st.Kind, string(st.Status), st.IdempotencyKey, st.Attempts, []byte(st.Plan), st.Result,
		st.Error, st.ApprovedBy, nanos0(st.ApprovedAt), nanos0(st.Deadline), nanos0(st.Updated))
	if err != nil {
		return fmt.Errorf("save playbook step %s/%s: %w", st.RunID, st.Key, err)
	}
	s.written()
	return nil
}

// DecideStep saves a decision on a step waiting for approval in one
// conditional UPDATE: it lands only while the stored step waits, unapproved,
// before its deadline (at or after it, for a timeout).
func (s *Store) DecideStep(ctx context.Context, st debrief.PlaybookStep, now time.Time, timeout bool) (bool, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	due := `coalesce(deadline, 0) > ?`
	if timeout {
		due = `coalesce(deadline, 0) <= ?`
	}
	res, err := s.db.ExecContext(ctx, `UPDATE playbook_steps SET status = ?, result = ?, error = ?, approved_by = ?,
			approved_at = ?, updated = ?
		WHERE run_id = ? AND key = ? AND status = 'waiting' AND coalesce(approved_by, '') = ''
			AND (coalesce(deadline, 0) = 0 OR `+due+`)`,
		string(st.Status), st.Result, st.Error, st.ApprovedBy, nanos0(st.ApprovedAt), nanos0(st.Updated),
		st.RunID, st.Key, now.UnixNano())
	if err != nil {
		return false, fmt.Errorf("decide playbook step %s/%s: %w", st.RunID, st.Key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("decide playbook step %s/%s: %w", st.RunID, st.Key, err)
	}
	if n > 0 {
		s.written()
	}
	return n > 0, nil
}

const runColumns = `id, playbook, digest, incident_id, live, status, created, updated`

// scanRun reads runColumns and then into more.
func scanRun(sc interface{ Scan(...any) error }, more ...any) (debrief.PlaybookRun, error) {
	var r debrief.PlaybookRun
	var status string
	var created, updated int64
	err := sc.Scan(append([]any{&r.ID, &r.Playbook, &r.Digest, &r.IncidentID, &r.Live, &status, &created, &updated}, more...)...)
	r.Status, r.Created, r.Updated = debrief.RunStatus(status), unixNanos(created), unixNanos(updated)
	return r, err
}

// Run returns a playbook run with its source and its steps in planning
// order.
func (s *Store) Run(ctx context.Context, id string) (*debrief.PlaybookRun, error) {
	var src []byte
	r, err := scanRun(s.db.QueryRowContext(ctx, `SELECT `+runColumns+`, source FROM playbook_runs WHERE id = ?`, id), &src)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, debrief.Errorf(debrief.ENOTFOUND, "playbook run %s not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("playbook run %s: %w", id, err)
	}
	r.Source = src
	r.Steps, err = s.steps(ctx, `SELECT `+stepColumns+` FROM playbook_steps WHERE run_id = ? ORDER BY ord`, id)
	if err != nil {
		return nil, fmt.Errorf("playbook run %s steps: %w", id, err)
	}
	return &r, nil
}

const stepColumns = `run_id, key, kind, status, idempotency_key, attempts, plan, result, error, approved_by, approved_at,
	deadline, updated`

// steps reads the steps a query selects (stepColumns).
func (s *Store) steps(ctx context.Context, query string, args ...any) ([]debrief.PlaybookStep, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []debrief.PlaybookStep
	for rows.Next() {
		var st debrief.PlaybookStep
		var status string
		var approved, deadline, updated int64
		var plan []byte
		if err := rows.Scan(&st.RunID, &st.Key, &st.Kind, &status, &st.IdempotencyKey, &st.Attempts, &plan, &st.Result,
			&st.Error, &st.ApprovedBy, &approved, &deadline, &updated); err != nil {
			return nil, err
		}
		st.Status, st.ApprovedAt, st.Updated = debrief.RunStatus(status), unixNanos(approved), unixNanos(updated)
		st.Deadline, st.Plan = unixNanos(deadline), plan
		out = append(out, st)
	}
	return out, rows.Err()
}

// Waiting lists the steps waiting for approval, oldest deadline first.
func (s *Store) Waiting(ctx context.Context) ([]debrief.PlaybookStep, error) {
	out, err := s.steps(ctx, `SELECT `+stepColumns+` FROM playbook_steps WHERE status = 'waiting'
		ORDER BY deadline, run_id, ord`)
	if err != nil {
		return nil, fmt.Errorf("playbook steps waiting: %w", err)
	}
	return out, nil
}

// Runs lists the runs on an incident ("" for all), newest first.
func (s *Store) Runs(ctx context.Context, incidentID string) ([]debrief.PlaybookRun, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+runColumns+` FROM playbook_runs
		WHERE ? = '' OR incident_id = ? ORDER BY created DESC, id DESC`, incidentID, incidentID)
	if err != nil {
		return nil, fmt.Errorf("playbook runs: %w", err)
	}
	defer rows.Close()
	var out []debrief.PlaybookRun
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("playbook runs: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SucceededKey reports whether a step with this idempotency key succeeded.
func (s *Store) SucceededKey(ctx context.Context, key string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM playbook_steps WHERE idempotency_key = ? AND status = 'succeeded'`, key).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("playbook idempotency key: %w", err)
	}
	return n > 0, nil
}

// AddComment adds a comment to a stored incident.
func (s *Store) AddComment(ctx context.Context, incidentID string, c debrief.Comment) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	res, err := s.db.ExecContext(ctx, `INSERT OR IGNORE INTO comments (incident_id, at, author, body)
		SELECT id, ?, ?, ? FROM incidents WHERE id = ?`, nanos0(c.At), c.Author, c.Text, incidentID)
	if err != nil {
		return fmt.Errorf("comment on %s: %w", incidentID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := s.Incident(ctx, incidentID); err != nil {
			return err
		}
	}
	s.written()
	return nil
}
