package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/storecodec"
	"github.com/jackc/pgx/v5"
)

// GroupFunc groups alerts, oldest first, into incidents (correlation). It
// may be called more than once for one batch (a write that collides with
// another writer runs again), so it must depend on its alerts alone.
type GroupFunc func(alerts []debrief.Alert) ([]debrief.Incident, error)

// WriteGrouped is Write, and in the same transaction the incidents that
// group makes of the batch's loose alerts (full alert records that name no
// incident) which end up in no incident: as UnassignedAlertsOf would read
// them after the write, oldest first. An API ingest that correlates its
// payload so commits its alerts and their incidents at once: a crash keeps
// both or neither, a retry of the payload finds its alerts linked and makes
// nothing, and no second transaction reads the alerts back. The result
// counts recs alone; the incidents are group's to count.
func (s *Store) WriteGrouped(ctx context.Context, recs []debrief.Record, group GroupFunc) (debrief.WriteResult, error) {
	if group == nil {
		return debrief.WriteResult{}, errors.New("write grouped: no group function")
	}
	return s.writeGroups(ctx, recs, group)
}

// errIncidentStored stops a shared write whose grouping made an incident
// that is stored already (or being stored by another writer).
var errIncidentStored = errors.New("an incident of the batch's grouping is stored")

// group runs the grouping of WriteGrouped after the batch's records were
// queued, and queues the incidents it makes.
func (w *writer) group(recs []debrief.Record, shared bool, group GroupFunc) error {
	var ids []string
	for _, r := range recs {
		if r.Incident == nil && r.Alert != nil && r.Alert.IncidentID == "" {
			ids = append(ids, r.Alert.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var alerts []debrief.Alert
	var err error
	fresh := shared && distinct(ids) // every alert of the batch new, queued to be copied
	if fresh {
		alerts, err = w.newUnlinked(recs, ids)
	} else {
		alerts, err = w.storedUnlinked(ids)
	}
	if err != nil {
		return fmt.Errorf("group: %w", err)
	}
	if len(alerts) == 0 {
		return nil
	}
	incs, err := group(alerts)
	if err != nil {
		return fmt.Errorf("group: %w", err)
	}
	grouped := make([]debrief.Record, len(incs))
	for i := range incs {
		grouped[i] = debrief.Record{Incident: &incs[i]}
	}
	if err := w.prefetch(grouped); err != nil {
		return fmt.Errorf("group: %w", err)
	}
	if shared {
		for _, r := range grouped {
			if w.inc[r.Incident.ID] != nil {
				return errIncidentStored
			}
		}
	}
	var early map[[2]string]int
	var batch map[string]bool // quiet: the alerts of the batch; true: a grouped incident names it
	quiet := false
	if fresh {
		// The links first, then the alerts, then the incidents: the alerts
		// arrive linked (not through unlinked_alerts), and each incident's
		// summary (migration 0009) is computed once, when its row arrives
		// after its links and alerts, not at its links and again at its
		// alerts.
		early = map[[2]string]int{}
		batch = make(map[string]bool, len(ids))
		for _, id := range ids {
			batch[id] = false
		}
		// quiet: the triggers on the links, the alerts and the incidents
		// may stand aside (migrations 0013 and 0014): no stored link names
		// an alert of the batch, and the grouped incidents (new: checked
		// above; each once) name only them, by id, each alert once.
		quiet = len(alerts) == len(ids)
		incs := make(map[string]bool, len(grouped))
		for _, r := range grouped {
			if len(r.Incident.Alerts) > 0 || incs[r.Incident.ID] {
				quiet = false
			}
			incs[r.Incident.ID] = true
			for _, id := range storecodec.IncidentAlertIDs(r.Incident) {
				w.link(r.Incident.ID, id, linkByIncident)
				early[[2]string{r.Incident.ID, id}] = linkByIncident
				if named, ok := batch[id]; !ok || named {
					quiet = false
				}
				batch[id] = true
			}
		}
		if quiet {
			if err := w.copyLinks(early); err != nil {
				return fmt.Errorf("group: %w", err)
			}
		}
		if err := w.flush(); err != nil {
			return fmt.Errorf("group: %w", err)
		}
		if quiet {
			w.summaries = groupedSummaries(grouped, alerts)
		}
	}
	counted := w.res // the result counts recs alone
	defer func() { w.res = counted }()
	h, enc := storecodec.NewHasher(), newEncoder()
	for i, r := range grouped {
		p := prepareOne(r, h, &enc)
		err := p.err
		if err == nil {
			err = w.record(r, &p)
		}
		if err != nil {
			return fmt.Errorf("group: incident %d of %d: %w", i+1, len(grouped), err)
		}
	}
	if quiet {
		w.summaries = nil
		if err := w.quietDone(ids, batch); err != nil {
			return fmt.Errorf("group: %w", err)
		}
	}
	for k, o := range early { // inserted already
		if w.links[k] == o {
			delete(w.links, k)
		}
	}
	return nil
}

// summary is what the incident list shows of an incident's alerts, as
// incident_summary (migrations 0009, 0012) computes it: the alert ids
// sorted; the techniques sorted and unique; the tactics unique in the
// order first seen, alert by alert (oldest first, then by id), each
// alert's own then its techniques', then the incident's own (migration
// 0015). nil: none (NULL).
type summary struct {
	alertIDs, techniques, tactics []string
}

// groupedSummaries computes the summaries of the grouped incidents from alerts,
// the batch's alerts in newUnlinked's order (created, unknown first, then
// id), every alert an incident names among them.
func groupedSummaries(grouped []debrief.Record, alerts []debrief.Alert) map[string]summary {
	of := map[string]int{} // alert id → index in grouped
	sums := make([]storecodec.Summary, len(grouped))
	out := make(map[string]summary, len(grouped))
	for i, r := range grouped {
		ids := storecodec.IncidentAlertIDs(r.Incident)
		for _, id := range ids {
			of[id] = i
		}
		out[r.Incident.ID] = summary{alertIDs: cleanStrings(ids)}
	}
	for k := range alerts {
		if i, ok := of[alerts[k].ID]; ok {
			sums[i].AddAlert(&alerts[k])
		}
	}
	for i, r := range grouped {
		sums[i].AddOwn(r.Incident)
		techs, tactics := sums[i].Result()
		s := out[r.Incident.ID]
		for _, t := range techs {
			s.techniques = append(s.techniques, noNUL(string(t)))
		}
		s.tactics = cleanStrings(tactics)
		out[r.Incident.ID] = s
	}
	return out
}

// cleanStrings is ss without NULs (as they are stored), nil when empty.
func cleanStrings(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = noNUL(s)
	}
	return out
}

// copyLinks starts the triggers' standing aside and copies the grouped
// incidents' links, taken out of the queue: all of them new (so are their
// incidents), none can meet a stored one as sendLinks' INSERT allows for.
func (w *writer) copyLinks(links map[[2]string]int) error {
	w.batch.Queue(`SELECT set_config('debrief.grouped_write', 'on', true)`)
	if err := w.send(); err != nil {
		return err
	}
	rows := make([][]any, 0, len(links))
	for k, o := range links {
		rows = append(rows, []any{w.tenant, k[0], k[1], int32(o)})
		delete(w.links, k)
	}
	if _, err := w.tx.CopyFrom(w.ctx, pgx.Identifier{"incident_alerts"}, []string{"tenant", "incident_id", "alert_id", "origin"},
		pgx.CopyFromRows(rows)); err != nil {
		return fmt.Errorf("copy links: %w", err)
	}
	return nil
}

// quietDone ends the triggers' standing aside and does the one thing
// they would have done: the alerts of the batch that no grouped incident
// names join unlinked_alerts. Both are sent with the next statements.
func (w *writer) quietDone(ids []string, grouped map[string]bool) error {
	w.batch.Queue(`SELECT set_config('debrief.grouped_write', 'off', true)`)
	var loose []string
	for _, id := range ids {
		if !grouped[id] {
			loose = append(loose, id)
		}
	}
	if len(loose) == 0 {
		return nil
	}
	return w.exec(`INSERT INTO unlinked_alerts (tenant, alert_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`, loose)
}

func distinct(ids []string) bool {
	seen := make(map[string]struct{}, len(ids))
	for _, id := range ids {
		if _, ok := seen[id]; ok {
			return false
		}
		seen[id] = struct{}{}
	}
	return true
}

// newUnlinked returns the batch's loose alerts that no stored link names,
// in the order UnassignedAlertsOf reads them, from the records themselves:
// for a shared write, where every alert of the batch is new and written as
// its record has it, and no other writer links them until it commits.
func (w *writer) newUnlinked(recs []debrief.Record, ids []string) ([]debrief.Alert, error) {
	rows, err := w.tx.Query(w.ctx, `SELECT DISTINCT alert_id FROM incident_alerts WHERE tenant = $1 AND alert_id = ANY($2)`,
		w.tenant, ids)
	if err != nil {
		return nil, err
	}
	linked := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		linked[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	alerts := make([]debrief.Alert, 0, len(ids))
	for _, r := range recs {
		if a := r.Alert; r.Incident == nil && a != nil && a.IncidentID == "" && !linked[a.ID] {
			alerts = append(alerts, *a)
		}
	}
	slices.SortFunc(alerts, func(x, y debrief.Alert) int {
		// created NULLS FIRST, then id (bytewise, as COLLATE "C")
		if c := cmp.Compare(nanos0(x.Created), nanos0(y.Created)); c != 0 {
			if x.Created.IsZero() {
				return -1
			}
			if y.Created.IsZero() {
				return 1
			}
			return c
		}
		return cmp.Compare(x.ID, y.ID)
	})
	return alerts, nil
}

// storedUnlinked reads, within the transaction and after the batch's
// writes, the alerts among ids that are stored whole and linked to no
// incident, oldest first: UnassignedAlertsOf's answer.
func (w *writer) storedUnlinked(ids []string) ([]debrief.Alert, error) {
	if err := w.flush(); err != nil {
		return nil, err
	}
	return queryAlerts(w.ctx, w.tx, `SELECT `+alertSelect+` FROM alerts a
		WHERE a.tenant = $1 AND a.id = ANY($2) AND NOT a.partial
		AND NOT EXISTS (SELECT 1 FROM incident_alerts ia WHERE ia.tenant = a.tenant AND ia.alert_id = a.id)
		ORDER BY a.created NULLS FIRST, a.id`, w.tenant, ids)
}
