// Package graph pulls incidents and alerts from the Microsoft Graph
// security API v1.0: /security/incidents with $expand=alerts and
// /security/alerts_v2, filtered by lastUpdateDateTime from the checkpoint
// and paged by @odata.nextLink. Pages are read by the ingest/graph
// decoder.
package graph
