package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/storecodec"
	"github.com/jackc/pgx/v5"
)

var _ debrief.IncidentScanner = (*Store)(nil)

// scanChunk is how many incidents ScanIncidents reads per round of queries.
const scanChunk = 500

// ScanIncidents calls fn for each incident matching f, newest first, with
// what Incidents gives (tags, alert ids, techniques, tactics), its comments
// and history when opt.History, and its alerts when opt.Alerts, as Incident
// returns them; the raw record is left out (Incident has it). It lists the
// matching ids first, then reads a chunk of incidents at a time, each
// chunk in one read transaction, and runs fn between reads, so fn may use
// the store.
func (s *Store) ScanIncidents(ctx context.Context, f debrief.IncidentFilter, opt debrief.ScanOptions, fn func(*debrief.Incident) error) error {
	if opt.Lean {
		return s.scanLean(ctx, f, opt, fn)
	}
	ids, err := s.incidentIDs(ctx, f)
	if err != nil {
		return fmt.Errorf("scan incidents: %w", err)
	}
	for len(ids) > 0 {
		part := ids[:min(scanChunk, len(ids))]
		ids = ids[len(part):]
		var ins []debrief.Incident
		if err := s.readTx(ctx, func(tx pgx.Tx) error {
			var err error
			ins, err = loadChunk(ctx, tx, s.tenant, part, opt)
			return err
		}); err != nil {
			return fmt.Errorf("scan incidents: %w", err)
		}
		for i := range ins {
			if err := fn(&ins[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// incidentIDs lists the ids of the incidents matching f in the order of
// Incidents.
func (s *Store) incidentIDs(ctx context.Context, f debrief.IncidentFilter) ([]string, error) {
	q := &query{args: []any{s.tenant}}
	where, err := q.incidentWhere(f)
	if err != nil {
		return nil, err
	}
	text := `SELECT i.id FROM incidents i WHERE i.tenant = $1` + where + ` ORDER BY i.created DESC NULLS LAST, i.id DESC`
	if f.Limit > 0 {
		text += ` LIMIT ` + q.arg(f.Limit)
	}
	if f.Offset > 0 {
		text += ` OFFSET ` + q.arg(f.Offset)
	}
	var ids []string
	err = s.readTx(ctx, func(tx pgx.Tx) error {
		ids = nil
		rows, err := tx.Query(ctx, text, q.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	return ids, err
}

// loadChunk reads the incidents ids (in that order; those deleted since
// they were listed are left out) with what opt asks for.
func loadChunk(ctx context.Context, tx pgx.Tx, tenant string, ids []string, opt debrief.ScanOptions) ([]debrief.Incident, error) {
	rows, err := tx.Query(ctx, `SELECT `+incidentSelect+` FROM incidents i WHERE i.tenant = $1 AND i.id = ANY($2)`, tenant, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*debrief.Incident, len(ids))
	for rows.Next() {
		in, err := scanIncident(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		byID[in.ID] = in
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ins := make([]debrief.Incident, 0, len(byID))
	for _, id := range ids {
		if in := byID[id]; in != nil {
			ins = append(ins, *in)
		}
	}
	if err := summarise(ctx, tx, tenant, ins); err != nil {
		return nil, err
	}
	if opt.History {
		if err := loadChunkHistory(ctx, tx, tenant, ins); err != nil {
			return nil, err
		}
		if err := loadChunkComments(ctx, tx, tenant, ins); err != nil {
			return nil, err
		}
	}
	if opt.Alerts {
		if err := loadChunkAlerts(ctx, tx, tenant, ins); err != nil {
			return nil, err
		}
	}
	return ins, nil
}

func loadChunkHistory(ctx context.Context, q querier, tenant string, ins []debrief.Incident) error {
	idx, ids := incidentIndex(ins)
	rows, err := q.Query(ctx, `SELECT subject_id, at, changed_by, field, from_value, to_value FROM history
		WHERE tenant = $1 AND kind = 'incident' AND subject_id = ANY($2)
		ORDER BY subject_id, at, field, from_value, to_value`, tenant, ids)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var c debrief.Change
		var at sql.NullInt64
		if err := rows.Scan(&id, &at, &c.By, &c.Field, &c.From, &c.To); err != nil {
			return fmt.Errorf("history: %w", err)
		}
		c.At = fromNanos(at)
		in := &ins[idx[id]]
		in.History = append(in.History, c)
	}
	return rows.Err()
}

func loadChunkComments(ctx context.Context, q querier, tenant string, ins []debrief.Incident) error {
	idx, ids := incidentIndex(ins)
	rows, err := q.Query(ctx, `SELECT incident_id, at, author, body FROM comments
		WHERE tenant = $1 AND incident_id = ANY($2) ORDER BY incident_id, at, author, body`, tenant, ids)
	if err != nil {
		return fmt.Errorf("comments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var c debrief.Comment
		var at sql.NullInt64
		if err := rows.Scan(&id, &at, &c.Author, &c.Text); err != nil {
			return fmt.Errorf("comments: %w", err)
		}
		c.At = fromNanos(at)
		in := &ins[idx[id]]
		in.Comments = append(in.Comments, c)
	}
	return rows.Err()
}

// loadChunkAlerts fills the alerts of ins (oldest first, with their
// incident id) and sums their techniques and tactics up as Incident does.
func loadChunkAlerts(ctx context.Context, q querier, tenant string, ins []debrief.Incident) error {
	idx, ids := incidentIndex(ins)
	rows, err := q.Query(ctx, `SELECT ia.incident_id, `+alertSelect+` FROM incident_alerts ia
		JOIN alerts a ON a.tenant = ia.tenant AND a.id = ia.alert_id WHERE ia.tenant = $1 AND ia.incident_id = ANY($2)`, tenant, ids)
	if err != nil {
		return fmt.Errorf("alerts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var inc string
		r, err := scanAlert(prefixed{rows, &inc})
		if err != nil {
			return fmt.Errorf("alerts: %w", err)
		}
		a := r.alert()
		if a.IncidentID == "" {
			a.IncidentID = inc
		}
		in := &ins[idx[inc]]
		in.Alerts = append(in.Alerts, a)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("alerts: %w", err)
	}
	storecodec.SortAlerts(ins)
	return nil
}

// prefixed scans one leading column into first, the rest as sc would.
type prefixed struct {
	rows  pgx.Rows
	first *string
}

func (p prefixed) Scan(dest ...any) error {
	return p.rows.Scan(append([]any{p.first}, dest...)...)
}
