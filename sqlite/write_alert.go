package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/storecodec"
)

// contentColumns are an alert's columns that hold the record's content, in
// the order of encoder.content.
const contentColumns = "source, source_id, provider_id, incident_id, product, detection_source, rule_id, " +
	"rule_name, title, description, category, severity, status, verdict, determination, tactics, threat_names, " +
	"techniques, entities, technique_ids, all_tactics, first_activity, last_activity, created, updated, " +
	"resolved, url"

const alertInsertColumns = "pk, id, " + contentColumns + ", partial_entities, hash, sort_at, partial, raw"

func alertState(a *debrief.Alert, hash string) *state {
	u := nanos0(a.Updated)
	return &state{hash: hash, sortAt: u, updated: u, incidentID: a.IncidentID,
		tracked: tracked{string(a.Status), "", string(a.Verdict), string(a.Severity), a.Determination}}
}

// alert writes one full alert record.
func (w *writer) alert(a *debrief.Alert, p *alertPrep) error {
	hash := p.hash
	cur := w.alerts[a.ID]
	if cur == nil {
		return w.insertAlert(a, p, alertState(a, hash), nil)
	}
	if cur.hash == hash {
		w.res.AlertsUnchanged++
		return nil
	}
	if err := w.flush(); err != nil {
		return err
	}
	if cur.partial { // the first full record after partial ones
		w.res.AlertsUpdated++
		return w.replaceAlert(a, p, cur, alertState(a, hash))
	}
	seen, err := w.versionSeen(kindAlert, a.ID, hash)
	if err != nil || seen {
		w.res.AlertsUnchanged++
		return err
	}
	next := alertState(a, hash)
	same, err := w.sameRaw("alerts", a.ID, a.Raw)
	if err != nil {
		return err
	}
	if same { // the current version decoded anew
		if err := w.renormalised(kindAlert, a.ID, cur, next); err != nil {
			return err
		}
		w.res.AlertsRenormalised++
		return w.setAlert(a, p, cur, next)
	}
	if old, err := w.olderRaw(kindAlert, a.ID, a.Raw); err != nil || old != "" {
		if err == nil {
			err = w.renormalisedOlder(kindAlert, a.ID, old, next)
			w.res.AlertsRenormalised++
		}
		return err
	}
	newer, err := w.addVersion(kindAlert, a.ID, cur, next)
	if err == nil && newer && next.updated == cur.updated && len(a.Techniques) == 0 {
		newer, err = w.namesNoTechniques(a.ID) // see debrief.Store.Write
	}
	if err != nil {
		return err
	}
	if newer {
		err = w.replaceAlert(a, p, cur, next)
	} else {
		err = w.raw(kindAlert, a.ID, hash, a.Raw)
	}
	if err != nil {
		return err
	}
	w.res.AlertsUpdated++
	return w.rebuildHistory(kindAlert, a.ID)
}

// namesNoTechniques reports whether the stored alert id names no
// techniques.
func (w *writer) namesNoTechniques(id string) (bool, error) {
	st, err := w.st.get(w.ctx, `SELECT coalesce(json_array_length(technique_ids), 0) = 0 FROM alerts WHERE id = ?`)
	if err != nil {
		return false, err
	}
	var none bool
	if err := st.QueryRowContext(w.ctx, id).Scan(&none); err != nil {
		return false, fmt.Errorf("techniques of alert %s: %w", id, err)
	}
	return none, nil
}

// insertAlert queues a new alert row. A partial record's entities go to
// partial (and a.Entities is then ignored).
func (w *writer) insertAlert(a *debrief.Alert, p *alertPrep, next *state, partial []debrief.Entity) error {
	pk, err := w.nextAlertPK()
	if err != nil {
		return err
	}
	vals := p.vals
	vals[0] = pk
	isPartial, hash := int64(0), p.hash
	if next.partial {
		isPartial, hash = 1, ""
		vals[2+18] = nil // entities: a partial record's go to partial_entities
	}
	vals = append(vals, w.enc.Entities(partial), hash, next.sortAt, isPartial, rawValue(a.Raw))
	if err := w.alertRows.add(w.ctx, w.st, vals...); err != nil {
		return err
	}
	if a.IncidentID != "" {
		w.link(a.IncidentID, a.ID, linkByAlert)
	}
	w.name(a.IncidentID)
	w.newAlerts = append(w.newAlerts, a.ID)
	w.alerts[a.ID] = next
	w.res.AlertsNew++
	return nil
}

