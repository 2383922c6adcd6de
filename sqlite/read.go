package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/storecodec"
)

// querier is what reads need of *sql.DB and *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// readTx runs fn in a read-only transaction, so that it sees one snapshot.
func (s *Store) readTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// Incidents lists the incidents matching f, newest (by created time) first;
// incidents without a created time come last. Each carries its tags, alert
// ids, techniques and tactics, but not its alerts, comments, history or raw
// record: Incident has those.
func (s *Store) Incidents(ctx context.Context, f debrief.IncidentFilter) ([]debrief.Incident, error) {
	where, args, err := incidentWhere(f)
	if err != nil {
		return nil, err
	}
	if f.After != nil && f.Offset > 0 {
		return nil, debrief.Errorf(debrief.EINVALID, "incident filter: after and offset %d cannot be combined", f.Offset)
	}
	var out []debrief.Incident
	err = s.readTx(ctx, func(tx *sql.Tx) error {
		for _, p := range afterParts(f.After) {
			if f.Limit > 0 && len(out) >= f.Limit {
				break
			}
			q, qargs := `SELECT `+incidentSelect+` FROM incidents i`+and(where, p.cond)+` ORDER BY i.created DESC, i.id DESC`, append(slices.Clip(args), p.args...)
			switch {
			case f.Limit > 0:
				q += ` LIMIT ? OFFSET ?`
				qargs = append(qargs, f.Limit-len(out), f.Offset)
			case f.Offset > 0:
				q += ` LIMIT -1 OFFSET ?`
				qargs = append(qargs, f.Offset)
			}
			if out, err = listInto(ctx, tx, out, q, qargs); err != nil {
				return err
			}
		}
		return summarise(ctx, tx, out)
	})
	if err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	return out, nil
}

// listInto appends the incidents a query selects to out.
func listInto(ctx context.Context, tx *sql.Tx, out []debrief.Incident, q string, args []any) ([]debrief.Incident, error) {
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		in, err := scanIncident(rows)
		if err != nil {
			return out, err
		}
		out = append(out, *in)
	}
	return out, rows.Err()
}

// afterPart is a condition on incidents i that selects a stretch of the
// list, in the list's order.
type afterPart struct {
	cond string
	args []any
}

// afterParts are the stretches of the list after k, each read by its own
// statement: with a created time, the incidents after k on the created
// index (a row-value range, so a deep page seeks instead of skipping),
// then those without one; without, those with a smaller ID among the ones
// without. No k: the whole list in one.
func afterParts(k *debrief.IncidentKey) []afterPart {
	switch {
	case k == nil:
		return []afterPart{{}}
	case k.Created.IsZero():
		return []afterPart{{"i.created IS NULL AND i.id < ?", []any{k.ID}}}
	default:
		return []afterPart{{"(i.created, i.id) < (?, ?)", []any{k.Created.UnixNano(), k.ID}}, {"i.created IS NULL", nil}}
	}
}

// and adds cond to a WHERE clause ("" for none).
func and(where, cond string) string {
	switch {
	case cond == "":
		return where
	case where == "":
		return " WHERE " + cond
	}
	return where + " AND " + cond
}

