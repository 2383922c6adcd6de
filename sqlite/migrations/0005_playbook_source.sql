-- 0005_playbook_source: a run keeps the playbook file it started with, so
-- that resuming it needs no file (its digest is the SHA-256 of source), and
-- a step waiting for approval keeps its deadline, so that overdue steps are
-- found and denied wherever runs are read. Runs stored before have a NULL
-- source; steps waiting before have deadline 0, and their plan's
-- approval_timeout from updated counts.

ALTER TABLE playbook_runs ADD COLUMN source BLOB;
ALTER TABLE playbook_steps ADD COLUMN deadline INTEGER NOT NULL DEFAULT 0;
CREATE INDEX playbook_steps_waiting ON playbook_steps (deadline) WHERE status = 'waiting';
