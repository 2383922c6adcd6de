// Package elastic pulls Elastic Security detection alerts from an
// Elasticsearch alerts index (.alerts-security.alerts-* by default) with
// a point in time (PIT) and search_after paging, sorted by @timestamp and
// _shard_doc, and filtered to the alerts created, detected again or
// changed in status at or after the checkpoint. Pages (search responses)
// are read by the ingest/elastic decoder.
//
// The cursor is JSON holding the PIT id and the sort values of the last
// hit. A PIT that expired while the run was stopped or stalled (HTTP 404)
// makes the run start again from its since with a new PIT: nothing is
// lost, and the store absorbs the repeats.
package elastic
