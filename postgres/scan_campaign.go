package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

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
		if err := s.readTx(ctx, func(tx pgx.Tx) error {
			return loadLeanAlerts(ctx, tx, s.tenant, part, opt.Alerts)
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
	q := &query{args: []any{s.tenant}}
	where, err := q.incidentWhere(f)
	if err != nil {
		return nil, err
	}
	text := `SELECT i.id, i.created, coalesce(i.verdict, ''), coalesce(i.own_techniques::text, '') FROM incidents i
		WHERE i.tenant = $1` + where +
		` ORDER BY i.created DESC NULLS LAST, i.id DESC`
	if f.Limit > 0 {
		text += ` LIMIT ` + q.arg(f.Limit)
	}
	if f.Offset > 0 {
		text += ` OFFSET ` + q.arg(f.Offset)
	}
	var out []leanHead
	err = s.readTx(ctx, func(tx pgx.Tx) error {
		out = nil
		rows, err := tx.Query(ctx, text, q.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h leanHead
			var created pgtype.Int8
			var v, own string
			if err := rows.Scan(&h.id, &created, &v, &own); err != nil {
				return err
			}
			h.created, h.verdict = fromInt8(created), debrief.Verdict(v)
			ids, err := storecodec.ParseList(own)
			if err != nil {
				return fmt.Errorf("incident %s: own techniques: %w", h.id, err)
			}
			for _, id := range ids {
				h.own = append(h.own, debrief.TechniqueID(id))
			}
			out = append(out, h)
		}
		return rows.Err()
	})
	return out, err
}

// leanAlertSelect are the alert columns of a lean scan, without alerts
// and with.
var leanAlertSelect = [2]string{
	`ia.incident_id, a.id, a.created, coalesce(a.technique_ids::text, ''), '', '', ''`,
	`ia.incident_id, a.id, a.created, coalesce(a.technique_ids::text, ''), coalesce(a.threat_names::text, ''),
		coalesce(a.entities::text, ''), coalesce(a.partial_entities::text, '')`,
}

// loadLeanAlerts sums the techniques of the alerts of ins up into them
// and, when alerts, fills their alerts, lean (see debrief.ScanOptions).
func loadLeanAlerts(ctx context.Context, q querier, tenant string, ins []debrief.Incident, alerts bool) error {
	idx, ids := incidentIndex(ins)
	cols := leanAlertSelect[0]
	if alerts {
		cols = leanAlertSelect[1]
	}
	rows, err := q.Query(ctx, `SELECT `+cols+` FROM incident_alerts ia
		JOIN alerts a ON a.tenant = ia.tenant AND a.id = ia.alert_id WHERE ia.tenant = $1 AND ia.incident_id = ANY($2)`, tenant, ids)
	if err != nil {
		return fmt.Errorf("alerts: %w", err)
	}
	defer rows.Close()
	lean := storecodec.NewLeanIncidents(ins, idx, alerts)
	for rows.Next() {
		var inc, techs, threats, ents, partial string
		var a debrief.Alert
		var created pgtype.Int8
		if err := rows.Scan(&inc, &a.ID, &created, &techs, &threats, &ents, &partial); err != nil {
			return fmt.Errorf("alerts: %w", err)
		}
		a.Created = fromInt8(created)
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
