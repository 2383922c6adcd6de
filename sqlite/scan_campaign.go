package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/storecodec"
)

// scanLean is ScanIncidents with opt.Lean: the matching incidents' ids,
// creation times and verdicts in one query, then per chunk one query of
// their alerts' technique ids (and, with opt.Alerts, threat names and
// entities). It reads neither the incidents' other columns nor their
// tags and alert ids, nor the alerts' other columns.
func (s *Store) scanLean(ctx context.Context, f debrief.IncidentFilter, opt debrief.ScanOptions, fn func(*debrief.Incident) error) error {
	heads, err := s.leanHeads(ctx, f)
	if err != nil {
		return fmt.Errorf("scan incidents: %w", err)
	}
	part := make([]debrief.Incident, 0, scanChunk)
	for len(heads) > 0 {
		n := min(scanChunk, len(heads))
		part = part[:0]
		for _, h := range heads[:n] {
			in := debrief.Incident{ID: h.id, Verdict: h.verdict, Techniques: h.own}
			in.Times.Created = h.created
			part = append(part, in)
		}
		heads = heads[n:]
		if err := s.readTx(ctx, func(tx *sql.Tx) error {
			return loadLeanAlerts(ctx, tx, part, opt.Alerts)
		}); err != nil {
			return fmt.Errorf("scan incidents: %w", err)
		}
		for i := range part {
			if err := fn(&part[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// leanHead is what a lean scan lists of each incident before it reads
// their alerts a chunk at a time.
type leanHead struct {
	id      string
	created time.Time
	verdict debrief.Verdict
	own     []debrief.TechniqueID // the incident's own techniques
}

// leanHeads lists the incidents matching f in the order of Incidents with
// their id, creation time and verdict.
func (s *Store) leanHeads(ctx context.Context, f debrief.IncidentFilter) ([]leanHead, error) {
	where, args, err := incidentWhere(f)
	if err != nil {
		return nil, err
	}
	q := `SELECT i.id, i.created, coalesce(i.verdict, ''), coalesce(i.own_techniques, '') FROM incidents i` + where + ` ORDER BY i.created DESC, i.id DESC`
	switch {
	case f.Limit > 0:
		q += ` LIMIT ? OFFSET ?`
		args = append(args, f.Limit, f.Offset)
	case f.Offset > 0:
		q += ` LIMIT -1 OFFSET ?`
		args = append(args, f.Offset)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []leanHead
	for rows.Next() {
		var h leanHead
		var created sql.NullInt64
		var v, own string
		if err := rows.Scan(&h.id, &created, &v, &own); err != nil {
			return nil, err
		}
		h.created, h.verdict = fromNanos(created), debrief.Verdict(v)
		ids, err := storecodec.ParseList(own)
		if err != nil {
			return nil, fmt.Errorf("incident %s: own techniques: %w", h.id, err)
		}
		for _, id := range ids {
			h.own = append(h.own, debrief.TechniqueID(id))
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// leanAlertSelect are the alert columns of a lean scan, without alerts
// and with.
var leanAlertSelect = [2]string{
	`ia.incident_id, a.id, a.created, coalesce(a.technique_ids, ''), '', '', ''`,
	`ia.incident_id, a.id, a.created, coalesce(a.technique_ids, ''), coalesce(a.threat_names, ''),
		coalesce(a.entities, ''), coalesce(a.partial_entities, '')`,
}

// loadLeanAlerts sums the techniques of the alerts of ins up into them
// and, when alerts, fills their alerts, lean (see debrief.ScanOptions).
func loadLeanAlerts(ctx context.Context, q querier, ins []debrief.Incident, alerts bool) error {
	idx, ids := incidentIndex(ins)
	cols := leanAlertSelect[0]
	if alerts {
		cols = leanAlertSelect[1]
	}
	rows, err := q.QueryContext(ctx, `SELECT `+cols+` FROM incident_alerts ia JOIN alerts a ON a.id = ia.alert_id
		WHERE ia.incident_id IN (SELECT value FROM json_each(?))`, ids)
	if err != nil {
		return fmt.Errorf("alerts: %w", err)
	}
	defer rows.Close()
	lean := storecodec.NewLeanIncidents(ins, idx, alerts)
	for rows.Next() {
		var inc, techs, threats, ents, partial string
		var a debrief.Alert
		var created sql.NullInt64
		if err := rows.Scan(&inc, &a.ID, &created, &techs, &threats, &ents, &partial); err != nil {
			return fmt.Errorf("alerts: %w", err)
		}
		a.Created = fromNanos(created)
		if err := lean.Add(inc, a, techs, threats, ents, partial); err != nil {
			return fmt.Errorf("alerts: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("alerts: %w", err)
	}
	lean.Done()
	return nil
}
