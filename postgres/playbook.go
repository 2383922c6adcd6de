package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/jackc/pgx/v5"
)

var _ debrief.PlaybookStore = (*Store)(nil)

// SaveRun inserts a playbook run (without its steps), or updates the
// status and updated time of the stored one with its ID.
func (s *Store) SaveRun(ctx context.Context, r debrief.PlaybookRun) error {
	var src []byte // nil binds NULL
	if len(r.Source) > 0 {
		src = r.Source
	}
	_, err := s.exec(ctx, `INSERT INTO playbook_runs (tenant, id, playbook, digest, incident_id, live, status, created, updated, source)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (tenant, id) DO UPDATE SET status = excluded.status, updated = excluded.updated`,
		noNULs([]any{s.tenant, r.ID, r.Playbook, r.Digest, r.IncidentID, r.Live, string(r.Status), nanos0(r.Created),
			nanos0(r.Updated), src})...)
	if err != nil {
		return fmt.Errorf("save playbook run %s: %w", r.ID, err)
	}
	return nil
}

// SaveStep inserts or replaces the state of one step of a run; a new step
// goes after the run's existing ones, and a step saved without a plan
// keeps the one it had. It holds the tenant's write lock, so that steps
// saved at once get distinct places.
func (s *Store) SaveStep(ctx context.Context, st debrief.PlaybookStep) error {
	var plan []byte // nil binds NULL
	if len(st.Plan) > 0 {
		plan = st.Plan
	}
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO playbook_steps (tenant, run_id, key, ord, kind, status, idempotency_key,
				attempts, plan, result, error, approved_by, approved_at, deadline, updated)
			VALUES ($1, $2, $3, (SELECT coalesce(max(ord), 0) + 1 FROM playbook_steps WHERE tenant = $1 AND run_id = $2),
				$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
			ON CONFLICT (tenant, run_id, key) DO UPDATE SET status = excluded.status, attempts = excluded.attempts,
				plan = coalesce(excluded.plan, playbook_steps.plan), result = excluded.result, error = excluded.error,
				approved_by = excluded.approved_by, approved_at = excluded.approved_at, deadline = excluded.deadline,
				updated = excluded.updated`,
			noNULs([]any{s.tenant, st.RunID, st.Key, st.Kind, string(st.Status), st.IdempotencyKey, st.Attempts, plan,
				st.Result, st.Error, st.ApprovedBy, nanos0(st.ApprovedAt), nanos0(st.Deadline), nanos0(st.Updated)})...)
		return err
	})
	if err != nil {
		return fmt.Errorf("save playbook step %s/%s: %w", st.RunID, st.Key, err)
	}
	return nil
}

// DecideStep saves a decision on a step waiting for approval in one
// conditional UPDATE: it lands only while the stored step waits, unapproved,
// before its deadline (at or after it, for a timeout). Two decisions at
// once serialise on the row; the second finds it no longer waiting.
func (s *Store) DecideStep(ctx context.Context, st debrief.PlaybookStep, now time.Time, timeout bool) (bool, error) {
	due := `coalesce(deadline, 0) > $10`
	if timeout {
		due = `coalesce(deadline, 0) <= $10`
	}
	tag, err := s.exec(ctx, `UPDATE playbook_steps SET status = $4, result = $5, error = $6, approved_by = $7,
			approved_at = $8, updated = $9
		WHERE tenant = $1 AND run_id = $2 AND key = $3 AND status = 'waiting' AND coalesce(approved_by, '') = ''
			AND (coalesce(deadline, 0) = 0 OR `+due+`)`,
		noNULs([]any{s.tenant, st.RunID, st.Key, string(st.Status), st.Result, st.Error, st.ApprovedBy,
			nanos0(st.ApprovedAt), nanos0(st.Updated), now.UnixNano()})...)
	if err != nil {
		return false, fmt.Errorf("decide playbook step %s/%s: %w", st.RunID, st.Key, err)
	}
	return tag.RowsAffected() > 0, nil
}

const runColumns = `id, playbook, digest, incident_id, live, status, created, updated`

// scanRun reads runColumns and then into more.
func scanRun(row pgx.Row, more ...any) (debrief.PlaybookRun, error) {
	var r debrief.PlaybookRun
	var status string
	var created, updated int64
	err := row.Scan(append([]any{&r.ID, &r.Playbook, &r.Digest, &r.IncidentID, &r.Live, &status, &created, &updated}, more...)...)
	r.Status, r.Created, r.Updated = debrief.RunStatus(status), unixNanos(created), unixNanos(updated)
	return r, err
}

// Run returns a playbook run with its steps in planning order, read in
// one snapshot.
func (s *Store) Run(ctx context.Context, id string) (*debrief.PlaybookRun, error) {
	var r debrief.PlaybookRun
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		var err error
		var src []byte
		r, err = scanRun(tx.QueryRow(ctx, `SELECT `+runColumns+`, source FROM playbook_runs WHERE tenant = $1 AND id = $2`,
			s.tenant, id), &src)
		r.Source = src
		if errors.Is(err, pgx.ErrNoRows) {
			return debrief.Errorf(debrief.ENOTFOUND, "playbook run %s not found", id)
		}
		if err != nil {
			return err
		}
		r.Steps, err = runSteps(ctx, tx, s.tenant, id)
		return err
	})
	if err != nil {
		if debrief.ErrorCode(err) == debrief.ENOTFOUND {
			return nil, err
		}
		return nil, fmt.Errorf("playbook run %s: %w", id, err)
	}
	return &r, nil
}

func runSteps(ctx context.Context, tx pgx.Tx, tenant, id string) ([]debrief.PlaybookStep, error) {
	rows, err := tx.Query(ctx, `SELECT `+stepColumns+` FROM playbook_steps WHERE tenant = $1 AND run_id = $2
		ORDER BY ord, key`, tenant, id)
	if err != nil {
		return nil, fmt.Errorf("steps: %w", err)
	}
	steps, err := scanSteps(rows)
	if err != nil {
		return nil, fmt.Errorf("steps: %w", err)
	}
	return steps, nil
}

const stepColumns = `run_id, key, kind, status, idempotency_key, attempts, plan, result, error, approved_by, approved_at,
	deadline, updated`

// scanSteps reads the rows of a query of stepColumns, and closes them.
func scanSteps(rows pgx.Rows) ([]debrief.PlaybookStep, error) {
	defer rows.Close()
	var steps []debrief.PlaybookStep
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
		steps = append(steps, st)
	}
	return steps, rows.Err()
}

// Waiting lists the tenant's steps waiting for approval, oldest deadline
// first.
func (s *Store) Waiting(ctx context.Context) ([]debrief.PlaybookStep, error) {
	var out []debrief.PlaybookStep
	err := s.conn(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `SELECT `+stepColumns+` FROM playbook_steps WHERE tenant = $1 AND status = 'waiting'
			ORDER BY deadline, run_id, ord`, s.tenant)
		if err != nil {
			return err
		}
		out, err = scanSteps(rows)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("playbook steps waiting: %w", err)
	}
	return out, nil
}

// Runs lists the runs on an incident ("" for all), newest first.
func (s *Store) Runs(ctx context.Context, incidentID string) ([]debrief.PlaybookRun, error) {
	var out []debrief.PlaybookRun
	err := s.conn(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `SELECT `+runColumns+` FROM playbook_runs
			WHERE tenant = $1 AND ($2 = '' OR incident_id = $2) ORDER BY created DESC, id DESC`, s.tenant, incidentID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanRun(rows)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("playbook runs: %w", err)
	}
	return out, nil
}

// SucceededKey reports whether a step with this idempotency key succeeded
// in any run of the tenant.
func (s *Store) SucceededKey(ctx context.Context, key string) (bool, error) {
	var ok bool
	err := s.conn(ctx, func(c *pgx.Conn) error {
		return c.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM playbook_steps
			WHERE tenant = $1 AND idempotency_key = $2 AND status = 'succeeded')`, s.tenant, key).Scan(&ok)
	})
	if err != nil {
		return false, fmt.Errorf("playbook idempotency key: %w", err)
	}
	return ok, nil
}

