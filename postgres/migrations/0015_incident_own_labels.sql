-- 0015_incident_own_labels: the techniques and tactics an incident's own
-- record names (debrief.Incident.OwnTechniques and OwnTactics: Sentinel's
-- additionalData), apart from its alerts' (as the SQLite store's migration
-- 0013). An incident's techniques and tactics, wherever the store derives
-- them (reads, the --technique and --tactic filters, the list summary of
-- 0009, daily counts, skill facts, lean scans), are the union of its
-- alerts' and these. NULL: none, as for every incident stored before, so
-- no summary changes here.

ALTER TABLE incidents
	ADD COLUMN own_techniques jsonb, -- array of technique ids, as alerts.technique_ids
	ADD COLUMN own_tactics    jsonb; -- array of tactic shortnames, as alerts.all_tactics

-- incident_summary (0009, 0012) with the incident's own techniques and
-- tactics: the tactics after every alert's.
CREATE OR REPLACE FUNCTION incident_summary(p_tenant text, p_id text,
	OUT alert_ids text[], OUT technique_ids text[], OUT tactics text[])
LANGUAGE sql STABLE AS $$
	WITH l AS MATERIALIZED (
		SELECT ia.alert_id, a.id AS stored, a.created, a.technique_ids, a.all_tactics
		FROM incident_alerts ia LEFT JOIN alerts a ON a.tenant = ia.tenant AND a.id = ia.alert_id
		WHERE ia.tenant = p_tenant AND ia.incident_id = p_id),
	o AS (SELECT i.own_techniques, i.own_tactics FROM incidents i WHERE i.tenant = p_tenant AND i.id = p_id)
	SELECT
		(SELECT array_agg(l.alert_id ORDER BY l.alert_id) FROM l),
		(SELECT array_agg(DISTINCT t.value COLLATE "C" ORDER BY t.value COLLATE "C")
			FROM (SELECT l.technique_ids AS ids FROM l WHERE l.stored IS NOT NULL
				UNION ALL
				SELECT o.own_techniques FROM o) s,
			jsonb_array_elements_text(coalesce(s.ids, '[]')) t),
		(SELECT array_agg(x.tactic ORDER BY x.first) FROM (
			SELECT t.value COLLATE "C" AS tactic, min(r.n * 1000000 + t.ord) AS first
			FROM (SELECT l.all_tactics, row_number() OVER (ORDER BY l.created NULLS FIRST, l.stored) AS n
				FROM l WHERE l.stored IS NOT NULL
				UNION ALL
				SELECT o.own_tactics, 1000000 FROM o) r,
			jsonb_array_elements_text(coalesce(r.all_tactics, '[]')) WITH ORDINALITY t (value, ord)
			GROUP BY t.value COLLATE "C") x)
$$;

-- An incident that arrives after links to it, or names techniques or
-- tactics of its own (0009's and 0014's body, with the latter).
CREATE OR REPLACE FUNCTION incident_summary_incidents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF current_setting('debrief.grouped_write', true) = 'on' THEN
		RETURN NULL;
	END IF;
	PERFORM incident_summaries_refresh(array_agg(n.tenant), array_agg(n.id)) FROM new_incidents n
	WHERE n.own_techniques IS NOT NULL OR n.own_tactics IS NOT NULL
		OR EXISTS (SELECT 1 FROM incident_alerts ia WHERE ia.tenant = n.tenant AND ia.incident_id = n.id);
	RETURN NULL;
END $$;

-- A newer version of an incident that names others. A row trigger: one
-- with a column list can have no transition table, and few incidents
-- name any.
CREATE FUNCTION incident_summary_own() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM incident_summaries_refresh(ARRAY[NEW.tenant], ARRAY[NEW.id]);
	RETURN NULL;
END $$;

CREATE TRIGGER incidents_summary_own AFTER UPDATE OF own_techniques, own_tactics ON incidents
	FOR EACH ROW WHEN (OLD.own_techniques IS DISTINCT FROM NEW.own_techniques OR OLD.own_tactics IS DISTINCT FROM NEW.own_tactics)
	EXECUTE FUNCTION incident_summary_own();
