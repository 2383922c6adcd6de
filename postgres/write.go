package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
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
//
// A write that takes the new rows this process gave the tenant past a
// threshold may start a check of the planner's statistics of the tenant,
// and an ANALYZE, in the background, after it returns (see stats.go).
//
// A batch of loose alerts (full alert records that name no incident) none
// of which is stored yet only adds rows, so it is written under the
// tenant's write lock shared with other such batches, side by side; a
// batch that finds one of its alerts stored, or that collides with another
// writer (a unique key, a deadlock), is written again under the lock
// alone, as every other batch is.
func (s *Store) Write(ctx context.Context, recs []debrief.Record) (debrief.WriteResult, error) {
	return s.writeGroups(ctx, recs, nil)
}

// writeGroups is Write, and WriteGrouped when group is not nil.
func (s *Store) writeGroups(ctx context.Context, recs []debrief.Record, group GroupFunc) (debrief.WriteResult, error) {
	if len(recs) == 0 {
		return debrief.WriteResult{}, nil
	}
	// Preparing starts before the tenant's write lock is taken, so that it
	// overlaps with the writer that holds it.
	preps, stop := runPrepare(ctx, recs)
	defer func() { stop() }()
	if looseAlerts(recs) {
		res, err := s.write(ctx, recs, preps, true, group)
		switch {
		case err == nil:
			s.stats.grew(s.pool, s.tenant, res)
			return res, nil
		case collided(err) || errors.Is(err, errIncidentStored):
			stop()
			preps, stop = runPrepare(ctx, recs)
		default:
			return debrief.WriteResult{}, fmt.Errorf("write: %w", err)
		}
	}
	res, err := s.write(ctx, recs, preps, false, group)
	if err != nil {
		return debrief.WriteResult{}, fmt.Errorf("write: %w", err)
	}
	s.stats.grew(s.pool, s.tenant, res)
	return res, nil
}

// looseAlerts tells whether recs are all full alert records that name no
// incident: the batches that may be written under a shared lock.
func looseAlerts(recs []debrief.Record) bool {
	for _, r := range recs {
		if r.Incident != nil || r.Partial || r.Alert == nil || r.Alert.IncidentID != "" {
			return false
		}
	}
	return true
}

// collided tells whether err is a unique key violation or a deadlock: what
// a shared write meets when another writer wrote the same alert.
func collided(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "23505" || pe.Code == "40P01")
}

// write runs one transaction of Write, under the tenant's write lock
// shared (a batch of new loose alerts: one stored fails its COPY on the
// key, as a collision does) or
// not; with group, the incidents of the batch's loose alerts too (see
// WriteGrouped).
func (s *Store) write(ctx context.Context, recs []debrief.Record, preps <-chan prep, shared bool, group GroupFunc) (debrief.WriteResult, error) {
	var res debrief.WriteResult
	err := s.writeTxLock(ctx, shared, func(tx pgx.Tx) error {
		w := newWriter(ctx, tx, s.tenant)
		// A shared write takes its alerts for new without looking them up
		// (1,000 key probes an API payload): one that is stored fails the
		// COPY on the key, and the batch is written again alone.
		if !shared {
			if err := w.prefetch(recs); err != nil {
				return err
			}
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
				return fmt.Errorf("%s: %w", where(i, r), err)
			}
		}
		if group != nil {
			if err := w.group(recs, shared, group); err != nil {
				return err
			}
		}
		if err := w.release(); err != nil {
			return err
		}
		if err := w.markPlaceholders(); err != nil {
			return err
		}
		if err := w.flush(); err != nil {
			return err
		}
		res = w.res
		return ctx.Err()
	})
	return res, err
}

// writeTx runs fn in a transaction that holds the tenant's write lock: the
// writers of one tenant take turns (as SQLite's do), so that what a writer
// read at the start of its batch stays true until it commits.
func (s *Store) writeTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return s.writeTxLock(ctx, false, fn)
}

