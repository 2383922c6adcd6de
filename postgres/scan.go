package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/storecodec"
	"github.com/jackc/pgx/v5/pgtype"
)

// fromInt8 is fromNanos for pgx's nullable bigint.
func fromInt8(n pgtype.Int8) time.Time {
	return fromNanos(sql.NullInt64{Int64: n.Int64, Valid: n.Valid})
}

// scanner is a pgx.Row or pgx.Rows.
type scanner interface{ Scan(dest ...any) error }

const incidentSelect = `i.id, i.source, i.source_id, coalesce(i.title, ''), coalesce(i.description, ''),
	coalesce(i.severity, ''), coalesce(i.status, ''), coalesce(i.verdict, ''), coalesce(i.determination, ''),
	coalesce(i.assignee, ''), coalesce(i.redirect_to, ''), coalesce(i.url, ''), i.first_activity, i.first_alert,
	i.created, i.first_triage, i.contained, i.resolved, i.last_activity, i.updated,
	i.hash LIKE 'placeholder:%', coalesce(i.own_techniques::text, ''), coalesce(i.own_tactics::text, '')`

func scanIncident(sc scanner) (*debrief.Incident, error) {
	var in debrief.Incident
	if err := scanIncidentInto(sc, &in); err != nil {
		return nil, err
	}
	return &in, nil
}

// scanIncidentInto scans incidentSelect into in, then any extra columns
// into extra.
func scanIncidentInto(sc scanner, in *debrief.Incident, extra ...any) error {
	var src, sev, st, v, ownTechs, ownTactics string
	var ts [8]pgtype.Int8 // pgx's own type: no database/sql Scanner on the hot path
	dest := append(make([]any, 0, 23+len(extra)), &in.ID, &src, &in.SourceID, &in.Title, &in.Description, &sev, &st, &v,
		&in.Determination, &in.Assignee, &in.RedirectTo, &in.URL, &ts[0], &ts[1], &ts[2], &ts[3], &ts[4], &ts[5], &ts[6],
		&ts[7], &in.Placeholder, &ownTechs, &ownTactics)
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return err
	}
	if err := storecodec.ParseOwn(in, ownTechs, ownTactics); err != nil {
		return err
	}
	in.Source, in.Severity, in.Status, in.Verdict = debrief.Source(src), debrief.Severity(sev), debrief.Status(st), debrief.Verdict(v)
	t := &in.Times
	for i, p := range []*time.Time{&t.FirstActivity, &t.FirstAlert, &t.Created, &t.FirstTriage, &t.Contained,
		&t.Resolved, &t.LastActivity, &t.Updated} {
		*p = fromInt8(ts[i])
	}
	return nil
}

const alertSelect = `a.id, a.source, a.source_id, coalesce(a.provider_id, ''), coalesce(a.incident_id, ''),
	coalesce(a.product, ''), coalesce(a.detection_source, ''), coalesce(a.rule_id, ''), coalesce(a.rule_name, ''),
	coalesce(a.title, ''), coalesce(a.description, ''), coalesce(a.category, ''), coalesce(a.severity, ''),
	coalesce(a.status, ''), coalesce(a.verdict, ''), coalesce(a.determination, ''), coalesce(a.tactics::text, ''),
	coalesce(a.threat_names::text, ''), coalesce(a.techniques::text, ''), coalesce(a.entities::text, ''),
	coalesce(a.partial_entities::text, ''), a.first_activity, a.last_activity, a.created, a.updated, a.resolved,
	coalesce(a.url, '')`

// alertRow is a stored alert: Alert.Entities are the full record's, partial
// those partial records added.
type alertRow struct {
	debrief.Alert
	partial []debrief.Entity
}

// alert is the alert as the store returns it: the full record's entities,
// then those partial records added that the full record lacks.
func (r *alertRow) alert() debrief.Alert {
	a := r.Alert
	if extra := storecodec.UniqueEntities(r.partial, a.Entities); len(extra) > 0 {
		a.Entities = append(slices.Clip(a.Entities), extra...)
	}
	return a
}

func scanAlert(sc scanner) (*alertRow, error) {
	var r alertRow
	a := &r.Alert
	var src, sev, st, v, tactics, threats, techs, ents, partial string
	var ts [5]pgtype.Int8
	if err := sc.Scan(&a.ID, &src, &a.SourceID, &a.ProviderID, &a.IncidentID, &a.Product, &a.DetectionSource,
		&a.RuleID, &a.RuleName, &a.Title, &a.Description, &a.Category, &sev, &st, &v, &a.Determination,
		&tactics, &threats, &techs, &ents, &partial, &ts[0], &ts[1], &ts[2], &ts[3], &ts[4], &a.URL); err != nil {
		return nil, err
	}
	a.Source, a.Severity, a.Status, a.Verdict = debrief.Source(src), debrief.Severity(sev), debrief.Status(st), debrief.Verdict(v)
	var err error
	if a.Tactics, err = storecodec.ParseList(tactics); err != nil {
		return nil, fmt.Errorf("alert %s: %w", a.ID, err)
	}
	if a.ThreatNames, err = storecodec.ParseList(threats); err != nil {
		return nil, fmt.Errorf("alert %s: %w", a.ID, err)
	}
	if a.Techniques, err = storecodec.ParseTechniques(techs); err != nil {
		return nil, fmt.Errorf("alert %s: %w", a.ID, err)
	}
	if a.Entities, err = storecodec.ParseEntities(ents); err != nil {
		return nil, fmt.Errorf("alert %s: %w", a.ID, err)
	}
	if r.partial, err = storecodec.ParseEntities(partial); err != nil {
		return nil, fmt.Errorf("alert %s: %w", a.ID, err)
	}
	for i, p := range []*time.Time{&a.FirstActivity, &a.LastActivity, &a.Created, &a.Updated, &a.Resolved} {
		*p = fromInt8(ts[i])
	}
	return &r, nil
}

