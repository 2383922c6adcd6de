-- Positions of live sources (debrief pull, debrief stream): one opaque
-- value per source name, set after the records it covers are stored.
CREATE TABLE checkpoints (
	name       TEXT PRIMARY KEY,
	value      TEXT NOT NULL,
	updated_at INTEGER NOT NULL -- Unix nanoseconds, UTC
) WITHOUT ROWID;
