package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
)

// Subject kinds in the versions, history and raw_records tables.
const (
	kindIncident = "incident"
	kindAlert    = "alert"
)

// Link origins in incident_alerts (a bit set).
const (
	linkByAlert    = 1 // Alert.IncidentID
	linkByIncident = 2 // Incident.AlertIDs or Incident.Alerts
	linkByAssign   = 4 // Store.Assign
)

// placeholderHash begins the hash of a placeholder incident
// (debrief.Incident.Placeholder), so that the mark needs no column of its
// own, as "partial:" marks the versions of partial alert records. Alone it
// is the hash of a placeholder that an alert naming it has changed since
// it was written: OrphanAlerts lists its alerts for it to be built again.
const placeholderHash = "placeholder:"

func isPlaceholder(hash string) bool { return strings.HasPrefix(hash, placeholderHash) }

// Write stores recs in one transaction: all of them or, on any error
// (including ctx being cancelled half-way), none of them. See the package
// documentation for how new, unchanged, newer, older and partial records are
// told apart.
func (s *Store) Write(ctx context.Context, recs []debrief.Record) (debrief.WriteResult, error) {
	if len(recs) == 0 {
		return debrief.WriteResult{}, nil
	}
	// Validation, hashes and column values need no database: they start
	// before the wait for other writers.
	preps, stop := runPrepare(ctx, recs)
	defer stop()
	s.wmu.Lock()
	defer s.wmu.Unlock()
	wc, err := s.writeConn(ctx)
	if err != nil {
		return debrief.WriteResult{}, fmt.Errorf("write: connect: %w", err)
	}
	res, err := s.write(ctx, wc, recs, preps)
	s.doneWriting(wc, err != nil)
	if err != nil {
		return debrief.WriteResult{}, err
	}
	s.written()
	return res, nil
}

// write runs one Write's transaction on wc.
func (s *Store) write(ctx context.Context, wc *writeConn, recs []debrief.Record, preps <-chan prep) (debrief.WriteResult, error) {
	if _, err := wc.st.exec(ctx, "BEGIN IMMEDIATE"); err != nil {
		return debrief.WriteResult{}, fmt.Errorf("write: begin: %w", err)
	}
	w := newWriter(ctx, wc)
	if err := w.prefetch(recs); err != nil {
		return debrief.WriteResult{}, fmt.Errorf("write: %w", err)
	}
	for i, r := range recs {
		p := <-preps // prepare stops after sending an error, so p is never missing
		err := p.err
		if err == nil {
			err = ctx.Err()
		}
		if err == nil {
			err = w.record(r, &p)
		}
		if err != nil {
			return debrief.WriteResult{}, fmt.Errorf("write %s: %w", where(i, r), err)
		}
	}
	if err := w.flush(); err != nil {
		return debrief.WriteResult{}, fmt.Errorf("write: %w", err)
	}
	if err := w.release(); err != nil {
		return debrief.WriteResult{}, fmt.Errorf("write: %w", err)
	}
	if err := w.markNewAlerts(); err != nil {
		return debrief.WriteResult{}, fmt.Errorf("write: %w", err)
	}
	if err := w.markPlaceholders(); err != nil {
		return debrief.WriteResult{}, fmt.Errorf("write: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return debrief.WriteResult{}, fmt.Errorf("write: %w", err)
	}
	if _, err := wc.st.exec(ctx, "COMMIT"); err != nil {
		return debrief.WriteResult{}, fmt.Errorf("write: commit: %w", err)
	}
	return w.res, nil
}

// where names the i'th record of a batch, and where its input had it.
func where(i int, r debrief.Record) string {
	s := fmt.Sprintf("record %d", i+1)
	switch {
	case r.Line > 0:
		s += fmt.Sprintf(" (input line %d)", r.Line)
	case r.Index > 0:
		s += fmt.Sprintf(" (input record %d)", r.Index)
	}
	return s
}

// checkRecord validates r and checks that its times can be stored.
func checkRecord(r debrief.Record) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if in := r.Incident; in != nil {
		t := in.Times
		if err := storableTimes(t.FirstActivity, t.FirstAlert, t.Created, t.FirstTriage, t.Contained, t.Resolved,
			t.LastActivity, t.Updated); err != nil {
			return err
		}
		for _, c := range in.Comments {
			if err := storableTimes(c.At); err != nil {
				return err
			}
		}
		for _, c := range in.History {
			if err := storableTimes(c.At); err != nil {
				return err
			}
		}
	}
	for _, a := range r.Alerts() {
		if err := storableTimes(a.FirstActivity, a.LastActivity, a.Created, a.Updated, a.Resolved); err != nil {
			return err
		}
	}
	return nil
}

// storableTimes checks that every one of ts round-trips through nanos.
func storableTimes(ts ...time.Time) error {
	for _, t := range ts {
		if !storable(t) {
			return debrief.Errorf(debrief.EINVALID, "time %s: want a time between 1678 and 2262", t.Format(time.RFC3339))
		}
	}
	return nil
}

