package postgres

import (
	"fmt"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/jackc/pgx/v5"
)

// correlatedPrefix begins the ids of the incidents correlation makes
// (source debrief).
const correlatedPrefix = string(debrief.SourceCorrelate) + ":"

// claim notes that alertID was linked to incidentID. A link to an incident
// of a source (not one correlation made) claims the alert: see release.
func (w *writer) claim(incidentID, alertID string) {
	if !strings.HasPrefix(incidentID, correlatedPrefix) {
		w.claimed[alertID] = true
	}
}

// release takes the alerts this Write linked to an incident of a source
// out of the incidents correlation made (source debrief): a source's own
// incident outranks debrief's grouping, whichever arrived first. A
// correlated incident left with no alerts is deleted, with its tags,
// comments, versions, history and raw records (its playbook runs stay: they
// record what was done); one left with some keeps its own fields (title,
// severity, times) as correlation made them, while its alerts, techniques
// and tactics follow its remaining links. The triggers of the links and
// incidents keep the summaries (migration 0009), unlinked_alerts (0008)
// and the skill facts' marks (0011) in step.
func (w *writer) release() error {
	if len(w.claimed) == 0 {
		return nil
	}
	ids := make([]string, 0, len(w.claimed))
	for id := range w.claimed {
		ids = append(ids, id)
	}
	if err := w.flush(); err != nil {
		return err
	}
	var incs, alerts []string
	err := w.sendAndRead([]read{{query: `SELECT ia.incident_id, ia.alert_id FROM incident_alerts ia
		JOIN incidents c ON c.tenant = ia.tenant AND c.id = ia.incident_id AND c.source = $3
		WHERE ia.tenant = $1 AND ia.alert_id = ANY ($2::text[])
		AND EXISTS (SELECT 1 FROM incident_alerts o LEFT JOIN incidents oi ON oi.tenant = o.tenant AND oi.id = o.incident_id
			WHERE o.tenant = ia.tenant AND o.alert_id = ia.alert_id AND coalesce(oi.source, '') <> $3)`,
		args: []any{ids, string(debrief.SourceCorrelate)}}}, func(br pgx.BatchResults) error {
		rows, err := br.Query()
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var inc, alert string
			if err := rows.Scan(&inc, &alert); err != nil {
				return err
			}
			incs, alerts = append(incs, inc), append(alerts, alert)
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("claimed alerts: %w", err)
	}
	if len(incs) == 0 {
		return nil
	}
	if err := w.exec(`DELETE FROM incident_alerts WHERE tenant = $1
		AND (incident_id, alert_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))`, incs, alerts); err != nil {
		return err
	}
	var emptied []string
	err = w.sendAndRead([]read{{query: `SELECT DISTINCT u.id FROM unnest($2::text[]) AS u (id)
		WHERE NOT EXISTS (SELECT 1 FROM incident_alerts ia WHERE ia.tenant = $1 AND ia.incident_id = u.id)`,
		args: []any{incs}}}, func(br pgx.BatchResults) error {
		rows, err := br.Query()
		if err != nil {
			return err
		}
		emptied, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if err != nil {
		return fmt.Errorf("emptied correlated incidents: %w", err)
	}
	if len(emptied) == 0 {
		return nil
	}
	for _, q := range [...]string{
		`DELETE FROM incident_tags WHERE tenant = $1 AND incident_id = ANY ($2::text[])`,
		`DELETE FROM comments WHERE tenant = $1 AND incident_id = ANY ($2::text[])`,
		`DELETE FROM history WHERE tenant = $1 AND kind = '` + kindIncident + `' AND subject_id = ANY ($2::text[])`,
		`DELETE FROM versions WHERE tenant = $1 AND kind = '` + kindIncident + `' AND subject_id = ANY ($2::text[])`,
		`DELETE FROM raw_records WHERE tenant = $1 AND kind = '` + kindIncident + `' AND subject_id = ANY ($2::text[])`,
		`DELETE FROM incidents WHERE tenant = $1 AND id = ANY ($2::text[])`,
	} {
		if err := w.exec(q, emptied); err != nil {
			return err
		}
	}
	for _, id := range emptied {
		delete(w.inc, id)
	}
	return w.send()
}
