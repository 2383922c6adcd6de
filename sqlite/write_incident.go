package sqlite

import (
	"fmt"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/storecodec"
)

const incidentColumns = "id, source, source_id, title, description, severity, status, verdict, determination, " +
	"assignee, redirect_to, url, first_activity, first_alert, created, first_triage, contained, resolved, " +
	"last_activity, updated, own_techniques, own_tactics, hash, sort_at, raw"

// incidentColumnCount is the number of incidentColumns.
const incidentColumnCount = 25

func incidentValues(in *debrief.Incident, hash string, sortAt int64) []any {
	t := in.Times
	return []any{in.ID, string(in.Source), in.SourceID, text(in.Title), text(in.Description),
		text(string(in.Severity)), text(string(in.Status)), text(string(in.Verdict)), text(in.Determination),
		text(in.Assignee), text(in.RedirectTo), text(in.URL), nanos(t.FirstActivity), nanos(t.FirstAlert),
		nanos(t.Created), nanos(t.FirstTriage), nanos(t.Contained), nanos(t.Resolved), nanos(t.LastActivity),
		nanos(t.Updated), stringList(strs(in.OwnTechniques)), stringList(in.OwnTactics), hash, sortAt, rawValue(in.Raw)}
}

func incidentTracked(in *debrief.Incident) tracked {
	return tracked{string(in.Status), in.Assignee, string(in.Verdict), string(in.Severity), in.Determination}
}

// incident writes one incident (not its nested alerts).
func (w *writer) incident(in *debrief.Incident, hash string) error {
	if in.Placeholder {
		return w.placeholder(in, hash)
	}
	cur := w.inc[in.ID]
	if cur != nil && isPlaceholder(cur.hash) {
		return w.replacePlaceholder(in, hash)
	}
	if cur != nil && cur.hash == hash {
		w.res.IncidentsUnchanged++
		return nil
	}
	if cur == nil {
		sortAt := nanos0(in.Times.Updated)
		if _, err := w.exec(`INSERT INTO incidents (`+incidentColumns+`) VALUES (`+params(incidentColumnCount)+`)`,
			incidentValues(in, hash, sortAt)...); err != nil {
			return err
		}
		if err := w.incidentParts(in, true, true); err != nil {
			return err
		}
		w.inc[in.ID] = &state{hash: hash, sortAt: sortAt, updated: nanos0(in.Times.Updated), tracked: incidentTracked(in)}
		w.res.IncidentsNew++
		return nil
	}
	if err := w.flush(); err != nil {
		return err
	}
	seen, err := w.versionSeen(kindIncident, in.ID, hash)
	if err != nil || seen {
		w.res.IncidentsUnchanged++
		return err
	}
	next := &state{hash: hash, updated: nanos0(in.Times.Updated), tracked: incidentTracked(in)}
	same, err := w.sameRaw("incidents", in.ID, in.Raw)
	if err != nil {
		return err
	}
	if same {
		return w.renormaliseIncident(in, cur, next)
	}
	if old, err := w.olderRaw(kindIncident, in.ID, in.Raw); err != nil || old != "" {
		if err == nil {
			err = w.renormaliseOlderIncident(in, old, next)
		}
		return err
	}
	newer, err := w.addVersion(kindIncident, in.ID, cur, next)
	if err != nil {
		return err
	}
	if newer {
		if err := w.keepRaw("incidents", kindIncident, in.ID); err != nil {
			return err
		}
		if _, err := w.exec(`UPDATE incidents SET (`+incidentColumns+`) = (`+params(incidentColumnCount)+`) WHERE id = ?`,
			append(incidentValues(in, hash, next.sortAt), in.ID)...); err != nil {
			return err
		}
		w.inc[in.ID] = next
	} else if err := w.raw(kindIncident, in.ID, hash, in.Raw); err != nil {
		return err
	}
	if err := w.incidentParts(in, newer, false); err != nil {
		return err
	}
	if err := w.rebuildHistory(kindIncident, in.ID); err != nil {
		return err
	}
	w.res.IncidentsUpdated++
	return nil
}

