-- 0013_incident_own_labels: the techniques and tactics an incident's own
-- record names (debrief.Incident.OwnTechniques and OwnTactics: Sentinel's
-- additionalData), apart from its alerts'. An incident's techniques and
-- tactics, wherever the store derives them (reads, the --technique and
-- --tactic filters, list summaries, daily_counts, skill_facts, lean
-- scans), are the union of its alerts' (alerts.technique_ids and
-- all_tactics) and these. NULL: none, as for every incident stored before.

ALTER TABLE incidents ADD COLUMN own_techniques TEXT; -- JSON array of technique ids, as alerts.technique_ids
ALTER TABLE incidents ADD COLUMN own_tactics TEXT;    -- JSON array of tactic shortnames, as alerts.all_tactics

-- Their change changes the incident's counts (0006) and facts (0010).
CREATE TRIGGER agg_incident_own_update AFTER UPDATE OF own_techniques, own_tactics ON incidents
WHEN NEW.own_techniques IS NOT OLD.own_techniques OR NEW.own_tactics IS NOT OLD.own_tactics BEGIN
	INSERT OR IGNORE INTO agg_dirty (incident_id) VALUES (NEW.id);
END;
CREATE TRIGGER skill_incident_own_update AFTER UPDATE OF own_techniques, own_tactics ON incidents
WHEN NEW.own_techniques IS NOT OLD.own_techniques OR NEW.own_tactics IS NOT OLD.own_tactics BEGIN
	INSERT OR IGNORE INTO skill_dirty (incident_id) VALUES (NEW.id);
END;
