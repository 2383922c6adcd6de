// Package graph decodes Microsoft Graph security API v1.0 exports of
// Microsoft Defender XDR incidents and alerts, as documented in the
// Microsoft Graph reference pages "incident resource type", "alert resource
// type" (microsoft.graph.security.alert, the alerts_v2 collection) and
// "alertEvidence resource type".
//
// It reads GET /security/incidents?$expand=alerts responses (each incident
// becomes a debrief.Incident with its alerts nested), GET
// /security/alerts_v2 responses (each alert becomes a lone debrief.Alert
// whose IncidentID is the alert's incidentId) and single incident or alert
// objects. Pages that followed @odata.nextLink may be concatenated, one per
// line or one after another.
//
// Ids are qualified with debrief.SourceDefender: Graph serves the same
// Defender XDR incidents and alerts as the incidents API, so both exports
// of one incident merge. Evidence (evidence[], told apart by @odata.type)
// becomes entities; a type debrief has no kind for becomes an
// EntityOther carrying the type name, never an error.
package graph
