-- 0014_grouped_write_summaries: the trigger that computes the summary of
-- an incident whose links arrived before it (0009) stands aside too while
-- debrief.grouped_write is 'on' (0013): WriteGrouped then inserts each
-- incident it groups with its summary already on the row, computed from
-- the batch's alerts it holds in memory (every alert the incident names is
-- one of them), instead of joining the incident's links with its alerts
-- once more. The body is 0009's with the guard in front.

CREATE OR REPLACE FUNCTION incident_summary_incidents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF current_setting('debrief.grouped_write', true) = 'on' THEN
		RETURN NULL;
	END IF;
	PERFORM incident_summaries_refresh(array_agg(n.tenant), array_agg(n.id)) FROM new_incidents n
	WHERE EXISTS (SELECT 1 FROM incident_alerts ia WHERE ia.tenant = n.tenant AND ia.incident_id = n.id);
	RETURN NULL;
END $$;
