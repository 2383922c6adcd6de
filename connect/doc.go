// Package connect fetches incidents and alerts from live sources (the APIs
// of Microsoft Graph, Defender XDR, Sentinel and Elasticsearch) into the
// store, incrementally and through the faults of real APIs.
//
// A source package (connect/graph, …) describes its API as one or more
// Feeds: paged collections whose pages the ingest decoders read. Pull
// walks a feed from its checkpoint: it fetches a page with a Client
// (timeouts, retries of 5xx and of broken or malformed pages, 429 and
// Retry-After with jittered backoff, a fresh token after a 401), stores
// the page's records through a Sink (normalised against ATT&CK, one store
// transaction per page), and only then advances the checkpoint. A run
// killed at any moment therefore resumes without losing records, and the
// store's idempotent writes absorb the records a resumed or overlapping
// page serves again.
package connect
