package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/storecodec"
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
		if err := s.readTx(ctx, func(tx *sql.Tx) error {
			var err error
			ins, err = loadChunk(ctx, tx, part, opt)
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
	where, args, err := incidentWhere(f)
	if err != nil {
		return nil, err
	}
	q := `SELECT i.id FROM incidents i` + where + ` ORDER BY i.created DESC, i.id DESC`
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
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// loadChunk reads the incidents ids (in that order; those deleted since
// they were listed are left out) with what opt asks for.
func loadChunk(ctx context.Context, tx *sql.Tx, ids []string, opt debrief.ScanOptions) ([]debrief.Incident, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+incidentSelect+` FROM incidents i
		WHERE i.id IN (SELECT value FROM json_each(?))`, stringList(ids))
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
	if err := summarise(ctx, tx, ins); err != nil {
		return nil, err
	}
	if opt.History {
		if err := loadChunkHistory(ctx, tx, ins); err != nil {
			return nil, err
		}
		if err := loadChunkComments(ctx, tx, ins); err != nil {
			return nil, err
		}
	}
	if opt.Alerts {
		if err := loadChunkAlerts(ctx, tx, ins); err != nil {
			return nil, err
		}
	}
	return ins, nil
}

func loadChunkHistory(ctx context.Context, q querier, ins []debrief.Incident) error {
	idx, ids := incidentIndex(ins)
	rows, err := q.QueryContext(ctx, `SELECT subject_id, at, changed_by, field, from_value, to_value FROM history
		WHERE kind = 'incident' AND subject_id IN (SELECT value FROM json_each(?))
		ORDER BY subject_id, at, field, from_value, to_value`, ids)
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

func loadChunkComments(ctx context.Context, q querier, ins []debrief.Incident) error {
	idx, ids := incidentIndex(ins)
	rows, err := q.QueryContext(ctx, `SELECT incident_id, at, author, body FROM comments
		WHERE incident_id IN (SELECT value FROM json_each(?)) ORDER BY incident_id, at, author, body`, ids)
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
func loadChunkAlerts(ctx context.Context, q querier, ins []debrief.Incident) error {
	idx, ids := incidentIndex(ins)
	rows, err := q.QueryContext(ctx, `SELECT ia.incident_id, `+alertSelect+` FROM incident_alerts ia
		JOIN alerts a ON a.id = ia.alert_id WHERE ia.incident_id IN (SELECT value FROM json_each(?))`, ids)
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
	rows  *sql.Rows
	first *string
}

func (p prefixed) Scan(dest ...any) error {
	return p.rows.Scan(append([]any{p.first}, dest...)...)
}
