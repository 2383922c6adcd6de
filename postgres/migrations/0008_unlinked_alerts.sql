-- 0008_unlinked_alerts: the alerts linked to no incident, kept by
-- triggers, so that UnassignedAlerts (which correlation runs after every
-- ingest) reads the few alerts waiting for an incident instead of
-- anti-joining every alert of the tenant with every link (7 s at 1.5
-- million alerts). A row may outlive its alert's last link by nothing:
-- each statement that adds alerts, adds links or deletes links updates the
-- table from its transition table, in the same transaction.
--
-- On Citus the table is distributed by tenant and colocated with alerts
-- (see doc.go); its triggers need citus.enable_unsafe_triggers, and every
-- statement they run stays within one tenant's shards.

CREATE TABLE unlinked_alerts (
	tenant   text COLLATE "C" NOT NULL,
	alert_id text COLLATE "C" NOT NULL,
	PRIMARY KEY (tenant, alert_id)
);

INSERT INTO unlinked_alerts (tenant, alert_id)
SELECT a.tenant, a.id FROM alerts a
WHERE NOT EXISTS (SELECT 1 FROM incident_alerts ia WHERE ia.tenant = a.tenant AND ia.alert_id = a.id);

CREATE FUNCTION unlinked_alerts_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO unlinked_alerts (tenant, alert_id)
	SELECT n.tenant, n.id FROM new_alerts n
	WHERE NOT EXISTS (SELECT 1 FROM incident_alerts ia WHERE ia.tenant = n.tenant AND ia.alert_id = n.id)
	ON CONFLICT DO NOTHING;
	RETURN NULL;
END $$;

CREATE TRIGGER alerts_unlinked AFTER INSERT ON alerts
	REFERENCING NEW TABLE AS new_alerts FOR EACH STATEMENT EXECUTE FUNCTION unlinked_alerts_added();

CREATE FUNCTION unlinked_alerts_linked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM unlinked_alerts u USING new_links n WHERE u.tenant = n.tenant AND u.alert_id = n.alert_id;
	RETURN NULL;
END $$;

CREATE TRIGGER incident_alerts_linked AFTER INSERT ON incident_alerts
	REFERENCING NEW TABLE AS new_links FOR EACH STATEMENT EXECUTE FUNCTION unlinked_alerts_linked();

CREATE FUNCTION unlinked_alerts_unlinked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO unlinked_alerts (tenant, alert_id)
	SELECT DISTINCT o.tenant, o.alert_id FROM old_links o
	WHERE EXISTS (SELECT 1 FROM alerts a WHERE a.tenant = o.tenant AND a.id = o.alert_id)
	AND NOT EXISTS (SELECT 1 FROM incident_alerts ia WHERE ia.tenant = o.tenant AND ia.alert_id = o.alert_id)
	ON CONFLICT DO NOTHING;
	RETURN NULL;
END $$;

CREATE TRIGGER incident_alerts_unlinked AFTER DELETE ON incident_alerts
	REFERENCING OLD TABLE AS old_links FOR EACH STATEMENT EXECUTE FUNCTION unlinked_alerts_unlinked();
