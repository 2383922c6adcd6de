-- 0001_init: the debrief store.
--
-- Conventions (the postgres package mirrors them):
--   * Times are INTEGER unix nanoseconds, UTC. NULL is an unknown (zero)
--     time. In history and comments, where the time is part of a key, 0 is
--     an unknown time.
--   * Empty text in incidents, alerts and their children is NULL (cheaper
--     to bind, smaller rows) and reads back as "".
--   * Lists (tactics, threat names, a technique's tactics) are JSON arrays of
--     strings, entity attributes a JSON object; NULL when empty.
--   * kind is 'incident' or 'alert' wherever a table holds both.
--
-- Write semantics: a record's content hash (everything but the raw bytes)
-- decides whether it is new, unchanged or another version. Every distinct
-- version's tracked state (status, assignee, verdict, severity,
-- determination) is kept in versions, ordered by (sort_at, seq); the history
-- rows with origin 'derived' are rebuilt from consecutive versions whenever a
-- version arrives, so versions that arrive out of order still land in time
-- order. The current state is the last version in that order.

-- incidents holds the current version of each incident.
CREATE TABLE incidents (
	id             TEXT PRIMARY KEY, -- source-qualified: "defender:924565"
	source         TEXT NOT NULL,
	source_id      TEXT NOT NULL,
	title          TEXT,
	description    TEXT,
	severity       TEXT,
	status         TEXT,
	verdict        TEXT,
	determination  TEXT,
	assignee       TEXT,
	redirect_to    TEXT,
	url            TEXT,
	first_activity INTEGER,
	first_alert    INTEGER,
	created        INTEGER,
	first_triage   INTEGER,
	contained      INTEGER,
	resolved       INTEGER,
	last_activity  INTEGER,
	updated        INTEGER,
	hash           TEXT NOT NULL,    -- content hash of the current version
	sort_at        INTEGER NOT NULL, -- the current version's place in time (see versions)
	raw            BLOB              -- the current version's source record
);
CREATE INDEX incidents_created ON incidents (created, id);

CREATE TABLE incident_tags (
	incident_id TEXT NOT NULL,
	ord         INTEGER NOT NULL, -- position in Incident.Tags
	tag         TEXT NOT NULL,
	PRIMARY KEY (incident_id, ord)
) WITHOUT ROWID;

-- comments are a union over every version seen: sources only add comments.
CREATE TABLE comments (
	incident_id TEXT NOT NULL,
	at          INTEGER NOT NULL, -- 0: unknown
	author      TEXT NOT NULL,
	body        TEXT NOT NULL,
	PRIMARY KEY (incident_id, at, author, body)
) WITHOUT ROWID;

-- alerts holds the current version of each alert. An alert is one row:
-- its techniques and entities are JSON columns, because a row per technique
-- and per entity costs more than the whole alert row to insert (see
-- BenchmarkWrite) and every read wants them with the alert. The views
-- alert_techniques, alert_entities and entities below give them as tables.
CREATE TABLE alerts (
	pk               INTEGER PRIMARY KEY, -- allocated by the writer, in arrival order
	id               TEXT NOT NULL UNIQUE,
	source           TEXT NOT NULL,
	source_id        TEXT NOT NULL,
	provider_id      TEXT,
	incident_id      TEXT,    -- as the alert itself gave it; links live in incident_alerts
	product          TEXT,
	detection_source TEXT,
	rule_id          TEXT,
	rule_name        TEXT,
	title            TEXT,
	description      TEXT,
	category         TEXT,
	severity         TEXT,
	status           TEXT,
	verdict          TEXT,
	determination    TEXT,
	tactics          TEXT,    -- JSON array: Alert.Tactics
	threat_names     TEXT,    -- JSON array
	techniques       TEXT,    -- JSON array of {"id","name","tactics","original","status"}
	entities         TEXT,    -- JSON array of {"kind","id","name","role","verdict","attributes"}: the full record's
	partial_entities TEXT,    -- JSON array as entities: merged from partial records, kept when a full record replaces the alert
	technique_ids    TEXT,    -- JSON array of the techniques' ids, for filters
	all_tactics      TEXT,    -- JSON array: Alert.Tactics then the techniques' tactics, each once, for filters and summaries
	first_activity   INTEGER,
	last_activity    INTEGER,
	created          INTEGER,
	updated          INTEGER,
	resolved         INTEGER,
	url              TEXT,
	hash             TEXT NOT NULL,              -- content hash of the current version; '' while only partial records arrived
	sort_at          INTEGER NOT NULL,           -- the current version's place in time (see versions)
	partial          INTEGER NOT NULL DEFAULT 0, -- 1: only partial records so far
	raw              BLOB                        -- the current version's source record (last: reads of other columns skip it)
);

