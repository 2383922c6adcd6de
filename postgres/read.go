package postgres

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
	"github.com/jackc/pgx/v5"
)

// querier is what reads need of *pgx.Conn and pgx.Tx.
type querier interface {
	Query(ctx context.Context, query string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) pgx.Row
}

// readTx runs fn in a read-only repeatable-read transaction, so that it
// sees one snapshot.
func (s *Store) readTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return s.conn(ctx, func(c *pgx.Conn) error {
		tx, err := c.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		if err != nil {
			return err
		}
		defer tx.Rollback(context.WithoutCancel(ctx))
		if err := fn(tx); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
}

// Incidents lists the incidents matching f, newest (by created time) first;
// incidents without a created time come last. Each carries its tags, alert
// ids, techniques and tactics, but not its alerts, comments, history or raw
// record: Incident has those.
//
// It is one statement (one round trip, and its own snapshot) on one table:
// a page of the incidents_created index, with the summary of each
// incident's alerts and its tags, which triggers keep on its row
// (migrations 0009 and 0010).
func (s *Store) Incidents(ctx context.Context, f debrief.IncidentFilter) ([]debrief.Incident, error) {
	if f.After != nil && f.Offset > 0 {
		return nil, debrief.Errorf(debrief.EINVALID, "incident filter: after and offset %d cannot be combined", f.Offset)
	}
	parts := afterParts(f.After)
	stmts := make([]*query, len(parts))
	texts := make([]string, len(parts))
	for i, p := range parts {
		q := &query{args: []any{s.tenant}}
		where, err := q.incidentWhere(f)
		if err != nil {
			return nil, err
		}
		texts[i] = `SELECT ` + incidentSelect + `, i.alert_ids, i.technique_ids, i.tactics, i.tags
		FROM incidents i WHERE i.tenant = $1` + where + p(q) + ` ORDER BY i.created DESC NULLS LAST, i.id DESC`
		stmts[i] = q
	}
	var out []debrief.Incident
	if f.Limit > 0 {
		out = make([]debrief.Incident, 0, min(f.Limit, 1000))
	}
	list := func(c querier) error {
		for i, q := range stmts {
			if f.Limit > 0 && len(out) >= f.Limit {
				break
			}
			text := texts[i]
			if f.Limit > 0 {
				text += ` LIMIT ` + q.arg(f.Limit-len(out))
			}
			if f.Offset > 0 {
				text += ` OFFSET ` + q.arg(f.Offset)
			}
			var err error
			if out, err = listInto(ctx, c, out, text, q.args); err != nil {
				return err
			}
		}
		return nil
	}
	// Each statement is its own snapshot, without a transaction's round
	// trips: the stretches are disjoint (created or not), and the second
	// runs only when the first ends before the page does.
	if err := s.conn(ctx, func(c *pgx.Conn) error { return list(c) }); err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	return out, nil
}

// listInto appends the incidents a statement of Incidents selects to out.
func listInto(ctx context.Context, c querier, out []debrief.Incident, text string, args []any) ([]debrief.Incident, error) {
	rows, err := c.Query(ctx, text, args...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		out = append(out, debrief.Incident{})
		if err := scanListed(rows, &out[len(out)-1]); err != nil {
			return out, err
		}
	}
	return out, rows.Err()
}

// afterParts are the stretches of the list after k, each read by its own
// statement, as conditions (led by AND) that add their arguments to q:
// with a created time, the incidents after k on the incidents_created
// index (a row comparison, so a deep page seeks instead of skipping),
// then those without one; without, those with a smaller ID among the ones
// without. No k: the whole list in one.
func afterParts(k *debrief.IncidentKey) []func(q *query) string {
	switch {
	case k == nil:
		return []func(*query) string{func(*query) string { return "" }}
	case k.Created.IsZero():
		return []func(*query) string{func(q *query) string { return " AND i.created IS NULL AND i.id < " + q.arg(noNUL(k.ID)) }}
	}
	return []func(*query) string{
		func(q *query) string {
			return " AND (i.created, i.id) < (" + q.arg(k.Created.UnixNano()) + ", " + q.arg(noNUL(k.ID)) + ")"
		},
		func(*query) string { return " AND i.created IS NULL" },
	}
}

// scanListed scans a row of Incidents into in: the incident, then its
// alert ids, techniques, tactics and tags.
func scanListed(rows pgx.Rows, in *debrief.Incident) error {
	var techs []string
	if err := scanIncidentInto(rows, in, &in.AlertIDs, &techs, &in.Tactics, &in.Tags); err != nil {
		return err
	}
	if len(techs) > 0 {
		in.Techniques = make([]debrief.TechniqueID, len(techs))
		for i, t := range techs {
			in.Techniques[i] = debrief.TechniqueID(t)
		}
	}
	return nil
}

// query gathers the arguments of a statement and numbers their
// placeholders.
type query struct {
	args []any
}

// arg adds v and returns its placeholder.
func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

// incidentWhere turns f into conditions (each led by AND) over incidents i.
func (q *query) incidentWhere(f debrief.IncidentFilter) (string, error) {
	if f.Limit < 0 || f.Offset < 0 {
		return "", debrief.Errorf(debrief.EINVALID, "incident filter: limit %d and offset %d must not be negative", f.Limit, f.Offset)
	}
	var conds []string
	if !f.Since.IsZero() {
		conds = append(conds, "i.created >= "+q.arg(f.Since.UnixNano()))
	}
	if !f.Until.IsZero() {
		conds = append(conds, "i.created < "+q.arg(f.Until.UnixNano()))
	}
	in := func(col string, vals []string) {
		if len(vals) > 0 {
			conds = append(conds, "coalesce("+col+", '') = ANY ("+q.arg(vals)+"::text[])")
		}
	}
	in("i.severity", strs(f.Severity))
	in("i.status", strs(f.Status))
	in("i.verdict", strs(f.Verdict))
	const linked = `EXISTS (SELECT 1 FROM incident_alerts ia JOIN alerts a ON a.tenant = ia.tenant AND a.id = ia.alert_id
		WHERE ia.tenant = i.tenant AND ia.incident_id = i.id AND `
	if len(f.Source) > 0 {
		// The incident's own source, or one of its alerts': debrief's
		// correlated incidents hold Wazuh, Elastic and OCSF alerts.
		p := q.arg(strs(f.Source))
		conds = append(conds, `(i.source = ANY (`+p+`::text[]) OR `+linked+`a.source = ANY (`+p+`::text[])))`)
	}
	if f.Technique != "" {
		id, err := debrief.ParseTechniqueID(string(f.Technique))
		if err != nil {
			return "", debrief.Errorf(debrief.EINVALID, "incident filter: %v", err)
		}
		// The id, or a sub-technique of it, among the incident's own or
		// an alert's: jsonb's text has each id quoted.
		whole := q.arg(string(storecodec.AppendStrings(nil, []string{string(id)}, noNUL)))
		sub := q.arg(`"` + string(id) + `.`)
		conds = append(conds, `(i.own_techniques @> `+whole+`::jsonb OR strpos(i.own_techniques::text, `+sub+`) > 0 OR `+
			linked+`(a.technique_ids @> `+whole+`::jsonb OR strpos(a.technique_ids::text, `+sub+`) > 0)))`)
	}
	if f.Tactic != "" {
		tactic := q.arg(string(storecodec.AppendStrings(nil, []string{f.Tactic}, noNUL)))
		conds = append(conds, `(i.own_tactics @> `+tactic+`::jsonb OR `+linked+`a.all_tactics @> `+tactic+`::jsonb))`)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " AND " + strings.Join(conds, " AND "), nil
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
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		var err error
		row := tx.QueryRow(ctx, `SELECT `+incidentSelect+` FROM incidents i WHERE i.tenant = $1 AND i.id = $2`, s.tenant, id)
		if in, err = scanIncident(row); errors.Is(err, pgx.ErrNoRows) {
			return debrief.Errorf(debrief.ENOTFOUND, "incident %q not found", id)
		} else if err != nil {
			return err
		}
		return incidentDetails(ctx, tx, s.tenant, in)
	})
	if err != nil {
		if debrief.ErrorCode(err) == debrief.ENOTFOUND {
			return nil, err
		}
		return nil, fmt.Errorf("read incident %s: %w", id, err)
	}
	return in, nil
}

