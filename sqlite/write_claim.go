package sqlite

import (
	"fmt"
	"strings"

	"github.com/debrief-dev/debrief"
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
// and tactics follow its remaining links. Its rows' triggers mark the
// daily counts and skill facts of the incidents it touches for recounting.
func (w *writer) release() error {
	if len(w.claimed) == 0 {
		return nil
	}
	ids := make([]string, 0, len(w.claimed))
	for id := range w.claimed {
		ids = append(ids, id)
	}
	st, err := w.st.get(w.ctx, `SELECT ia.incident_id, ia.alert_id FROM json_each(?) j
		JOIN incident_alerts ia ON ia.alert_id = j.value
		JOIN incidents c ON c.id = ia.incident_id AND c.source = ?
		WHERE EXISTS (SELECT 1 FROM incident_alerts o LEFT JOIN incidents oi ON oi.id = o.incident_id
			WHERE o.alert_id = ia.alert_id AND coalesce(oi.source, '') <> ?)`)
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(w.ctx, w.enc.Strings(ids), string(debrief.SourceCorrelate), string(debrief.SourceCorrelate))
	if err != nil {
		return fmt.Errorf("claimed alerts: %w", err)
	}
	var pairs [][2]string
	for rows.Next() {
		var p [2]string
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			rows.Close()
			return fmt.Errorf("claimed alerts: %w", err)
		}
		pairs = append(pairs, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("claimed alerts: %w", err)
	}
	emptied := map[string]bool{}
	for _, p := range pairs {
		if _, err := w.exec(`DELETE FROM incident_alerts WHERE incident_id = ? AND alert_id = ?`, p[0], p[1]); err != nil {
			return fmt.Errorf("release alert %s from %s: %w", p[1], p[0], err)
		}
		emptied[p[0]] = true
	}
	for id := range emptied {
		if err := w.dropIfEmpty(id); err != nil {
			return fmt.Errorf("correlated incident %s: %w", id, err)
		}
	}
	return nil
}

// dropIfEmpty deletes correlated incident id and what hangs off it if no
// alert is linked to it.
func (w *writer) dropIfEmpty(id string) error {
	st, err := w.st.get(w.ctx, `SELECT EXISTS (SELECT 1 FROM incident_alerts WHERE incident_id = ?)`)
	if err != nil {
		return err
	}
	var linked bool
	if err := st.QueryRowContext(w.ctx, id).Scan(&linked); err != nil {
		return err
	}
	if linked {
		return nil
	}
	for _, q := range [...]string{
		`DELETE FROM incident_tags WHERE incident_id = ?`,
		`DELETE FROM comments WHERE incident_id = ?`,
		`DELETE FROM history WHERE kind = '` + kindIncident + `' AND subject_id = ?`,
		`DELETE FROM versions WHERE kind = '` + kindIncident + `' AND subject_id = ?`,
		`DELETE FROM raw_records WHERE kind = '` + kindIncident + `' AND subject_id = ?`,
		`DELETE FROM incidents WHERE id = ?`,
	} {
		if _, err := w.exec(q, id); err != nil {
			return err
		}
	}
	delete(w.inc, id)
	return nil
}
