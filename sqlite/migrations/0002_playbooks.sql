-- 0002_playbooks: playbook runs and the state of their steps, so that an
-- interrupted run resumes without repeating a step that succeeded. Times
-- are INTEGER unix nanoseconds, UTC, as in 0001; 0 is unknown.

CREATE TABLE playbook_runs (
	id          TEXT PRIMARY KEY,
	playbook    TEXT NOT NULL,
	digest      TEXT NOT NULL,
	incident_id TEXT NOT NULL,
	live        INTEGER NOT NULL,
	status      TEXT NOT NULL,
	created     INTEGER NOT NULL,
	updated     INTEGER NOT NULL
);
CREATE INDEX playbook_runs_incident ON playbook_runs (incident_id, created);

-- playbook_steps keeps one row per planned step; ord is the planning order.
CREATE TABLE playbook_steps (
	run_id          TEXT NOT NULL REFERENCES playbook_runs (id) ON DELETE CASCADE,
	key             TEXT NOT NULL,
	ord             INTEGER NOT NULL,
	kind            TEXT NOT NULL,
	status          TEXT NOT NULL,
	idempotency_key TEXT NOT NULL,
	attempts        INTEGER NOT NULL,
	plan            BLOB,
	result          TEXT NOT NULL,
	error           TEXT NOT NULL,
	approved_by     TEXT NOT NULL,
	approved_at     INTEGER NOT NULL,
	updated         INTEGER NOT NULL,
	PRIMARY KEY (run_id, key)
);
CREATE INDEX playbook_steps_idem ON playbook_steps (idempotency_key) WHERE status = 'succeeded';
