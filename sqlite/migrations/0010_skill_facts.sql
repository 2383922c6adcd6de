-- 0010_skill_facts: each incident's handling facts kept for skill analyses.
--
-- skill_facts holds, per incident, its created time and the encoding of
-- its debrief.HandlingFacts (internal/handling: times to acknowledge and
-- resolve, verdict, flags, severity, first owner, techniques, tactics),
-- so that debrief skills reads one small row per incident instead of
-- every incident with its history and comments. As with daily_counts
-- (0006), writes only mark the incidents whose facts may have changed
-- (skill_dirty, through the triggers below); HandlingFacts recomputes
-- those first.

CREATE TABLE skill_facts (
	incident_id TEXT PRIMARY KEY,
	created     INTEGER, -- unix nanoseconds; NULL when unknown
	facts       BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX skill_facts_created ON skill_facts (created);

CREATE TABLE skill_dirty (
	incident_id TEXT PRIMARY KEY
) WITHOUT ROWID;

-- Every incident already stored is computed on the first read.
INSERT INTO skill_dirty (incident_id) SELECT id FROM incidents;

CREATE TRIGGER skill_incident_insert AFTER INSERT ON incidents BEGIN
	INSERT OR IGNORE INTO skill_dirty (incident_id) VALUES (NEW.id);
END;
CREATE TRIGGER skill_incident_update AFTER UPDATE OF created, first_triage, resolved, severity, status, verdict, assignee ON incidents
WHEN NEW.created IS NOT OLD.created OR NEW.first_triage IS NOT OLD.first_triage OR NEW.resolved IS NOT OLD.resolved
	OR NEW.severity IS NOT OLD.severity OR NEW.status IS NOT OLD.status OR NEW.verdict IS NOT OLD.verdict
	OR NEW.assignee IS NOT OLD.assignee BEGIN
	INSERT OR IGNORE INTO skill_dirty (incident_id) VALUES (NEW.id);
END;
CREATE TRIGGER skill_incident_delete AFTER DELETE ON incidents BEGIN
	INSERT OR IGNORE INTO skill_dirty (incident_id) VALUES (OLD.id);
END;
CREATE TRIGGER skill_history_insert AFTER INSERT ON history WHEN NEW.kind = 'incident' BEGIN
	INSERT OR IGNORE INTO skill_dirty (incident_id) VALUES (NEW.subject_id);
END;
CREATE TRIGGER skill_history_delete AFTER DELETE ON history WHEN OLD.kind = 'incident' BEGIN
	INSERT OR IGNORE INTO skill_dirty (incident_id) VALUES (OLD.subject_id);
END;
CREATE TRIGGER skill_history_update AFTER UPDATE ON history WHEN OLD.kind = 'incident' OR NEW.kind = 'incident' BEGIN
	INSERT OR IGNORE INTO skill_dirty (incident_id) VALUES (OLD.subject_id), (NEW.subject_id);
END;
CREATE TRIGGER skill_comment_insert AFTER INSERT ON comments BEGIN
	INSERT OR IGNORE INTO skill_dirty (incident_id) VALUES (NEW.incident_id);
END;
CREATE TRIGGER skill_comment_delete AFTER DELETE ON comments BEGIN
	INSERT OR IGNORE INTO skill_dirty (incident_id) VALUES (OLD.incident_id);
END;
CREATE TRIGGER skill_link_insert AFTER INSERT ON incident_alerts BEGIN
	INSERT OR IGNORE INTO skill_dirty (incident_id) VALUES (NEW.incident_id);
END;
CREATE TRIGGER skill_link_delete AFTER DELETE ON incident_alerts BEGIN
	INSERT OR IGNORE INTO skill_dirty (incident_id) VALUES (OLD.incident_id);
END;
CREATE TRIGGER skill_link_update AFTER UPDATE OF incident_id, alert_id ON incident_alerts BEGIN
	INSERT OR IGNORE INTO skill_dirty (incident_id) VALUES (OLD.incident_id), (NEW.incident_id);
END;
-- An alert stored after its link (the incident listed it first); an alert
-- whose techniques, tactics or time (the order of the tactics) change.
CREATE TRIGGER skill_alert_insert AFTER INSERT ON alerts BEGIN
	INSERT OR IGNORE INTO skill_dirty (incident_id) SELECT incident_id FROM incident_alerts WHERE alert_id = NEW.id;
END;
CREATE TRIGGER skill_alert_update AFTER UPDATE OF technique_ids, all_tactics, created ON alerts BEGIN
	INSERT OR IGNORE INTO skill_dirty (incident_id) SELECT incident_id FROM incident_alerts WHERE alert_id = NEW.id;
END;
