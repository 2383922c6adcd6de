-- 0011_skill_facts: each incident's handling facts kept for skill analyses
-- (as the SQLite store's migration 0010).
--
-- skill_facts holds, per incident, its created time and the encoding of
-- its debrief.HandlingFacts (internal/handling), so that debrief skills
-- reads one small row per incident instead of every incident with its
-- history and comments. Writes only mark the incidents whose facts may
-- have changed (skill_dirty, through the statement triggers below);
-- HandlingFacts takes the marks of its tenant and recomputes those first.

CREATE TABLE skill_facts (
	tenant      text COLLATE "C" NOT NULL,
	incident_id text COLLATE "C" NOT NULL,
	created     bigint, -- unix nanoseconds; NULL when unknown
	facts       bytea NOT NULL,
	PRIMARY KEY (tenant, incident_id)
);

CREATE TABLE skill_dirty (
	tenant      text COLLATE "C" NOT NULL,
	incident_id text COLLATE "C" NOT NULL,
	PRIMARY KEY (tenant, incident_id)
);

-- Every incident already stored is computed on the first read.
INSERT INTO skill_dirty (tenant, incident_id) SELECT tenant, id FROM incidents;

CREATE FUNCTION skill_mark_incidents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO skill_dirty (tenant, incident_id) SELECT DISTINCT tenant, id FROM changed
	ON CONFLICT DO NOTHING;
	RETURN NULL;
END $$;
CREATE TRIGGER skill_incidents_added AFTER INSERT ON incidents
	REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION skill_mark_incidents();
CREATE TRIGGER skill_incidents_changed AFTER UPDATE ON incidents
	REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION skill_mark_incidents();
CREATE TRIGGER skill_incidents_removed AFTER DELETE ON incidents
	REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION skill_mark_incidents();

CREATE FUNCTION skill_mark_linked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO skill_dirty (tenant, incident_id) SELECT DISTINCT tenant, incident_id FROM changed
	ON CONFLICT DO NOTHING;
	RETURN NULL;
END $$;
CREATE TRIGGER skill_comments_added AFTER INSERT ON comments
	REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION skill_mark_linked();
CREATE TRIGGER skill_comments_removed AFTER DELETE ON comments
	REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION skill_mark_linked();
CREATE TRIGGER skill_links_added AFTER INSERT ON incident_alerts
	REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION skill_mark_linked();
CREATE TRIGGER skill_links_removed AFTER DELETE ON incident_alerts
	REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION skill_mark_linked();

CREATE FUNCTION skill_mark_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO skill_dirty (tenant, incident_id) SELECT DISTINCT tenant, subject_id FROM changed
	WHERE kind = 'incident' ON CONFLICT DO NOTHING;
	RETURN NULL;
END $$;
CREATE TRIGGER skill_history_added AFTER INSERT ON history
	REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION skill_mark_history();
CREATE TRIGGER skill_history_removed AFTER DELETE ON history
	REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION skill_mark_history();

-- An alert stored or changed after its link: its techniques, tactics and
-- time (the order of the tactics) are the incident's.
CREATE FUNCTION skill_mark_alerts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO skill_dirty (tenant, incident_id) SELECT DISTINCT ia.tenant, ia.incident_id
	FROM changed c JOIN incident_alerts ia ON ia.tenant = c.tenant AND ia.alert_id = c.id
	ON CONFLICT DO NOTHING;
	RETURN NULL;
END $$;
CREATE TRIGGER skill_alerts_added AFTER INSERT ON alerts
	REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION skill_mark_alerts();
CREATE TRIGGER skill_alerts_changed AFTER UPDATE ON alerts
	REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION skill_mark_alerts();
