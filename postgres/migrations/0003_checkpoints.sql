-- 0003_checkpoints: positions of live sources (debrief pull, debrief
-- stream), one opaque value per source name and tenant, set after the
-- records it covers are stored. As sqlite/migrations/0003_checkpoints.sql,
-- with the tenant leading the key (see 0001).
CREATE TABLE checkpoints (
	tenant     text COLLATE "C" NOT NULL DEFAULT 'default',
	name       text COLLATE "C" NOT NULL,
	value      text COLLATE "C" NOT NULL,
	updated_at bigint NOT NULL, -- unix nanoseconds, UTC
	PRIMARY KEY (tenant, name)
);
