-- 0004_tokens: API bearer tokens for "debrief serve", per tenant. Only the
-- SHA-256 hash of a token's secret is stored; the secret is shown once, at
-- creation. As sqlite/migrations/0004_tokens.sql, with the tenant leading
-- every key (see 0001): a token belongs to one tenant and opens only its
-- store.
CREATE TABLE tokens (
	tenant  text COLLATE "C" NOT NULL DEFAULT 'default',
	id      text COLLATE "C" NOT NULL, -- short public handle
	name    text COLLATE "C" NOT NULL,
	role    text COLLATE "C" NOT NULL, -- viewer, analyst or admin
	hash    bytea NOT NULL,            -- SHA-256 of the secret
	created bigint NOT NULL,           -- unix nanoseconds, UTC
	revoked bigint,                    -- unix nanoseconds, UTC; NULL while valid
	PRIMARY KEY (tenant, id),
	UNIQUE (tenant, hash)
);
