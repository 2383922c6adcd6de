package postgres

import (
	"fmt"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/storecodec"
	"github.com/jackc/pgx/v5"
)

const incidentColumns = "id, source, source_id, title, description, severity, status, verdict, determination, " +
	"assignee, redirect_to, url, first_activity, first_alert, created, first_triage, contained, resolved, " +
	"last_activity, updated, own_techniques, own_tactics, hash, sort_at, raw"

func incidentValues(in *debrief.Incident, hash string, sortAt int64) []any {
	t := in.Times
	return []any{in.ID, string(in.Source), in.SourceID, text(in.Title), text(in.Description),
		text(string(in.Severity)), text(string(in.Status)), text(string(in.Verdict)), text(in.Determination),
		text(in.Assignee), text(in.RedirectTo), text(in.URL), nanos(t.FirstActivity), nanos(t.FirstAlert),
		nanos(t.Created), nanos(t.FirstTriage), nanos(t.Contained), nanos(t.Resolved), nanos(t.LastActivity),
		nanos(t.Updated), jsonList(strs(in.OwnTechniques)), jsonList(in.OwnTactics), hash, sortAt, rawValue(in.Raw)}
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
		if sum, ok := w.summaries[in.ID]; ok { // WriteGrouped's, computed before
			if err := w.exec(`INSERT INTO incidents (tenant, `+incidentColumns+`, alert_ids, technique_ids, tactics)
				VALUES ($1, `+params(2, 28)+`)`, append(incidentValues(in, hash, sortAt),
				sum.alertIDs, sum.techniques, sum.tactics)...); err != nil {
				return err
			}
		} else if err := w.exec(`INSERT INTO incidents (tenant, `+incidentColumns+`) VALUES ($1, `+params(2, 25)+`)`,
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
		if err := w.exec(`UPDATE incidents SET (`+incidentColumns+`) = (`+params(2, 25)+`) WHERE tenant = $1 AND id = $27`,
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
	if err := w.exec(`UPDATE incidents SET (`+incidentColumns+`) = (`+params(2, 25)+`) WHERE tenant = $1 AND id = $27`,
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
		if err := w.exec(`INSERT INTO incidents (tenant, `+incidentColumns+`) VALUES ($1, `+params(2, 25)+`)`,
			incidentValues(in, hash, nanos0(in.Times.Updated))...); err != nil {
			return err
		}
		w.res.IncidentsNew++
	} else {
		if err := w.exec(`UPDATE incidents SET (`+incidentColumns+`) = (`+params(2, 25)+`) WHERE tenant = $1 AND id = $27`,
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
	ids := in.AlertIDs
	if ids == nil {
		ids = []string{} // <> ALL (NULL) would match nothing
	}
	var missing int
	err := w.sendAndRead([]read{{query: `SELECT count(*) FROM incident_alerts ia JOIN alerts a
		ON a.tenant = ia.tenant AND a.id = ia.alert_id WHERE ia.tenant = $1 AND ia.incident_id = $2
		AND ia.origin & $3::int <> 0 AND NOT a.partial AND ia.alert_id <> ALL ($4::text[])`,
		args: []any{in.ID, linkByAlert, ids}}}, func(br pgx.BatchResults) error { return br.QueryRow().Scan(&missing) })
	if err != nil {
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
	if err := w.exec(`UPDATE incidents SET (`+incidentColumns+`) = (`+params(2, 25)+`) WHERE tenant = $1 AND id = $27`,
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
		if err := w.exec(`DELETE FROM incident_tags WHERE tenant = $1 AND incident_id = $2`, in.ID); err != nil {
			return err
		}
		if err := w.unlink(in.ID, "", linkByIncident, ids); err != nil {
			return err
		}
	}
	if current && len(in.Tags) > 0 {
		// One statement for all tags: its trigger copies them to the
		// incident's row once (migration 0010).
		seen := make(map[string]bool, len(in.Tags))
		var tags []string
		for _, tag := range in.Tags {
			if !seen[tag] {
				seen[tag] = true
				tags = append(tags, noNUL(tag)) // noNULs cleans only plain string arguments
			}
		}
		if err := w.exec(`INSERT INTO incident_tags (tenant, incident_id, ord, tag)
			SELECT $1, $2, t.ord - 1, t.tag FROM unnest($3::text[]) WITH ORDINALITY t (tag, ord)`, in.ID, tags); err != nil {
			return err
		}
	}
	for _, id := range ids {
		w.link(in.ID, id, linkByIncident)
	}
	for _, c := range in.Comments {
		if err := w.exec(`INSERT INTO comments (tenant, incident_id, at, author, body) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT DO NOTHING`, in.ID, nanos0(c.At), c.Author, c.Text); err != nil {
			return err
		}
	}
	for _, c := range in.History {
		if err := w.exec(`INSERT INTO history (tenant, kind, subject_id, at, field, from_value, to_value, changed_by,
			origin) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'source') ON CONFLICT DO NOTHING`,
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
	if keep == nil {
		keep = []string{} // <> ALL (NULL) would match nothing
	}
	if err := w.exec(`UPDATE incident_alerts SET origin = origin & ~$2::int WHERE tenant = $1 AND `+col+` = $3
		AND origin & $2::int <> 0 AND `+other+` <> ALL ($4::text[])`, origin, id, keep); err != nil {
		return err
	}
	err := w.exec(`DELETE FROM incident_alerts WHERE tenant = $1 AND `+col+` = $2 AND origin = 0`, id)
	return err
}