// incidentWhere turns f into a WHERE clause over incidents i.
func incidentWhere(f debrief.IncidentFilter) (string, []any, error) {
	if f.Limit < 0 || f.Offset < 0 {
		return "", nil, debrief.Errorf(debrief.EINVALID, "incident filter: limit %d and offset %d must not be negative", f.Limit, f.Offset)
	}
	var conds []string
	var args []any
	if !f.Since.IsZero() {
		conds, args = append(conds, "i.created >= ?"), append(args, f.Since.UnixNano())
	}
	if !f.Until.IsZero() {
		conds, args = append(conds, "i.created < ?"), append(args, f.Until.UnixNano())
	}
	in := func(col string, vals []string) {
		if len(vals) > 0 {
			conds = append(conds, "coalesce("+col+", '') IN ("+params(len(vals))+")")
			for _, v := range vals {
				args = append(args, v)
			}
		}
	}
	in("i.severity", strs(f.Severity))
	in("i.status", strs(f.Status))
	in("i.verdict", strs(f.Verdict))
	if len(f.Source) > 0 {
		// The incident's own source, or one of its alerts': debrief's
		// correlated incidents hold Wazuh, Elastic and OCSF alerts.
		ps := params(len(f.Source))
		conds = append(conds, `(i.source IN (`+ps+`) OR EXISTS (SELECT 1 FROM incident_alerts ia JOIN alerts a ON a.id = ia.alert_id
			WHERE ia.incident_id = i.id AND a.source IN (`+ps+`)))`)
		for range 2 {
			for _, v := range f.Source {
				args = append(args, string(v))
			}
		}
	}
	if f.Technique != "" {
		id, err := debrief.ParseTechniqueID(string(f.Technique))
		if err != nil {
			return "", nil, debrief.Errorf(debrief.EINVALID, "incident filter: %v", err)
		}
		// The id, or a sub-technique of it, as it appears in technique_ids
		// of an alert or the incident's own_techniques.
		conds = append(conds, `(instr(i.own_techniques, ?) > 0 OR instr(i.own_techniques, ?) > 0
			OR EXISTS (SELECT 1 FROM incident_alerts ia JOIN alerts a ON a.id = ia.alert_id
			WHERE ia.incident_id = i.id AND (instr(a.technique_ids, ?) > 0 OR instr(a.technique_ids, ?) > 0)))`)
		whole, sub := `"`+string(id)+`"`, `"`+string(id)+`.`
		args = append(args, whole, sub, whole, sub)
	}
	if f.Tactic != "" {
		// The tactic as it appears inside a JSON array column: an alert's
		// all_tactics or the incident's own_tactics.
		needle := string(storecodec.AppendJSONString(nil, f.Tactic, nil))
		conds = append(conds, `(instr(i.own_tactics, ?) > 0 OR EXISTS (SELECT 1 FROM incident_alerts ia JOIN alerts a ON a.id = ia.alert_id
			WHERE ia.incident_id = i.id AND instr(a.all_tactics, ?) > 0))`)
		args = append(args, needle, needle)
	}
	if len(conds) == 0 {
		return "", nil, nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

func strs[S ~string](vs []S) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// Incident returns one incident with its tags, comments and history (by
// time), its alert ids, and its alerts (oldest first, with techniques and
// entities but without raw records: Alert has those).
func (s *Store) Incident(ctx context.Context, id string) (*debrief.Incident, error) {
	var in *debrief.Incident
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		var err error
		row := tx.QueryRowContext(ctx, `SELECT `+incidentSelect+` FROM incidents i WHERE i.id = ?`, id)
		if in, err = scanIncident(row); errors.Is(err, sql.ErrNoRows) {
			return debrief.Errorf(debrief.ENOTFOUND, "incident %q not found", id)
		} else if err != nil {
			return err
		}
		return incidentDetails(ctx, tx, in)
	})
	if err != nil {
		if debrief.ErrorCode(err) == debrief.ENOTFOUND {
			return nil, err
		}
		return nil, fmt.Errorf("read incident %s: %w", id, err)
	}
	return in, nil
}

func incidentDetails(ctx context.Context, tx *sql.Tx, in *debrief.Incident) error {
	one := []debrief.Incident{*in}
	if err := loadTags(ctx, tx, one); err != nil {
		return err
	}
	if err := loadAlertIDs(ctx, tx, one); err != nil {
		return err
	}
	*in = one[0]
	if err := loadComments(ctx, tx, in); err != nil {
		return err
	}
	if err := loadHistory(ctx, tx, in); err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `SELECT raw FROM incidents WHERE id = ?`, in.ID).Scan(&in.Raw); err != nil {
		return fmt.Errorf("raw record: %w", err)
	}
	// Sorted here: SQLite would sort whole rows.
	alerts, err := queryAlerts(ctx, tx, `SELECT `+alertSelect+` FROM incident_alerts ia JOIN alerts a
		ON a.id = ia.alert_id WHERE ia.incident_id = ?`, in.ID)
	if err != nil {
		return err
	}
	slices.SortFunc(alerts, func(a, b debrief.Alert) int {
		return cmp.Or(a.Created.Compare(b.Created), strings.Compare(a.ID, b.ID))
	})
	for i := range alerts {
		if alerts[i].IncidentID == "" {
			alerts[i].IncidentID = in.ID
		}
	}
	in.Alerts = alerts
	var sum storecodec.Summary
	for i := range alerts {
		sum.AddAlert(&alerts[i])
	}
	sum.AddOwn(in)
	in.Techniques, in.Tactics = sum.Result()
	return nil
}

