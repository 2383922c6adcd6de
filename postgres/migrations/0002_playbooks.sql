-- 0002_playbooks: playbook runs and the state of their steps, so that an
-- interrupted run resumes without repeating a step that succeeded. The
-- tables are those of sqlite/migrations/0002_playbooks.sql, with a tenant
-- column leading every key and index (see 0001); times are bigint unix
-- nanoseconds, UTC, 0 unknown.

CREATE TABLE playbook_runs (
	tenant      text COLLATE "C" NOT NULL DEFAULT 'default',
	id          text COLLATE "C" NOT NULL,
	playbook    text COLLATE "C" NOT NULL,
	digest      text COLLATE "C" NOT NULL,
	incident_id text COLLATE "C" NOT NULL,
	live        boolean NOT NULL,
	status      text COLLATE "C" NOT NULL,
	created     bigint NOT NULL,
	updated     bigint NOT NULL,
	PRIMARY KEY (tenant, id)
);
CREATE INDEX playbook_runs_incident ON playbook_runs (tenant, incident_id, created);

-- playbook_steps keeps one row per planned step; ord is the planning order.
-- plan is the planned step's JSON, kept byte for byte.
CREATE TABLE playbook_steps (
	tenant          text COLLATE "C" NOT NULL DEFAULT 'default',
	run_id          text COLLATE "C" NOT NULL,
	key             text COLLATE "C" NOT NULL,
	ord             integer NOT NULL,
	kind            text COLLATE "C" NOT NULL,
	status          text COLLATE "C" NOT NULL,
	idempotency_key text COLLATE "C" NOT NULL,
	attempts        integer NOT NULL,
	plan            bytea,
	result          text COLLATE "C" NOT NULL,
	error           text COLLATE "C" NOT NULL,
	approved_by     text COLLATE "C" NOT NULL,
	approved_at     bigint NOT NULL,
	updated         bigint NOT NULL,
	PRIMARY KEY (tenant, run_id, key),
	FOREIGN KEY (tenant, run_id) REFERENCES playbook_runs (tenant, id) ON DELETE CASCADE
);
CREATE INDEX playbook_steps_idem ON playbook_steps (tenant, idempotency_key) WHERE status = 'succeeded';
