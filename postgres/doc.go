// Package postgres is debrief's store for teams: a debrief.Store in a
// PostgreSQL database (tested on PostgreSQL 15), through
// github.com/jackc/pgx/v5. It behaves as the sqlite store does (the same
// storetest conformance suite runs against both), and shares its content
// hashes and column encodings, so a store moves between the two without
// loss (debrief migrate).
//
// Open connects, and applies the embedded migrations (migrations/*.sql,
// recorded in schema_migrations, each in a transaction under an advisory
// lock, so that processes opening at once do not race). The DSN is libpq's:
// a postgres:// URL or key=value pairs, with pgx's own parameters (behind
// PgBouncer in transaction mode, add default_query_exec_mode=exec: pgx
// otherwise keeps prepared statements per connection); other parameters,
// such as search_path, are sent to the server as settings. A Store keeps
// up to 8 connections in a pgxpool pool (pool_max_conns=N in the DSN sets
// another number, and the other pool_* parameters of pgxpool apply).
//
// # Tenants
//
// Every table has a tenant column that leads every key and index. A Store
// reads and writes one tenant's rows: Open's is "default", OpenTenant
// names another, and ForTenant gives another tenant's store over the same
// connections. A managed-security provider keeps its customers in one
// database, each as a tenant, and none sees another's incidents.
//
// # Tokens, checkpoints and playbook runs
//
// Besides debrief.Store, a Store is a debrief.TokenStore, a
// debrief.CheckpointStore and a debrief.PlaybookStore, with the sqlite
// store's semantics (storetest's RunTokens, RunCheckpoints and RunPlaybooks
// run against both), so "debrief serve", "pull" and "playbook" work on it.
// Tokens, checkpoints and runs belong to the store's tenant: a token opens
// only its tenant's store, and the same token id or hash may exist in two
// tenants. SaveStep and AddComment take the tenant's write lock (steps get
// their planning order from the run's last step; a comment joins an
// incident that Write may be changing); the other calls are single
// statements.
//
// # Writes
//
// Write has the semantics documented in the sqlite package: one
// transaction per batch, idempotent by content hash, versions kept and the
// derived history rebuilt in time order, partial alerts merged, links
// between incidents and alerts from either side, placeholder incidents
// marked by their hash. The writers of one tenant
// take turns on a transaction-level advisory lock (as SQLite's writers do on
// the file's lock), so what a Write reads when it begins stays true until
// it commits; readers run in repeatable-read snapshots and never wait.
// Writes of different tenants run in parallel.
//
// Round trips are what a PostgreSQL writer pays for, so a Write makes few:
// it loads the state and known versions of every incident and alert the
// batch names in three queries; new alerts and raw records go by COPY,
// links as one INSERT of arrays (unnest) with ON CONFLICT; every other
// statement is queued and sent in pgx batches, together with the reads
// that need its effects (a version's history is rebuilt in one round trip).
// Validation, hashing and JSON encoding run on a second goroutine ahead of
// the database. BenchmarkWrite measures the rate.
//
// # Reads
//
// A page of Incidents is one statement on the incidents_created index:
// the alert ids, techniques and tactics it shows of each incident are
// columns of the incident's row, which statement triggers on alerts and
// incident_alerts keep up to date (migration 0009; with the techniques
// and tactics the incident names itself since 0015), and correlation finds
// the alerts that wait for an incident in unlinked_alerts (0008), also
// kept by triggers, so that neither grows with the store.
// BenchmarkIncidents measures the list against the former four-query read.
//
// # Statistics of new tenants
//
// The planner knows each tenant by what ANALYZE last sampled of the tenant
// column. A tenant that came since is, to it, one row, and a lookup such as
// tenant = $1 AND id = ANY($2) then reads the whole tenant through another
// index; autovacuum analyses a table only after a tenth of it changed. So
// the stores of one Open count the new alerts and incidents they write per
// tenant, and when a tenant's pass 5,000 (then each time half as many again)
// they ask the planner, in the background, how many rows it expects there:
// below half of what they wrote, they ANALYZE the tables the tenant's
// lookups plan on (incidents, alerts, incident_alerts, versions,
// raw_records), one check at a time, bounded by a minute. ANALYZE samples a
// fixed number of rows, so it costs about as much on a table of a billion
// rows as of a million, and a tenant growing to n rows is analysed at most
// about log2(n/5,000) times. The role needs to own the tables (it does when
// it applied the migrations); otherwise PostgreSQL skips them with a
// warning and autovacuum alone keeps the statistics.
//
// # Differences from the SQLite schema
//
// Times are bigint unix nanoseconds, as in SQLite (timestamptz would lose
// the nanoseconds); lists, techniques and entities are jsonb, so that
// filters use containment (technique_ids @> '["T1566"]') and the views
// (alert_techniques, alert_entities, entities) use jsonb_array_elements;
// alerts.pk and raw_records.id are identity columns; comments are unique by
// md5(body), as a btree key cannot hold a long body. PostgreSQL's text and
// jsonb cannot hold NUL characters: they are stored as U+FFFD (the content
// hash is of the record as written, so re-ingest still finds it unchanged;
// debrief migrate would report such a record as differing).
//
// # Scaling out on Citus
//
// The schema is ready to be distributed by tenant on Citus (a distributed
// PostgreSQL): every table's primary key and unique indexes begin with
// tenant, and every statement this package sends filters on one tenant
// (tenant = $1, and joins on a.tenant = ia.tenant), so Citus routes each to
// the one worker that holds the tenant's shard. After the migrations, on
// the coordinator:
//
//	SELECT create_distributed_table('incidents', 'tenant');
//	SELECT create_distributed_table(t, 'tenant', colocate_with => 'incidents')
//	FROM unnest(ARRAY['incident_tags', 'comments', 'alerts', 'incident_alerts',
//	                  'versions', 'history', 'raw_records', 'playbook_runs',
//	                  'playbook_steps', 'checkpoints', 'unlinked_alerts',
//	                  'skill_facts', 'skill_dirty']) t;
//	SELECT create_reference_table('tokens');
//	SET citus.enable_unsafe_triggers = on;
//
// Colocation keeps a tenant's rows of all tables on one worker, so the
// joins of incident_alerts and alerts, the INSERT … SELECT of versions and
// the EXISTS filters stay local to it. The identity columns need Citus 11
// or later (bigint identity). The write lock is an advisory lock on the
// coordinator, where all statements enter. A very large tenant can be
// isolated on a worker of its own (isolate_tenant_to_new_shard), and more
// workers added with the shard rebalancer; nothing in this package changes.
// schema_migrations stays a local table on the coordinator. The triggers
// that keep unlinked_alerts, the incidents' summaries and the skill facts
// (0008, 0009, 0011 to 0014) need citus.enable_unsafe_triggers; they touch
// only the tenant's colocated shards. tokens is a reference table because
// a server for every tenant (serve --all-tenants) finds a token by its hash
// alone; that lookup and the list of tenants the playbook sweep visits are
// the only statements that span tenants.
package postgres
