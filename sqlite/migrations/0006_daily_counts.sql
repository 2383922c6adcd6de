-- 0006_daily_counts: incident counts per day kept up to date for trends.
--
-- daily_counts holds, per count key (dim: technique, subtechnique, tactic,
-- source, severity, verdict; 'all' with key '' for every incident) and UTC
-- day (days since 1970-01-01), how many incidents created that day carry
-- the key and the earliest created time among them. incident_keys holds
-- the keys each incident was last counted under, so that a changed
-- incident can be taken out again (one row per incident: a row per key
-- would hold some twenty rows per incident). Writes only mark the incidents whose
-- keys may have changed (agg_dirty, through the triggers below); the
-- reader that wants counts (DailyCounts) recounts those first, so a write
-- costs one small insert per changed incident, alert or link.

CREATE TABLE daily_counts (
	dim   TEXT NOT NULL,
	key   TEXT NOT NULL,
	day   INTEGER NOT NULL,
	count INTEGER NOT NULL,
	first INTEGER NOT NULL, -- unix nanoseconds
	PRIMARY KEY (dim, key, day)
) WITHOUT ROWID;

CREATE TABLE incident_keys (
	incident_id TEXT PRIMARY KEY,
	day         INTEGER NOT NULL,
	created     INTEGER NOT NULL,
	keys        TEXT NOT NULL -- JSON array: dim, key, dim, key, …
) WITHOUT ROWID;
CREATE INDEX incident_keys_day ON incident_keys (day);

CREATE TABLE agg_dirty (
	incident_id TEXT PRIMARY KEY
) WITHOUT ROWID;

-- Every incident already stored is counted on the first read.
INSERT INTO agg_dirty (incident_id) SELECT id FROM incidents;

CREATE TRIGGER agg_incident_insert AFTER INSERT ON incidents BEGIN
	INSERT OR IGNORE INTO agg_dirty (incident_id) VALUES (NEW.id);
END;
CREATE TRIGGER agg_incident_update AFTER UPDATE OF created, source, severity, verdict ON incidents
WHEN NEW.created IS NOT OLD.created OR NEW.source IS NOT OLD.source OR NEW.severity IS NOT OLD.severity
	OR NEW.verdict IS NOT OLD.verdict BEGIN
	INSERT OR IGNORE INTO agg_dirty (incident_id) VALUES (NEW.id);
END;
CREATE TRIGGER agg_incident_delete AFTER DELETE ON incidents BEGIN
	INSERT OR IGNORE INTO agg_dirty (incident_id) VALUES (OLD.id);
END;
CREATE TRIGGER agg_link_insert AFTER INSERT ON incident_alerts BEGIN
	INSERT OR IGNORE INTO agg_dirty (incident_id) VALUES (NEW.incident_id);
END;
CREATE TRIGGER agg_link_delete AFTER DELETE ON incident_alerts BEGIN
	INSERT OR IGNORE INTO agg_dirty (incident_id) VALUES (OLD.incident_id);
END;
CREATE TRIGGER agg_link_update AFTER UPDATE OF incident_id, alert_id ON incident_alerts BEGIN
	INSERT OR IGNORE INTO agg_dirty (incident_id) VALUES (OLD.incident_id), (NEW.incident_id);
END;
-- An alert stored after its link (the incident listed it first).
CREATE TRIGGER agg_alert_insert AFTER INSERT ON alerts BEGIN
	INSERT OR IGNORE INTO agg_dirty (incident_id) SELECT incident_id FROM incident_alerts WHERE alert_id = NEW.id;
END;
CREATE TRIGGER agg_alert_update AFTER UPDATE OF technique_ids, all_tactics ON alerts
WHEN NEW.technique_ids IS NOT OLD.technique_ids OR NEW.all_tactics IS NOT OLD.all_tactics BEGIN
	INSERT OR IGNORE INTO agg_dirty (incident_id) SELECT incident_id FROM incident_alerts WHERE alert_id = NEW.id;
END;
