-- 0013_grouped_write_triggers: the triggers that fire when alerts or links
-- are inserted (0008, 0009/0012, 0011) stand aside while the transaction
-- has set debrief.grouped_write to 'on' (set_config(..., true): until it
-- is set back, at the latest until the transaction ends).
--
-- WriteGrouped sets it around the one statement of links and the one COPY
-- of alerts of an API ingest whose alerts are all new, no stored link
-- names them, and the incidents that name them are new too. Then each of
-- the six triggers has nothing to do or does what another does anyway:
-- the alerts are not in unlinked_alerts yet (unlinked_alerts_linked), the
-- incidents' rows do not exist yet (incident_summary_links and
-- incident_summary_alerts: their own trigger of 0009 computes the summary
-- when they arrive, and 0011's marks them for skills), and the alerts left
-- in no incident are all there is for unlinked_alerts_added, which
-- WriteGrouped inserts itself. What the triggers did in that case was
-- some 4,000 index probes per 1,000 alerts, all finding nothing.
--
-- The bodies are those of 0008, 0009 and 0011 with the guard in front.

CREATE OR REPLACE FUNCTION unlinked_alerts_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF current_setting('debrief.grouped_write', true) = 'on' THEN
		RETURN NULL;
	END IF;
	INSERT INTO unlinked_alerts (tenant, alert_id)
	SELECT n.tenant, n.id FROM new_alerts n
	WHERE NOT EXISTS (SELECT 1 FROM incident_alerts ia WHERE ia.tenant = n.tenant AND ia.alert_id = n.id)
	ON CONFLICT DO NOTHING;
	RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION unlinked_alerts_linked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF current_setting('debrief.grouped_write', true) = 'on' THEN
		RETURN NULL;
	END IF;
	DELETE FROM unlinked_alerts u USING new_links n WHERE u.tenant = n.tenant AND u.alert_id = n.alert_id;
	RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION incident_summary_links() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF current_setting('debrief.grouped_write', true) = 'on' THEN
		RETURN NULL;
	END IF;
	PERFORM incident_summaries_refresh(array_agg(tenant), array_agg(incident_id)) FROM changed_links;
	RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION incident_summary_alerts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF current_setting('debrief.grouped_write', true) = 'on' THEN
		RETURN NULL;
	END IF;
	PERFORM incident_summaries_refresh(array_agg(ia.tenant), array_agg(ia.incident_id))
	FROM changed_alerts c JOIN incident_alerts ia ON ia.tenant = c.tenant AND ia.alert_id = c.id;
	RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION skill_mark_linked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF current_setting('debrief.grouped_write', true) = 'on' THEN
		RETURN NULL;
	END IF;
	INSERT INTO skill_dirty (tenant, incident_id) SELECT DISTINCT tenant, incident_id FROM changed
	ON CONFLICT DO NOTHING;
	RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION skill_mark_alerts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF current_setting('debrief.grouped_write', true) = 'on' THEN
		RETURN NULL;
	END IF;
	INSERT INTO skill_dirty (tenant, incident_id) SELECT DISTINCT ia.tenant, ia.incident_id
	FROM changed c JOIN incident_alerts ia ON ia.tenant = c.tenant AND ia.alert_id = c.id
	ON CONFLICT DO NOTHING;
	RETURN NULL;
END $$;
