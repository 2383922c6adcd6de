-- 0005_playbook_source: as sqlite/migrations/0005_playbook_source.sql. A
-- run keeps the playbook file it started with (NULL for runs stored before),
-- and a step waiting for approval its deadline (0 before: its plan's
-- approval_timeout from updated counts).

ALTER TABLE playbook_runs ADD COLUMN source bytea;
ALTER TABLE playbook_steps ADD COLUMN deadline bigint NOT NULL DEFAULT 0;
CREATE INDEX playbook_steps_waiting ON playbook_steps (tenant, deadline) WHERE status = 'waiting';