// renormaliseIncident replaces the content of the current version of a
// stored incident in place with in, whose raw record is the current
// version's: it adds no version, no raw copy and no history.
func (w *writer) renormaliseIncident(in *debrief.Incident, cur, next *state) error {
	if err := w.renormalised(kindIncident, in.ID, cur, next); err != nil {
		return err
	}
	if _, err := w.exec(`UPDATE incidents SET (`+incidentColumns+`) = (`+params(incidentColumnCount)+`) WHERE id = ?`,
		append(incidentValues(in, next.hash, next.sortAt), in.ID)...); err != nil {
		return err
	}
	if err := w.incidentParts(in, true, false); err != nil {
		return err
	}
	w.inc[in.ID] = next
	w.res.IncidentsRenormalised++
	return nil
}

// renormaliseOlderIncident writes in, an older version of a stored
// incident decoded anew from the raw record of its version with hash old
// (see renormalisedOlder): the current row stays; its comments and the
// changes it reports are kept, as an older version's are.
func (w *writer) renormaliseOlderIncident(in *debrief.Incident, old string, next *state) error {
	if err := w.renormalisedOlder(kindIncident, in.ID, old, next); err != nil {
		return err
	}
	if err := w.incidentParts(in, false, false); err != nil {
		return err
	}
	w.res.IncidentsRenormalised++
	return nil
}

// placeholder writes a placeholder incident: where no incident with its id
// is stored, or over an older placeholder, in place. It keeps no versions
// and no history, and links no alerts: its alerts are those that name it.
func (w *writer) placeholder(in *debrief.Incident, hash string) error {
	cur := w.inc[in.ID]
	if cur != nil && (cur.hash == hash || !isPlaceholder(cur.hash)) {
		w.res.IncidentsUnchanged++
		return nil
	}
	covers, err := w.covers(in)
	if err != nil {
		return err
	}
	if !covers {
		hash = placeholderHash
	}
	if cur == nil {
		if _, err := w.exec(`INSERT INTO incidents (`+incidentColumns+`) VALUES (`+params(incidentColumnCount)+`)`,
			incidentValues(in, hash, nanos0(in.Times.Updated))...); err != nil {
			return err
		}
		w.res.IncidentsNew++
	} else {
		if _, err := w.exec(`UPDATE incidents SET (`+incidentColumns+`) = (`+params(incidentColumnCount)+`) WHERE id = ?`,
			append(incidentValues(in, hash, nanos0(in.Times.Updated)), in.ID)...); err != nil {
			return err
		}
		w.res.IncidentsUpdated++
	}
	w.inc[in.ID] = &state{hash: hash, sortAt: nanos0(in.Times.Updated), updated: nanos0(in.Times.Updated),
		tracked: incidentTracked(in)}
	return nil
}

// covers reports whether placeholder in lists every alert that names it
// (but those only partial records made). One that does not (an alert came
// after its alerts were read) is stored marked changed, for OrphanAlerts to
// list its alerts again.
func (w *writer) covers(in *debrief.Incident) (bool, error) {
	if err := w.flush(); err != nil {
		return false, err
	}
	st, err := w.st.get(w.ctx, `SELECT count(*) FROM incident_alerts ia JOIN alerts a ON a.id = ia.alert_id
		WHERE ia.incident_id = ? AND ia.origin & ? <> 0 AND a.partial = 0
		AND ia.alert_id NOT IN (SELECT value FROM json_each(?))`)
	if err != nil {
		return false, err
	}
	var missing int
	if err := st.QueryRowContext(w.ctx, in.ID, linkByAlert, w.enc.Strings(in.AlertIDs)).Scan(&missing); err != nil {
		return false, fmt.Errorf("alerts of placeholder: %w", err)
	}
	return missing == 0, nil
}

