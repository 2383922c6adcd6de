package debrief

import "context"

// ScanOptions says what ScanIncidents loads with each incident.
type ScanOptions struct {
	Alerts  bool // the incident's alerts, as Store.Incident returns them
	History bool // the incident's change history
	// Lean reads only what grouping incidents into campaigns needs, which
	// over a large history is several times cheaper: the incident's ID,
	// creation time, Verdict and Techniques, and with Alerts each alert's
	// ID, creation time, technique ids (Technique.ID only), ThreatNames
	// and Entities. Every other field is left zero; History is ignored.
	Lean bool
}

// IncidentScanner streams many incidents with their alerts and history in a
// few queries, for analyses over a whole history (campaign clustering, skill
// gaps) that would otherwise call Store.Incident once per incident. Stores
// implement it next to Store; callers get it by type assertion and fall back
// to Store.Incidents plus Store.Incident when it is missing.
type IncidentScanner interface {
	// ScanIncidents calls fn for each incident matching f, newest first
	// (the order of Store.Incidents), loaded as opt says. fn must not keep
	// the pointer after it returns. An error from fn stops the scan and is
	// returned.
	ScanIncidents(ctx context.Context, f IncidentFilter, opt ScanOptions, fn func(*Incident) error) error
}
