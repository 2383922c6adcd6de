-- 0010_incident_tags_column: an incident's tags also on its row, in
-- order, so that a page of the incident list reads no other table (the
-- per-row lookup of incident_tags was a third of its time). incident_tags
-- stays the table of record; statement triggers copy it to the column in
-- the same transaction. NULL: no tags.

ALTER TABLE incidents ADD COLUMN tags text[] COLLATE "C";

CREATE FUNCTION incident_tags_copy() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE incidents i SET tags = (SELECT array_agg(t.tag ORDER BY t.ord) FROM incident_tags t
		WHERE t.tenant = i.tenant AND t.incident_id = i.id)
	FROM (SELECT DISTINCT tenant, incident_id FROM changed_tags) c
	WHERE i.tenant = c.tenant AND i.id = c.incident_id;
	RETURN NULL;
END $$;

CREATE TRIGGER incident_tags_added AFTER INSERT ON incident_tags
	REFERENCING NEW TABLE AS changed_tags FOR EACH STATEMENT EXECUTE FUNCTION incident_tags_copy();
CREATE TRIGGER incident_tags_removed AFTER DELETE ON incident_tags
	REFERENCING OLD TABLE AS changed_tags FOR EACH STATEMENT EXECUTE FUNCTION incident_tags_copy();

UPDATE incidents i SET tags = t.tags
FROM (SELECT tenant, incident_id, array_agg(tag ORDER BY ord) AS tags FROM incident_tags GROUP BY tenant, incident_id) t
WHERE i.tenant = t.tenant AND i.id = t.incident_id;