// writeTxLock is writeTx with the lock taken shared or not: writers that
// share it run side by side, and none of them beside one that does not.
func (s *Store) writeTxLock(ctx context.Context, shared bool, fn func(tx pgx.Tx) error) error {
	lock := `SELECT pg_advisory_xact_lock(hashtext($1))`
	if shared {
		lock = `SELECT pg_advisory_xact_lock_shared(hashtext($1))`
	}
	return s.conn(ctx, func(c *pgx.Conn) error {
		tx, err := c.Begin(ctx)
		if err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		defer tx.Rollback(context.WithoutCancel(ctx)) // a no-op after Commit
		if _, err := tx.Exec(ctx, lock, "debrief.write:"+s.tenant); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		if err := fn(tx); err != nil {
			return err
		}
		if err := tx.Commit(ctx); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
		return nil
	})
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
	var ts []time.Time
	if in := r.Incident; in != nil {
		t := in.Times
		ts = append(ts, t.FirstActivity, t.FirstAlert, t.Created, t.FirstTriage, t.Contained, t.Resolved,
			t.LastActivity, t.Updated)
		for _, c := range in.Comments {
			ts = append(ts, c.At)
		}
		for _, c := range in.History {
			ts = append(ts, c.At)
		}
	}
	for _, a := range r.Alerts() {
		ts = append(ts, a.FirstActivity, a.LastActivity, a.Created, a.Updated, a.Resolved)
	}
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

// writer carries one Write's transaction. Every statement's $1 is the
// tenant.
type writer struct {
	ctx    context.Context
	tx     pgx.Tx
	tenant string
	enc    encoder // for values the writer builds itself
	res    debrief.WriteResult
	inc    map[string]*state // stored incidents touched by this batch; nil: absent
	alerts map[string]*state

	alertRows, rawRows [][]any             // queued for COPY
	links              map[[2]string]int   // (incident, alert) → origin bits, queued
	batch              *pgx.Batch          // statements queued by exec
	known              map[versionKey]bool // the stored versions of the subjects of this batch
	summaries          map[string]summary  // WriteGrouped: the summaries of the incidents it inserts, by id
	named              map[string]bool     // incidents named by alerts this Write changed, for markPlaceholders
	claimed            map[string]bool     // alerts linked to an incident of a source, for release
}

// versionKey names a version: kind, subject id, content hash.
type versionKey struct{ kind, id, hash string }

func newWriter(ctx context.Context, tx pgx.Tx, tenant string) *writer {
	return &writer{ctx: ctx, tx: tx, tenant: tenant, inc: map[string]*state{}, alerts: map[string]*state{},
		links: map[[2]string]int{}, batch: &pgx.Batch{}, known: map[versionKey]bool{}, enc: newEncoder(),
		named: map[string]bool{}, claimed: map[string]bool{}}
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
	return w.exec(`UPDATE incidents SET hash = $2 WHERE tenant = $1 AND id = ANY($3)
		AND hash LIKE 'placeholder:%' AND hash <> $2`, placeholderHash, ids)
}

// exec queues query, with the tenant as $1 and args from $2 on, to be sent
// with others in one round trip: before the writer next reads (send), at
// flush, or when batchStatements are queued. Its error, if any, surfaces
// then.
func (w *writer) exec(query string, args ...any) error {
	w.batch.Queue(query, noNULs(append([]any{w.tenant}, args...))...)
	if w.batch.Len() >= batchStatements {
		return w.send()
	}
	return nil
}

// batchStatements is how many queued statements are sent at most at once.
const batchStatements = 512

// send runs the queued statements, in order.
func (w *writer) send() error {
	if w.batch.Len() == 0 {
		return nil
	}
	return w.sendAndRead(nil, nil)
}

// read is a query whose rows a writer reads.
type read struct {
	query string
	args  []any // from $2 on; $1 is the tenant
}

// sendAndRead runs the queued statements, then reads, in one round trip;
// fn gets the results of the reads (one br.Query each, in order).
func (w *writer) sendAndRead(reads []read, fn func(br pgx.BatchResults) error) error {
	b := w.batch
	w.batch = &pgx.Batch{}
	n := b.Len()
	for _, r := range reads {
		b.Queue(r.query, append([]any{w.tenant}, r.args...)...)
	}
	br := w.tx.SendBatch(w.ctx, b)
	for _, q := range b.QueuedQueries[:n] {
		if _, err := br.Exec(); err != nil {
			br.Close()
			return fmt.Errorf("%.60q: %w", oneLine(q.SQL), err)
		}
	}
	if fn != nil {
		if err := fn(br); err != nil {
			br.Close()
			return err
		}
	}
	return br.Close()
}

func oneLine(q string) string { return strings.Join(strings.Fields(q), " ") }

// alertCopyColumns are the columns of a queued alert row.
var alertCopyColumns = append(append([]string{"tenant", "id"}, strings.Split(contentColumns, ", ")...),
	"partial_entities", "hash", "sort_at", "partial", "raw")

// flush sends every queued statement and row: statements in a batch, then
// links in one INSERT of arrays (sendLinks), then alerts and raw records by
// COPY. Paths that read or change stored rows flush first, so that they
// see everything written before them.
func (w *writer) flush() error {
	if err := w.sendLinks(); err != nil {
		return err
	}
	if len(w.alertRows) > 0 {
		if _, err := w.tx.CopyFrom(w.ctx, pgx.Identifier{"alerts"}, alertCopyColumns,
			pgx.CopyFromRows(w.alertRows)); err != nil {
			return fmt.Errorf("copy alerts: %w", err)
		}
		w.alertRows = w.alertRows[:0]
	}
	if len(w.rawRows) > 0 {
		if _, err := w.tx.CopyFrom(w.ctx, pgx.Identifier{"raw_records"},
			[]string{"tenant", "kind", "subject_id", "hash", "raw"}, pgx.CopyFromRows(w.rawRows)); err != nil {
			return fmt.Errorf("copy raw records: %w", err)
		}
		w.rawRows = w.rawRows[:0]
	}
	return nil
}

// sendLinks runs the queued statements, then inserts the queued links in
// one INSERT of arrays. flush inserts links before the alerts they name:
// an alert then arrives linked, and the triggers of migration 0008 need not
// add it to unlinked_alerts only to take it out again at the link.
func (w *writer) sendLinks() error {
	if err := w.send(); err != nil {
		return err
	}
	if len(w.links) == 0 {
		return nil
	}
	incs, alerts, origins := make([]string, 0, len(w.links)), make([]string, 0, len(w.links)), make([]int32, 0, len(w.links))
	for k, o := range w.links {
		incs, alerts, origins = append(incs, k[0]), append(alerts, k[1]), append(origins, int32(o))
	}
	clear(w.links)
	if err := w.exec(`INSERT INTO incident_alerts (tenant, incident_id, alert_id, origin)
		SELECT $1, l.i, l.a, l.o FROM unnest($2::text[], $3::text[], $4::int[]) AS l (i, a, o)
		ON CONFLICT (tenant, incident_id, alert_id) DO UPDATE SET origin = incident_alerts.origin | excluded.origin
		WHERE incident_alerts.origin | excluded.origin <> incident_alerts.origin`, incs, alerts, origins); err != nil {
		return err
	}
	return w.send()
}

func (w *writer) link(incidentID, alertID string, origin int) {
	w.links[[2]string{incidentID, alertID}] |= origin
	w.claim(incidentID, alertID)
}

// raw queues the raw record of a version that is not current.
func (w *writer) raw(kind, id, hash string, raw []byte) error {
	if len(raw) == 0 {
		return nil
	}
	w.rawRows = append(w.rawRows, []any{w.tenant, kind, id, hash, raw})
	return nil
}

// keepRaw moves the raw record of the current version of a stored incident
// or alert (table incidents or alerts) to raw_records, before a newer
// version replaces it.
func (w *writer) keepRaw(table, kind, id string) error {
	return w.exec(`INSERT INTO raw_records (tenant, kind, subject_id, hash, raw)
		SELECT tenant, $2, id, hash, raw FROM `+table+` WHERE tenant = $1 AND id = $3 AND raw IS NOT NULL`, kind, id)
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
	if err := w.load(w.inc, incIDs, `SELECT id, hash, sort_at, coalesce(updated, 0), false, '',
		coalesce(status, ''), coalesce(assignee, ''), coalesce(verdict, ''), coalesce(severity, ''),
		coalesce(determination, '')
		FROM incidents WHERE tenant = $1 AND id = ANY($2)`); err != nil {
		return fmt.Errorf("load incidents: %w", err)
	}
	if err := w.load(w.alerts, alertIDs, alertStates); err != nil {
		return fmt.Errorf("load alerts: %w", err)
	}
	if err := w.loadVersions(incIDs, alertIDs); err != nil {
		return fmt.Errorf("load versions: %w", err)
	}
	return nil
}

// alertStates is prefetch's lookup of the stored alerts of a batch.
const alertStates = `SELECT id, hash, sort_at, coalesce(updated, 0), partial,
	coalesce(incident_id, ''), coalesce(status, ''), '', coalesce(verdict, ''), coalesce(severity, ''),
	coalesce(determination, '')
	FROM alerts WHERE tenant = $1 AND id = ANY($2)`

// loadVersions loads the known versions of the stored incidents and alerts
// of the batch.
func (w *writer) loadVersions(incIDs, alertIDs []string) error {
	var stored [2][]string
	for i, ids := range [2][]string{incIDs, alertIDs} {
		m := w.inc
		if i == 1 {
			m = w.alerts
		}
		for _, id := range ids {
			if m[id] != nil {
				stored[i] = append(stored[i], id)
			}
		}
	}
	if len(stored[0])+len(stored[1]) == 0 {
		return nil
	}
	rows, err := w.tx.Query(w.ctx, `SELECT kind, subject_id, hash FROM versions WHERE tenant = $1
		AND (kind = 'incident' AND subject_id = ANY($2) OR kind = 'alert' AND subject_id = ANY($3))`,
		w.tenant, stored[0], stored[1])
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var k versionKey
		if err := rows.Scan(&k.kind, &k.id, &k.hash); err != nil {
			return err
		}
		w.known[k] = true
	}
	return rows.Err()
}

func (w *writer) load(into map[string]*state, ids []string, query string) error {
	if len(ids) == 0 {
		return nil
	}
	rows, err := w.tx.Query(w.ctx, query, w.tenant, ids)
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

// params is n comma-separated placeholders from $from on.
func params(from, n int) string {
	b := make([]byte, 0, 4*n)
	for i := range n {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(from+i), 10)
	}
	return string(b)
}