// replacePlaceholder writes the first record of an incident that a
// placeholder stands for: it takes the placeholder's row whole, and counts
// as new. The placeholder was no version of it, so no history is derived
// from it.
func (w *writer) replacePlaceholder(in *debrief.Incident, hash string) error {
	sortAt := nanos0(in.Times.Updated)
	if _, err := w.exec(`UPDATE incidents SET (`+incidentColumns+`) = (`+params(incidentColumnCount)+`) WHERE id = ?`,
		append(incidentValues(in, hash, sortAt), in.ID)...); err != nil {
		return err
	}
	if err := w.incidentParts(in, true, false); err != nil {
		return err
	}
	w.inc[in.ID] = &state{hash: hash, sortAt: sortAt, updated: nanos0(in.Times.Updated), tracked: incidentTracked(in)}
	w.res.IncidentsNew++
	return nil
}

// incidentParts writes what hangs off an incident row. current says whether
// in is (now) the current version: then its tags replace the stored ones
// and its alert links replace the ones the incident made before; fresh says
// that there is nothing stored to replace. Comments and source history of
// every version are kept.
func (w *writer) incidentParts(in *debrief.Incident, current, fresh bool) error {
	ids := storecodec.IncidentAlertIDs(in)
	if current && !fresh {
		if _, err := w.exec(`DELETE FROM incident_tags WHERE incident_id = ?`, in.ID); err != nil {
			return err
		}
		if err := w.unlink(in.ID, "", linkByIncident, ids); err != nil {
			return err
		}
	}
	if current {
		seen := make(map[string]bool, len(in.Tags))
		for _, tag := range in.Tags {
			if seen[tag] {
				continue
			}
			if _, err := w.exec(`INSERT INTO incident_tags (incident_id, ord, tag) VALUES (?, ?, ?)`,
				in.ID, len(seen), tag); err != nil {
				return err
			}
			seen[tag] = true
		}
	}
	for _, id := range ids {
		w.link(in.ID, id, linkByIncident)
	}
	for _, c := range in.Comments {
		if _, err := w.exec(`INSERT INTO comments (incident_id, at, author, body) VALUES (?, ?, ?, ?)
			ON CONFLICT DO NOTHING`, in.ID, nanos0(c.At), c.Author, c.Text); err != nil {
			return err
		}
	}
	for _, c := range in.History {
		if _, err := w.exec(`INSERT INTO history (kind, subject_id, at, field, from_value, to_value, changed_by, origin)
			VALUES (?, ?, ?, ?, ?, ?, ?, 'source') ON CONFLICT DO NOTHING`,
			kindIncident, in.ID, nanos0(c.At), c.Field, c.From, c.To, c.By); err != nil {
			return err
		}
	}
	return nil
}

// unlink withdraws origin from the links of incidentID (or, with
// incidentID "", of alertID) except those to keep, and drops links nobody
// makes any more. Queued links are flushed first.
func (w *writer) unlink(incidentID, alertID string, origin int, keep []string) error {
	if len(w.links) > 0 {
		if err := w.flush(); err != nil {
			return err
		}
	}
	col, id := "incident_id", incidentID
	other := "alert_id"
	if incidentID == "" {
		col, id, other = "alert_id", alertID, "incident_id"
	}
	keepList := w.enc.Strings(keep)
	if keepList == nil {
		keepList = "[]"
	}
	if _, err := w.exec(`UPDATE incident_alerts SET origin = origin & ~? WHERE `+col+` = ? AND origin & ? <> 0
		AND `+other+` NOT IN (SELECT value FROM json_each(?))`, origin, id, origin, keepList); err != nil {
		return err
	}
	_, err := w.exec(`DELETE FROM incident_alerts WHERE `+col+` = ? AND origin = 0`, id)
	return err
}

// params is n comma-separated placeholders.
func params(n int) string {
	b := make([]byte, 0, 3*n)
	for i := range n {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '?')
	}
	return string(b)
}