func loadComments(ctx context.Context, q querier, in *debrief.Incident) error {
	rows, err := q.QueryContext(ctx, `SELECT at, author, body FROM comments WHERE incident_id = ?
		ORDER BY at, author, body`, in.ID)
	if err != nil {
		return fmt.Errorf("comments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c debrief.Comment
		var at sql.NullInt64
		if err := rows.Scan(&at, &c.Author, &c.Text); err != nil {
			return fmt.Errorf("comments: %w", err)
		}
		c.At = fromNanos(at)
		in.Comments = append(in.Comments, c)
	}
	return rows.Err()
}

func loadHistory(ctx context.Context, q querier, in *debrief.Incident) error {
	rows, err := q.QueryContext(ctx, `SELECT at, changed_by, field, from_value, to_value FROM history
		WHERE kind = 'incident' AND subject_id = ? ORDER BY at, field, from_value, to_value`, in.ID)
	if err != nil {
		return fmt.Errorf("history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c debrief.Change
		var at sql.NullInt64
		if err := rows.Scan(&at, &c.By, &c.Field, &c.From, &c.To); err != nil {
			return fmt.Errorf("history: %w", err)
		}
		c.At = fromNanos(at)
		in.History = append(in.History, c)
	}
	return rows.Err()
}

// Alert returns one alert with its techniques, entities and raw record.
// Its IncidentID is the one the alert gave, or else the incident it is
// linked to.
func (s *Store) Alert(ctx context.Context, id string) (*debrief.Alert, error) {
	var a *debrief.Alert
	err := s.readTx(ctx, func(tx *sql.Tx) error {
		alerts, err := queryAlerts(ctx, tx, `SELECT `+alertSelect+` FROM alerts a WHERE a.id = ?`, id)
		if err != nil {
			return err
		}
		if len(alerts) == 0 {
			return debrief.Errorf(debrief.ENOTFOUND, "alert %q not found", id)
		}
		a = &alerts[0]
		if a.IncidentID == "" {
			var inc sql.NullString
			if err := tx.QueryRowContext(ctx, `SELECT min(incident_id) FROM incident_alerts WHERE alert_id = ?`,
				id).Scan(&inc); err != nil {
				return fmt.Errorf("incident link: %w", err)
			}
			a.IncidentID = inc.String
		}
		if err := tx.QueryRowContext(ctx, `SELECT raw FROM alerts WHERE id = ?`, id).Scan(&a.Raw); err != nil {
			return fmt.Errorf("raw record: %w", err)
		}
		return nil
	})
	if err != nil {
		if debrief.ErrorCode(err) == debrief.ENOTFOUND {
			return nil, err
		}
		return nil, fmt.Errorf("read alert %s: %w", id, err)
	}
	return a, nil
}

// unassignedPage is how many alerts UnassignedAlerts reads at a time.
const unassignedPage = 500

// UnassignedAlerts calls fn with every alert linked to no incident, oldest
// first (by created time, then id), with techniques and entities. Alerts
// that only partial records made are left out until their full record
// arrives. It lists the alerts first, then reads them a page at a time and
// runs fn between reads, so fn may use the store; an alert that fn (or
// anyone) assigns before its page is read is skipped.
func (s *Store) UnassignedAlerts(ctx context.Context, fn func(debrief.Alert) error) error {
	pks, err := s.unassignedPKs(ctx)
	if err != nil {
		return fmt.Errorf("unassigned alerts: %w", err)
	}
	return s.alertPages(ctx, "unassigned alerts", pks, `AND NOT EXISTS (SELECT 1 FROM incident_alerts ia WHERE ia.alert_id = a.id)
		ORDER BY a.created, a.id`, fn)
}

// alertPages reads the alerts of pks a page at a time, those of each page
// that rest (a condition and an ORDER BY) keeps, and calls fn with each
// between reads. what names the alerts in errors.
func (s *Store) alertPages(ctx context.Context, what string, pks []int64, rest string, fn func(debrief.Alert) error) error {
	for len(pks) > 0 {
		page := pks[:min(unassignedPage, len(pks))]
		pks = pks[len(page):]
		alerts, err := queryAlerts(ctx, s.db, `SELECT `+alertSelect+` FROM alerts a
			WHERE a.pk IN (SELECT value FROM json_each(?)) `+rest, pkList(page))
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		for _, a := range alerts {
			if err := fn(a); err != nil {
				return err
			}
		}
	}
	return nil
}

// unassignedPKs lists the keys of the unassigned alerts, oldest first.
func (s *Store) unassignedPKs(ctx context.Context) ([]int64, error) {
	return s.queryPKs(ctx, `SELECT a.pk FROM alerts a WHERE a.partial = 0
		AND NOT EXISTS (SELECT 1 FROM incident_alerts ia WHERE ia.alert_id = a.id) ORDER BY a.created, a.id`)
}

// queryPKs runs a query of alert keys and returns them in its order.
func (s *Store) queryPKs(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var pks []int64
	for rows.Next() {
		var pk int64
		if err := rows.Scan(&pk); err != nil {
			return nil, err
		}
		pks = append(pks, pk)
	}
	return pks, rows.Err()
}

// OrphanAlerts calls fn with every alert that names an incident the store
// lacks, or holds as a placeholder marked changed, grouped by incident id
// and oldest first within it (by created time, then id), with techniques
// and entities. Alerts that only partial records made are left out. Like
// UnassignedAlerts it lists the alerts first, then reads them a page at a
// time and runs fn between reads, so fn may use the store.
func (s *Store) OrphanAlerts(ctx context.Context, fn func(debrief.Alert) error) error {
	pks, err := s.orphanPKs(ctx)
	if err != nil {
		return fmt.Errorf("orphan alerts: %w", err)
	}
	return s.alertPages(ctx, "orphan alerts", pks, `ORDER BY a.incident_id, a.created, a.id`, fn)
}

// orphanPKs lists the keys of the orphan alerts in OrphanAlerts' order.
func (s *Store) orphanPKs(ctx context.Context) ([]int64, error) {
	return s.queryPKs(ctx, `SELECT a.pk FROM alerts a WHERE a.incident_id IS NOT NULL AND a.partial = 0
		AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.id = a.incident_id AND i.hash <> ?)
		ORDER BY a.incident_id, a.created, a.id`, placeholderHash)
}

func pkList(pks []int64) string {
	b := make([]byte, 0, 8*len(pks))
	b = append(b, '[')
	for i, pk := range pks {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, pk, 10)
	}
	return string(append(b, ']'))
}

// Assign links alerts to an incident. The incident and every alert must
// exist; linking twice changes nothing.
func (s *Store) Assign(ctx context.Context, incidentID string, alertIDs []string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("assign: begin: %w", err)
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM incidents WHERE id = ?`, incidentID).Scan(&n); err != nil {
		return fmt.Errorf("assign: %w", err)
	}
	if n == 0 {
		return debrief.Errorf(debrief.ENOTFOUND, "incident %q not found", incidentID)
	}
	for _, id := range slices.Compact(slices.Sorted(slices.Values(alertIDs))) {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM alerts WHERE id = ?`, id).Scan(&n); err != nil {
			return fmt.Errorf("assign: %w", err)
		}
		if n == 0 {
			return debrief.Errorf(debrief.ENOTFOUND, "alert %q not found", id)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO incident_alerts (incident_id, alert_id, origin) VALUES (?, ?, ?)
			ON CONFLICT (incident_id, alert_id) DO UPDATE SET origin = incident_alerts.origin | excluded.origin`,
			incidentID, id, linkByAssign); err != nil {
			return fmt.Errorf("assign %s: %w", id, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("assign: commit: %w", err)
	}
	s.written()
	return nil
}