// tracked is the state whose changes enter the history.
type tracked struct {
	status, assignee, verdict, severity, determination string
}

var trackedFields = [...]string{"status", "assignee", "verdict", "severity", "determination"}

func (t tracked) values() [5]string {
	return [5]string{t.status, t.assignee, t.verdict, t.severity, t.determination}
}

// state is what the writer knows of a stored incident or alert.
type state struct {
	hash       string
	sortAt     int64
	updated    int64
	partial    bool   // alerts: only partial records so far
	incidentID string // alerts: Alert.IncidentID as stored
	tracked
}

// writer carries one Write's transaction.
type writer struct {
	ctx    context.Context
	st     *stmts
	enc    encoder // for values the writer builds itself
	res    debrief.WriteResult
	inc    map[string]*state // stored incidents touched by this batch; nil: absent
	alerts map[string]*state

	alertRows, rawRows, linkRows *bulk
	links                        map[[2]string]int // (incident, alert) → origin bits, pending
	newAlerts                    []string          // ids of the alert rows inserted, for markNewAlerts
	named                        map[string]bool   // incidents named by alerts this Write changed, for markPlaceholders
	claimed                      map[string]bool   // alerts linked to an incident of a source, for release

	// The last alerts.pk and raw_records.id used; 0 until first needed.
	alertPK, rawID int64
}

func newWriter(ctx context.Context, wc *writeConn) *writer {
	return &writer{
		ctx:       ctx,
		enc:       newEncoder(),
		st:        wc.st,
		inc:       map[string]*state{},
		alerts:    map[string]*state{},
		alertRows: wc.alertRows,
		rawRows:   wc.rawRows,
		linkRows:  wc.linkRows,
		links:     map[[2]string]int{},
		named:     map[string]bool{},
		claimed:   map[string]bool{},
	}
}

func (w *writer) exec(query string, args ...any) (sql.Result, error) {
	return w.st.exec(w.ctx, query, args...)
}

// flush sends every queued row. Paths that read or change stored rows
// flush first, so that they see everything written before them.
func (w *writer) flush() error {
	for k, origin := range w.links {
		if err := w.linkRows.add(w.ctx, w.st, k[0], k[1], int64(origin)); err != nil {
			return err
		}
	}
	clear(w.links)
	for _, b := range []*bulk{w.alertRows, w.rawRows, w.linkRows} {
		if err := b.flush(w.ctx, w.st); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) link(incidentID, alertID string, origin int) {
	w.links[[2]string{incidentID, alertID}] |= origin
	w.claim(incidentID, alertID)
}

// markNewAlerts marks for recounting (agg_dirty, skill_dirty) the incidents
// linked to the alerts this Write inserted: an incident may have listed an
// alert before the alert arrived. Migration 0012 dropped the per-row
// triggers that did this; one lookup over the batch's ids costs a fraction
// of them, and almost always finds nothing. Links made in this Write are
// marked by their own triggers, so this only needs the older ones, but it
// need not tell them apart (marks are idempotent).
func (w *writer) markNewAlerts() error {
	if len(w.newAlerts) == 0 {
		return nil
	}
	st, err := w.st.get(w.ctx, `SELECT DISTINCT ia.incident_id FROM json_each(?) j
		CROSS JOIN incident_alerts ia ON ia.alert_id = j.value`)
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(w.ctx, w.enc.Strings(w.newAlerts))
	if err != nil {
		return fmt.Errorf("incidents of new alerts: %w", err)
	}
	var incidents []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("incidents of new alerts: %w", err)
		}
		incidents = append(incidents, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("incidents of new alerts: %w", err)
	}
	if len(incidents) == 0 {
		return nil
	}
	ids := w.enc.Strings(incidents)
	for _, table := range [...]string{"agg_dirty", "skill_dirty"} {
		if _, err := w.exec(`INSERT OR IGNORE INTO `+table+` (incident_id) SELECT value FROM json_each(?)`, ids); err != nil {
			return fmt.Errorf("mark incidents of new alerts: %w", err)
		}
	}
	return nil
}

// name notes that an alert this Write inserted or changed names (or
// named) incident id.
func (w *writer) name(id string) {
	if id != "" {
		w.named[id] = true
	}
}

// markPlaceholders marks the placeholders among the incidents that alerts
// of this Write name as changed (placeholderHash alone), for OrphanAlerts
// to list their alerts.
func (w *writer) markPlaceholders() error {
	if len(w.named) == 0 {
		return nil
	}
	ids := make([]string, 0, len(w.named))
	for id := range w.named {
		ids = append(ids, id)
	}
	_, err := w.exec(`UPDATE incidents SET hash = ? WHERE id IN (SELECT value FROM json_each(?))
		AND hash LIKE 'placeholder:%' AND hash <> ?`, placeholderHash, w.enc.Strings(ids), placeholderHash)
	if err != nil {
		return fmt.Errorf("mark placeholders: %w", err)
	}
	return nil
}