// replaceAlert makes a the current version of a stored alert. Entities that
// partial records merged in stay.
func (w *writer) replaceAlert(a *debrief.Alert, p *alertPrep, cur, next *state) error {
	if err := w.keepRaw("alerts", kindAlert, a.ID); err != nil {
		return err
	}
	return w.setAlert(a, p, cur, next)
}

// setAlert is replaceAlert without keeping the raw record of the version
// a replaces: for a version decoded anew from it.
func (w *writer) setAlert(a *debrief.Alert, p *alertPrep, cur, next *state) error {
	args := append(slices.Clip(p.content()), next.hash, next.sortAt, rawValue(a.Raw), a.ID)
	if _, err := w.exec(`UPDATE alerts SET (`+contentColumns+`, hash, sort_at, partial, raw) = (`+
		params(27)+`, ?, ?, 0, ?) WHERE id = ?`, args...); err != nil {
		return err
	}
	if cur.incidentID != "" && cur.incidentID != a.IncidentID {
		if err := w.unlink("", a.ID, linkByAlert, []string{a.IncidentID}); err != nil {
			return err
		}
	}
	if a.IncidentID != "" {
		w.link(a.IncidentID, a.ID, linkByAlert)
	}
	w.name(cur.incidentID)
	w.name(a.IncidentID)
	w.alerts[a.ID] = next
	return nil
}

// partial merges a partial alert record: its entities join the stored
// alert's, and its non-empty fields fill the stored alert's empty ones (a
// full record stays authoritative). An alert not stored yet is stored as far
// as the record goes, to be completed by its full record.
func (w *writer) partial(a *debrief.Alert, p *alertPrep) error {
	cur := w.alerts[a.ID]
	if cur == nil {
		return w.insertAlert(a, p, &state{partial: true, incidentID: a.IncidentID}, storecodec.UniqueEntities(a.Entities, nil))
	}
	if err := w.flush(); err != nil {
		return err
	}
	stored, err := w.storedAlert(a.ID)
	if err != nil {
		return err
	}
	filled := storecodec.Fill(&stored.Alert, a)
	added := storecodec.UniqueEntities(a.Entities, append(slices.Clip(stored.Entities), stored.partial...))
	if !filled && len(added) == 0 {
		w.res.AlertsUnchanged++
		return nil
	}
	merged := append(stored.partial, added...)
	args := w.enc.content(nil, &stored.Alert)
	if _, err := w.exec(`UPDATE alerts SET (`+contentColumns+`, partial_entities) = (`+params(28)+`) WHERE id = ?`,
		append(args, w.enc.Entities(merged), a.ID)...); err != nil {
		return err
	}
	if cur.incidentID == "" && a.IncidentID != "" {
		cur.incidentID = a.IncidentID
		w.link(a.IncidentID, a.ID, linkByAlert)
	}
	w.name(cur.incidentID)
	if err := w.raw(kindAlert, a.ID, p.hash, a.Raw); err != nil {
		return err
	}
	w.res.AlertsUpdated++
	return nil
}

// storedAlert reads an alert row within the transaction.
func (w *writer) storedAlert(id string) (*alertRow, error) {
	st, err := w.st.get(w.ctx, `SELECT `+alertSelect+` FROM alerts a WHERE a.id = ?`)
	if err != nil {
		return nil, err
	}
	r, err := scanAlert(st.QueryRowContext(w.ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("alert %s vanished", id)
	}
	return r, err
}
