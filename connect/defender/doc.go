// Package defender pulls incidents from the Microsoft Defender XDR
// incidents API (GET /api/incidents), for tenants that still use it
// rather than Microsoft Graph: incidents with their alerts, filtered by
// lastUpdateTime from the checkpoint and paged by $top (at most 100) and
// $skip. Pages are read by the ingest/defender decoder.
//
// The API offers no ordering and no skip token, and an offset moves when
// incidents change under it. A run therefore lists only the incidents
// changed before it began, and each page repeats the last few incidents
// of the page before: if none of them is there, incidents left the
// listing and the feed steps back until it finds them, so none is missed.
//
// The API's quotas (50 calls a minute, 1,500 an hour) answer with 429
// and Retry-After, which connect.Client waits out.
package defender
