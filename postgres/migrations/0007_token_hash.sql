-- 0007_token_hash: find a token by its hash alone, for a server that
-- serves every tenant ("debrief serve --all-tenants") and learns the
-- tenant from the token. On Citus, tokens may then be made a reference
-- table (create_reference_table('tokens')) so that this lookup stays on
-- one node; it is small and read on every request.
CREATE INDEX tokens_hash ON tokens (hash);
