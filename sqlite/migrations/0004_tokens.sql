-- 0004_tokens: API bearer tokens for "debrief serve". Only the SHA-256 hash
-- of a token's secret is stored; the secret is shown once, at creation.
CREATE TABLE tokens (
	id      TEXT PRIMARY KEY,      -- short public handle
	name    TEXT NOT NULL,
	role    TEXT NOT NULL,         -- viewer, analyst or admin
	hash    BLOB NOT NULL UNIQUE,  -- SHA-256 of the secret
	created INTEGER NOT NULL,      -- unix nanoseconds, UTC
	revoked INTEGER                -- unix nanoseconds, UTC; NULL while valid
);
