// Package sentinel decodes Microsoft Sentinel incidents and alerts in the
// three shapes teams export them:
//
//   - SecurityIncident table rows (Log Analytics query results or data
//     export to Event Hubs: a JSON array, NDJSON, {"records":[…]} or
//     {"value":[…]}). Sentinel writes one row per change of an incident, so
//     every row is yielded as a full incident whose Times.Updated is its
//     LastModifiedTime; the store keeps the latest and turns the others into
//     history. Dynamic columns (Owner, AlertIds, Labels, Comments,
//     AdditionalData) may be JSON or JSON text. The tactics and techniques
//     of AdditionalData (additionalData in the REST API), which Sentinel
//     sums up from the incident's alerts, become the incident's
//     OwnTactics and OwnTechniques: an incident exported without its
//     alerts keeps them.
//   - SecurityAlert table rows, whose Tactics are comma-separated text and
//     whose Techniques, SubTechniques, Entities and ExtendedProperties are
//     JSON text. Entities refer to each other with "$id" and "$ref".
//     The Type column tells the tables apart when rows of both are mixed.
//   - The SecurityInsights REST API (api-version 2024-03-01): an incident,
//     a list of incidents ({"value":[…],"nextLink":…}) and the response of
//     the incident alerts operation.
//
// The shapes are documented in Microsoft's "Azure Monitor Logs reference"
// for the SecurityIncident and SecurityAlert tables, the "Microsoft Sentinel
// entity types reference", and the SecurityInsights REST API reference
// (Incidents - Get, Incidents - List, Incidents - List Alerts).
//
// Ids are source-qualified: sentinel:<IncidentName> for incidents and
// sentinel:<SystemAlertId> for alerts; an incident's AlertIDs use the latter.
package sentinel