// AddComment adds a comment to a stored incident (ENOTFOUND when there is
// none); a comment already there is kept once. It holds the tenant's write
// lock, as Write does.
func (s *Store) AddComment(ctx context.Context, incidentID string, c debrief.Comment) error {
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		var found bool
		err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM incidents WHERE tenant = $1 AND id = $2)`,
			s.tenant, incidentID).Scan(&found)
		if err != nil {
			return err
		}
		if !found {
			return debrief.Errorf(debrief.ENOTFOUND, "incident %q not found", incidentID)
		}
		_, err = tx.Exec(ctx, `INSERT INTO comments (tenant, incident_id, at, author, body) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT DO NOTHING`, noNULs([]any{s.tenant, incidentID, nanos0(c.At), c.Author, c.Text})...)
		return err
	})
	if err != nil {
		if debrief.ErrorCode(err) == debrief.ENOTFOUND {
			return err
		}
		return fmt.Errorf("comment on %s: %w", incidentID, err)
	}
	return nil
}

// Tenants lists the tenants that hold API tokens or playbook runs, in
// order: those a server of every tenant sweeps for overdue approvals and
// playbooks to fire (a tenant without tokens has nobody to serve).
func (s *Store) Tenants(ctx context.Context) ([]string, error) {
	var out []string
	err := s.conn(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `SELECT tenant FROM tokens UNION SELECT tenant FROM playbook_runs ORDER BY 1`)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	return out, nil
}