// queryAlerts runs a query selecting alertSelect.
func queryAlerts(ctx context.Context, q querier, query string, args ...any) ([]debrief.Alert, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	defer rows.Close()
	var out []debrief.Alert
	for rows.Next() {
		r, err := scanAlert(rows)
		if err != nil {
			return nil, fmt.Errorf("alerts: %w", err)
		}
		out = append(out, r.alert())
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	return out, nil
}

// summarise fills the tags, alert ids, techniques and tactics of listed
// incidents, a chunk of incidents per query.
func summarise(ctx context.Context, q querier, tenant string, ins []debrief.Incident) error {
	const chunk = 500
	for len(ins) > 0 {
		n := min(chunk, len(ins))
		part := ins[:n]
		ins = ins[n:]
		if err := loadTags(ctx, q, tenant, part); err != nil {
			return err
		}
		if err := loadAlertIDs(ctx, q, tenant, part); err != nil {
			return err
		}
		if err := loadSummaries(ctx, q, tenant, part); err != nil {
			return err
		}
	}
	return nil
}

// incidentIndex maps ids to positions in ins and lists the ids.
func incidentIndex(ins []debrief.Incident) (map[string]int, []string) {
	idx := make(map[string]int, len(ins))
	ids := make([]string, len(ins))
	for i := range ins {
		idx[ins[i].ID] = i
		ids[i] = ins[i].ID
	}
	return idx, ids
}

func loadTags(ctx context.Context, q querier, tenant string, ins []debrief.Incident) error {
	idx, ids := incidentIndex(ins)
	rows, err := q.Query(ctx, `SELECT incident_id, tag FROM incident_tags
		WHERE tenant = $1 AND incident_id = ANY($2) ORDER BY incident_id, ord`, tenant, ids)
	if err != nil {
		return fmt.Errorf("tags: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, tag string
		if err := rows.Scan(&id, &tag); err != nil {
			return fmt.Errorf("tags: %w", err)
		}
		ins[idx[id]].Tags = append(ins[idx[id]].Tags, tag)
	}
	return rows.Err()
}

func loadAlertIDs(ctx context.Context, q querier, tenant string, ins []debrief.Incident) error {
	idx, ids := incidentIndex(ins)
	rows, err := q.Query(ctx, `SELECT incident_id, alert_id FROM incident_alerts
		WHERE tenant = $1 AND incident_id = ANY($2) ORDER BY incident_id, alert_id`, tenant, ids)
	if err != nil {
		return fmt.Errorf("alert ids: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, alert string
		if err := rows.Scan(&id, &alert); err != nil {
			return fmt.Errorf("alert ids: %w", err)
		}
		ins[idx[id]].AlertIDs = append(ins[idx[id]].AlertIDs, alert)
	}
	return rows.Err()
}

// loadSummaries fills Techniques and Tactics from the linked alerts and
// the incidents' own.
func loadSummaries(ctx context.Context, q querier, tenant string, ins []debrief.Incident) error {
	idx, ids := incidentIndex(ins)
	rows, err := q.Query(ctx, `SELECT ia.incident_id, a.id, coalesce(a.technique_ids::text, ''),
		coalesce(a.all_tactics::text, '') FROM incident_alerts ia JOIN alerts a ON a.tenant = ia.tenant AND a.id = ia.alert_id
		WHERE ia.tenant = $1 AND ia.incident_id = ANY($2) ORDER BY ia.incident_id, a.created NULLS FIRST, a.id`, tenant, ids)
	if err != nil {
		return fmt.Errorf("summaries: %w", err)
	}
	defer rows.Close()
	sums := make([]storecodec.Summary, len(ins))
	for rows.Next() {
		var inc, alert, techs, tactics string
		if err := rows.Scan(&inc, &alert, &techs, &tactics); err != nil {
			return fmt.Errorf("summaries: %w", err)
		}
		tids, err := storecodec.ParseList(techs)
		if err != nil {
			return fmt.Errorf("alert %s: %w", alert, err)
		}
		tas, err := storecodec.ParseList(tactics)
		if err != nil {
			return fmt.Errorf("alert %s: %w", alert, err)
		}
		sum := &sums[idx[inc]]
		for _, t := range tids {
			sum.AddTechnique(debrief.TechniqueID(t))
		}
		sum.AddTactics(tas)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("summaries: %w", err)
	}
	for i := range ins {
		sums[i].AddOwn(&ins[i])
		ins[i].Techniques, ins[i].Tactics = sums[i].Result()
	}
	return nil
}
