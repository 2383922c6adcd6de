// Package defender pulls incidents from the Microsoft Defender XDR
// incidents API (GET /api/incidents), for tenants that still use it
// rather than Microsoft Graph: incidents with their alerts, filtered by
// lastUpdateTime from the checkpoint and paged by $top (at most 100) and
// $skip. Pages are read by the ingest/defender decoder.
//
// The API's quotas (50 calls a minute, 1,500 an hour) answer with 429
// and Retry-After, which connect.Client waits out.
package defender