CREATE VIEW alert_techniques AS
	SELECT a.id AS alert_id, t.key AS ord, t.value ->> 'id' AS technique_id, t.value ->> 'name' AS name,
		t.value ->> 'tactics' AS tactics, t.value ->> 'original' AS original, t.value ->> 'status' AS status
	FROM alerts a, json_each(a.techniques) t;

CREATE VIEW alert_entities AS
	SELECT a.id AS alert_id, e.key AS ord, 'full' AS origin, e.value ->> 'kind' AS kind, e.value ->> 'id' AS entity_id,
		e.value ->> 'name' AS name, e.value ->> 'role' AS role, e.value ->> 'verdict' AS verdict,
		e.value ->> 'attributes' AS attributes
	FROM alerts a, json_each(a.entities) e
	UNION ALL
	SELECT a.id, e.key, 'partial', e.value ->> 'kind', e.value ->> 'id', e.value ->> 'name', e.value ->> 'role',
		e.value ->> 'verdict', e.value ->> 'attributes'
	FROM alerts a, json_each(a.partial_entities) e;

-- entities is every distinct entity seen, with a display name and how many
-- alerts involve it.
CREATE VIEW entities AS
	SELECT kind, entity_id, max(name) AS name, count(DISTINCT alert_id) AS alerts
	FROM alert_entities GROUP BY kind, entity_id;

-- incident_alerts links incidents and alerts whichever arrived first.
-- origin is a bit set of who said so: 1 the alert (Alert.IncidentID),
-- 2 the incident (Incident.AlertIDs or nested Incident.Alerts), 4 Assign.
CREATE TABLE incident_alerts (
	incident_id TEXT NOT NULL,
	alert_id    TEXT NOT NULL,
	origin      INTEGER NOT NULL,
	PRIMARY KEY (incident_id, alert_id)
) WITHOUT ROWID;
CREATE INDEX incident_alerts_alert ON incident_alerts (alert_id);

-- versions keeps the tracked state of every distinct version of an incident
-- or alert. sort_at is the version's Updated time, or for a version without
-- one, the sort_at of the version it followed; seq is the arrival order.
-- The first version is added lazily, when a second one arrives.
CREATE TABLE versions (
	kind          TEXT NOT NULL,
	subject_id    TEXT NOT NULL,
	hash          TEXT NOT NULL,
	seq           INTEGER NOT NULL,
	sort_at       INTEGER NOT NULL,
	updated       INTEGER NOT NULL, -- 0: unknown
	status        TEXT NOT NULL,
	assignee      TEXT NOT NULL,
	verdict       TEXT NOT NULL,
	severity      TEXT NOT NULL,
	determination TEXT NOT NULL,
	PRIMARY KEY (kind, subject_id, hash)
) WITHOUT ROWID;

-- history holds state changes: 'source' rows as the source reported them
-- (Incident.History), 'derived' rows from consecutive versions. The key
-- makes re-ingest idempotent and merges a derived change with the same
-- change reported by the source.
CREATE TABLE history (
	kind       TEXT NOT NULL,
	subject_id TEXT NOT NULL,
	at         INTEGER NOT NULL, -- 0: unknown
	field      TEXT NOT NULL,    -- status, assignee, verdict, severity, determination
	from_value TEXT NOT NULL,
	to_value   TEXT NOT NULL,
	changed_by TEXT NOT NULL,
	origin     TEXT NOT NULL,    -- 'source' or 'derived'
	PRIMARY KEY (kind, subject_id, at, field, from_value, to_value)
) WITHOUT ROWID;

-- raw_records keeps the source bytes of the versions that are not current
-- (incidents.raw and alerts.raw hold the current one's), so that a better
-- decoder can re-normalise old data. Rows are only added, once per version
-- (the content hash decides; '' for the partial records that began an
-- alert, "partial:<hash>" for those merged later), so there is no key but
-- the id the writer allocates.
CREATE TABLE raw_records (
	id         INTEGER PRIMARY KEY,
	kind       TEXT NOT NULL,
	subject_id TEXT NOT NULL,
	hash       TEXT NOT NULL,
	raw        BLOB NOT NULL
);