func incidentDetails(ctx context.Context, tx pgx.Tx, tenant string, in *debrief.Incident) error {
	one := []debrief.Incident{*in}
	if err := loadTags(ctx, tx, tenant, one); err != nil {
		return err
	}
	if err := loadAlertIDs(ctx, tx, tenant, one); err != nil {
		return err
	}
	*in = one[0]
	if err := loadComments(ctx, tx, tenant, in); err != nil {
		return err
	}
	if err := loadHistory(ctx, tx, tenant, in); err != nil {
		return err
	}
	if err := tx.QueryRow(ctx, `SELECT raw FROM incidents WHERE tenant = $1 AND id = $2`, tenant, in.ID).Scan(&in.Raw); err != nil {
		return fmt.Errorf("raw record: %w", err)
	}
	alerts, err := queryAlerts(ctx, tx, `SELECT `+alertSelect+` FROM incident_alerts ia JOIN alerts a
		ON a.tenant = ia.tenant AND a.id = ia.alert_id WHERE ia.tenant = $1 AND ia.incident_id = $2`, tenant, in.ID)
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

func loadComments(ctx context.Context, q querier, tenant string, in *debrief.Incident) error {
	rows, err := q.Query(ctx, `SELECT at, author, body FROM comments WHERE tenant = $1 AND incident_id = $2
		ORDER BY at, author, body`, tenant, in.ID)
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

func loadHistory(ctx context.Context, q querier, tenant string, in *debrief.Incident) error {
	rows, err := q.Query(ctx, `SELECT at, changed_by, field, from_value, to_value FROM history
		WHERE tenant = $1 AND kind = 'incident' AND subject_id = $2 ORDER BY at, field, from_value, to_value`,
		tenant, in.ID)
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
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		alerts, err := queryAlerts(ctx, tx, `SELECT `+alertSelect+` FROM alerts a WHERE a.tenant = $1 AND a.id = $2`,
			s.tenant, id)
		if err != nil {
			return err
		}
		if len(alerts) == 0 {
			return debrief.Errorf(debrief.ENOTFOUND, "alert %q not found", id)
		}
		a = &alerts[0]
		if a.IncidentID == "" {
			var inc sql.NullString
			if err := tx.QueryRow(ctx, `SELECT min(incident_id) FROM incident_alerts WHERE tenant = $1 AND alert_id = $2`,
				s.tenant, id).Scan(&inc); err != nil {
				return fmt.Errorf("incident link: %w", err)
			}
			a.IncidentID = inc.String
		}
		if err := tx.QueryRow(ctx, `SELECT raw FROM alerts WHERE tenant = $1 AND id = $2`, s.tenant, id).Scan(&a.Raw); err != nil {
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
// runs fn between reads, on no connection, so fn may use the store; an
// alert that fn (or anyone) assigns before its page is read is skipped.
func (s *Store) UnassignedAlerts(ctx context.Context, fn func(debrief.Alert) error) error {
	pks, err := s.unassignedPKs(ctx)
	if err != nil {
		return fmt.Errorf("unassigned alerts: %w", err)
	}
	return s.eachUnassigned(ctx, pks, fn)
}

// eachUnassigned reads the alerts of pks a page at a time, skipping those
// linked to an incident meanwhile, and calls fn with each between reads, on
// no connection.
func (s *Store) eachUnassigned(ctx context.Context, pks []int64, fn func(debrief.Alert) error) error {
	return s.alertPages(ctx, "unassigned alerts", pks,
		`AND NOT EXISTS (SELECT 1 FROM incident_alerts ia WHERE ia.tenant = a.tenant AND ia.alert_id = a.id)
		ORDER BY a.created NULLS FIRST, a.id`, fn)
}

// alertPages reads the alerts of pks a page at a time, those of each page
// that rest (a condition and an ORDER BY) keeps, and calls fn with each
// between reads, on no connection. what names the alerts in errors.
func (s *Store) alertPages(ctx context.Context, what string, pks []int64, rest string, fn func(debrief.Alert) error) error {
	for len(pks) > 0 {
		page := pks[:min(unassignedPage, len(pks))]
		pks = pks[len(page):]
		var alerts []debrief.Alert
		err := s.conn(ctx, func(c *pgx.Conn) error {
			var err error
			alerts, err = queryAlerts(ctx, c, `SELECT `+alertSelect+` FROM alerts a
				WHERE a.tenant = $1 AND a.pk = ANY($2) `+rest, s.tenant, page)
			return err
		})
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
	var pks []int64
	err := s.conn(ctx, func(c *pgx.Conn) error {
		// unlinked_alerts (kept by triggers: migration 0008) holds the
		// candidates; the link check stays, so the answer never depends on it
		// being exact, only on it holding every unlinked alert.
		rows, err := c.Query(ctx, `SELECT a.pk FROM unlinked_alerts u JOIN alerts a ON a.tenant = u.tenant AND a.id = u.alert_id
			WHERE u.tenant = $1 AND NOT a.partial
			AND NOT EXISTS (SELECT 1 FROM incident_alerts ia WHERE ia.tenant = a.tenant AND ia.alert_id = a.id)
			ORDER BY a.created NULLS FIRST, a.id`, s.tenant)
		if err != nil {
			return err
		}
		pks, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	})
	return pks, err
}

// OrphanAlerts calls fn with every alert that names an incident the store
// lacks, or holds as a placeholder marked changed, grouped by incident id
// (in byte order, as SQLite's) and oldest first within it (by created time,
// then id), with techniques and entities. Alerts that only partial records
// made are left out. Like UnassignedAlerts it lists the alerts first, then
// reads them a page at a time and runs fn between reads, on no connection,
// so fn may use the store.
func (s *Store) OrphanAlerts(ctx context.Context, fn func(debrief.Alert) error) error {
	const order = `ORDER BY a.incident_id COLLATE "C", a.created NULLS FIRST, a.id`
	var pks []int64
	err := s.conn(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `SELECT a.pk FROM alerts a WHERE a.tenant = $1 AND a.incident_id IS NOT NULL
			AND NOT a.partial AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.tenant = a.tenant
			AND i.id = a.incident_id AND i.hash <> $2) `+order, s.tenant, placeholderHash)
		if err != nil {
			return err
		}
		pks, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		return err
	})
	if err != nil {
		return fmt.Errorf("orphan alerts: %w", err)
	}
	return s.alertPages(ctx, "orphan alerts", pks, order, fn)
}

// Assign links alerts to an incident. The incident and every alert must
// exist; linking twice changes nothing.
func (s *Store) Assign(ctx context.Context, incidentID string, alertIDs []string) error {
	err := s.writeTx(ctx, func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM incidents WHERE tenant = $1 AND id = $2`,
			s.tenant, incidentID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return debrief.Errorf(debrief.ENOTFOUND, "incident %q not found", incidentID)
		}
		ids := slices.Compact(slices.Sorted(slices.Values(alertIDs)))
		var missing sql.NullString
		if err := tx.QueryRow(ctx, `SELECT min(x) FROM unnest($2::text[]) x
			WHERE NOT EXISTS (SELECT 1 FROM alerts a WHERE a.tenant = $1 AND a.id = x)`, s.tenant, ids).Scan(&missing); err != nil {
			return err
		}
		if missing.Valid {
			return debrief.Errorf(debrief.ENOTFOUND, "alert %q not found", missing.String)
		}
		_, err := tx.Exec(ctx, `INSERT INTO incident_alerts (tenant, incident_id, alert_id, origin)
			SELECT $1, $2, x, $3 FROM unnest($4::text[]) x
			ON CONFLICT (tenant, incident_id, alert_id) DO UPDATE SET origin = incident_alerts.origin | excluded.origin`,
			s.tenant, incidentID, linkByAssign, ids)
		return err
	})
	if err != nil {
		if debrief.ErrorCode(err) == debrief.ENOTFOUND {
			return err
		}
		return fmt.Errorf("assign: %w", err)
	}
	return nil
}
