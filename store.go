package debrief

import (
	"context"
	"time"
)

// WriteResult counts what a Store.Write did.
//
// IncidentsRenormalised and AlertsRenormalised count the records whose raw
// bytes are those of a stored version but whose decoded content differs (a
// newer debrief decodes more from the same source record): that version
// takes the new content in place, with no new version and no copy of its
// raw record; the current version's decoding adds no history, an older
// one's rebuilds the derived history.
type WriteResult struct {
	IncidentsNew          int `json:"incidents_new"`
	IncidentsUpdated      int `json:"incidents_updated"`
	IncidentsUnchanged    int `json:"incidents_unchanged"`
	IncidentsRenormalised int `json:"incidents_renormalised"`
	AlertsNew             int `json:"alerts_new"`
	AlertsUpdated         int `json:"alerts_updated"`
	AlertsUnchanged       int `json:"alerts_unchanged"`
	AlertsRenormalised    int `json:"alerts_renormalised"`
}

// Add sums two results.
func (r *WriteResult) Add(o WriteResult) {
	r.IncidentsNew += o.IncidentsNew
	r.IncidentsUpdated += o.IncidentsUpdated
	r.IncidentsUnchanged += o.IncidentsUnchanged
	r.IncidentsRenormalised += o.IncidentsRenormalised
	r.AlertsNew += o.AlertsNew
	r.AlertsUpdated += o.AlertsUpdated
	r.AlertsUnchanged += o.AlertsUnchanged
	r.AlertsRenormalised += o.AlertsRenormalised
}

// IncidentFilter selects incidents. Zero fields do not filter.
type IncidentFilter struct {
	Since     time.Time   // created at or after
	Until     time.Time   // created before
	Severity  []Severity  // any of
	Status    []Status    // any of
	Verdict   []Verdict   // any of
	Source    []Source    // any of, as the incident's source or one of its alerts'
	Technique TechniqueID // an alert carries it, or a sub-technique of it
	Tactic    string      // an alert carries this tactic shortname
	Limit     int         // 0: no limit
	Offset    int
	// After, when set, lists only the incidents that come after this
	// place in the list's order (keyset paging: a page does not shift when
	// incidents are written meanwhile, and a deep page costs what the
	// first does). Offset then must be 0.
	After *IncidentKey
}

// IncidentKey is an incident's place in the incident list, whose order is
// newest created first, then ID descending, with incidents that have no
// created time last (by ID descending).
type IncidentKey struct {
	Created time.Time // zero: the incident has no created time
	ID      string
}

// KeyOf returns in's place in the incident list.
func KeyOf(in *Incident) IncidentKey { return IncidentKey{Created: in.Times.Created, ID: in.ID} }

// Store keeps incidents, alerts, their history and raw records. The sqlite
// and postgres packages implement it; storetest checks both behave alike.
//
// Writes are idempotent: writing the same record twice changes nothing, and a
// newer version of a record (a later Updated time) replaces the stored one
// and adds the differences to the history. A record whose raw bytes are
// those of a stored version is that version decoded anew: its content
// replaces that version's in place, adding no version and no raw copy
// (WriteResult.IncidentsRenormalised, AlertsRenormalised). An older version never replaces a
// newer one, but its state changes still enter the history. Of two versions of
// an alert from the same time (or both without one) the later written
// replaces the other, unless it names no techniques and the other does: the
// streaming API repeats an alert's AlertInfo row with AttackTechniques empty.
// Placeholder incidents follow rules of their own (see Incident.Placeholder):
// writing one again with the same content changes nothing, with other
// content replaces it in place, and an incident record with the same id
// replaces it and counts as new.
//
// A source's own incident outranks debrief's correlation: when a Write
// links an alert to an incident of a source (by the incident's AlertIDs or
// nested alerts, or by the alert's IncidentID), the alert leaves the
// incidents correlation made (source debrief), whichever arrived first. A
// correlated incident so left with no alerts is deleted, with its tags,
// comments, versions, history and raw records (not its playbook runs); one
// left with some keeps its own fields (title, severity, times) as
// correlation made them, and lists, and counts the techniques and tactics
// of, the alerts it still holds.
type Store interface {
	// Write stores a batch of records in one transaction.
	Write(ctx context.Context, recs []Record) (WriteResult, error)
	// Incidents lists incidents (without alerts) matching f, newest first.
	Incidents(ctx context.Context, f IncidentFilter) ([]Incident, error)
	// Incident returns one incident with its alerts and history, or an
	// *Error with code ENOTFOUND.
	Incident(ctx context.Context, id string) (*Incident, error)
	// Alert returns one alert, or an *Error with code ENOTFOUND.
	Alert(ctx context.Context, id string) (*Alert, error)
	// UnassignedAlerts streams alerts that belong to no incident, oldest first.
	UnassignedAlerts(ctx context.Context, fn func(Alert) error) error
	// OrphanAlerts streams the alerts that name an incident
	// (Alert.IncidentID) the store lacks, or holds as a placeholder
	// (Incident.Placeholder) that an alert naming it has changed since it
	// was written: every alert that names such an incident, grouped by
	// incident (in id order) and oldest first within it. Alerts that only
	// partial records made are left out. Like UnassignedAlerts it reads a
	// page at a time and fn may use the store.
	OrphanAlerts(ctx context.Context, fn func(Alert) error) error
	// Assign links alerts to an incident (used by correlation).
	Assign(ctx context.Context, incidentID string, alertIDs []string) error
	// Close releases the store.
	Close() error
}