// next allocates the id after the largest in table.column. The write
// transaction holds the database's write lock, so nobody else allocates.
func (w *writer) next(last *int64, table, column string) (int64, error) {
	if *last == 0 {
		st, err := w.st.get(w.ctx, `SELECT coalesce(max(`+column+`), 0) FROM `+table)
		if err != nil {
			return 0, err
		}
		if err := st.QueryRowContext(w.ctx).Scan(last); err != nil {
			return 0, fmt.Errorf("allocate %s.%s: %w", table, column, err)
		}
	}
	*last++
	return *last, nil
}

func (w *writer) nextAlertPK() (int64, error) { return w.next(&w.alertPK, "alerts", "pk") }

// raw queues the raw record of a version that is not current.
func (w *writer) raw(kind, id, hash string, raw []byte) error {
	if len(raw) == 0 {
		return nil
	}
	rid, err := w.next(&w.rawID, "raw_records", "id")
	if err != nil {
		return err
	}
	return w.rawRows.add(w.ctx, w.st, rid, kind, id, hash, raw)
}

// keepRaw moves the raw record of the current version of a stored incident
// or alert (table incidents or alerts) to raw_records, before a newer
// version replaces it.
func (w *writer) keepRaw(table, kind, id string) error {
	rid, err := w.next(&w.rawID, "raw_records", "id")
	if err != nil {
		return err
	}
	_, err = w.exec(`INSERT INTO raw_records (id, kind, subject_id, hash, raw)
		SELECT ?, ?, id, hash, raw FROM `+table+` WHERE id = ? AND raw IS NOT NULL`, rid, kind, id)
	return err
}

// rawValue binds a raw record, or NULL.
func rawValue(raw []byte) any {
	if len(raw) == 0 {
		return nil
	}
	return raw
}

// record writes one record: its incident, then its alerts.
func (w *writer) record(r debrief.Record, p *prep) error {
	if in := r.Incident; in != nil {
		if err := w.incident(in, p.incHash); err != nil {
			return fmt.Errorf("incident %s: %w", in.ID, err)
		}
		for i := range in.Alerts {
			if err := w.alert(&in.Alerts[i], &p.alerts[i]); err != nil {
				return fmt.Errorf("incident %s: alert %s: %w", in.ID, in.Alerts[i].ID, err)
			}
		}
		return nil
	}
	if r.Partial {
		if err := w.partial(r.Alert, &p.alerts[0]); err != nil {
			return fmt.Errorf("partial alert %s: %w", r.Alert.ID, err)
		}
		return nil
	}
	if err := w.alert(r.Alert, &p.alerts[0]); err != nil {
		return fmt.Errorf("alert %s: %w", r.Alert.ID, err)
	}
	return nil
}

// prefetch loads the state of every stored incident and alert the batch
// names, in two queries.
func (w *writer) prefetch(recs []debrief.Record) error {
	var incIDs, alertIDs []string
	for _, r := range recs {
		if r.Incident != nil {
			incIDs = append(incIDs, r.Incident.ID)
		}
		for _, a := range r.Alerts() {
			alertIDs = append(alertIDs, a.ID)
		}
	}
	if err := w.load(w.inc, incIDs, `SELECT id, hash, sort_at, coalesce(updated, 0), 0, '',
		coalesce(status, ''), coalesce(assignee, ''), coalesce(verdict, ''), coalesce(severity, ''),
		coalesce(determination, '')
		FROM incidents WHERE id IN (SELECT value FROM json_each(?))`); err != nil {
		return fmt.Errorf("load incidents: %w", err)
	}
	if err := w.load(w.alerts, alertIDs, `SELECT id, hash, sort_at, coalesce(updated, 0), partial,
		coalesce(incident_id, ''), coalesce(status, ''), '', coalesce(verdict, ''), coalesce(severity, ''),
		coalesce(determination, '')
		FROM alerts WHERE id IN (SELECT value FROM json_each(?))`); err != nil {
		return fmt.Errorf("load alerts: %w", err)
	}
	return nil
}

func (w *writer) load(into map[string]*state, ids []string, query string) error {
	if len(ids) == 0 {
		return nil
	}
	st, err := w.st.get(w.ctx, query)
	if err != nil {
		return err
	}
	rows, err := st.QueryContext(w.ctx, w.enc.Strings(ids))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		s := &state{}
		if err := rows.Scan(&id, &s.hash, &s.sortAt, &s.updated, &s.partial, &s.incidentID,
			&s.status, &s.assignee, &s.verdict, &s.severity, &s.determination); err != nil {
			return err
		}
		into[id] = s
	}
	return rows.Err()
}
