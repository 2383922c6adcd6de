-- 0012_incident_summary_one_join: incident_summary (0009) joins an
-- incident's links with its alerts once, not once for the techniques and
-- again for the tactics. The answer is the same; the join was most of the
-- function's cost, and the function runs in the trigger of every statement
-- that links alerts (an API ingest links 1,000 alerts to its correlated
-- incidents: the summaries were a fifth of PostgreSQL's CPU time).

CREATE OR REPLACE FUNCTION incident_summary(p_tenant text, p_id text,
	OUT alert_ids text[], OUT technique_ids text[], OUT tactics text[])
LANGUAGE sql STABLE AS $$
	WITH l AS MATERIALIZED (
		SELECT ia.alert_id, a.id AS stored, a.created, a.technique_ids, a.all_tactics
		FROM incident_alerts ia LEFT JOIN alerts a ON a.tenant = ia.tenant AND a.id = ia.alert_id
		WHERE ia.tenant = p_tenant AND ia.incident_id = p_id)
	SELECT
		(SELECT array_agg(l.alert_id ORDER BY l.alert_id) FROM l),
		(SELECT array_agg(DISTINCT t.value COLLATE "C" ORDER BY t.value COLLATE "C")
			FROM l, jsonb_array_elements_text(coalesce(l.technique_ids, '[]')) t
			WHERE l.stored IS NOT NULL),
		(SELECT array_agg(x.tactic ORDER BY x.first) FROM (
			SELECT t.value COLLATE "C" AS tactic, min(r.n * 1000000 + t.ord) AS first
			FROM (SELECT l.all_tactics, row_number() OVER (ORDER BY l.created NULLS FIRST, l.stored) AS n
				FROM l WHERE l.stored IS NOT NULL) r,
			jsonb_array_elements_text(coalesce(r.all_tactics, '[]')) WITH ORDINALITY t (value, ord)
			GROUP BY t.value COLLATE "C") x)
$$;
