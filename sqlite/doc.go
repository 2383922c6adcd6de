// Package sqlite is debrief's embedded store: a debrief.Store in one SQLite
// file, through the pure-Go modernc.org/sqlite driver (no cgo).
//
// Open creates the file and its directories, turns on write-ahead logging
// (readers never block the writer; synchronous=NORMAL), a busy timeout and
// BEGIN IMMEDIATE for writes, and applies the embedded migrations
// (migrations/*.sql, recorded in schema_migrations, each in a transaction).
// ":memory:" opens a private in-memory store on a single connection.
//
// # Schema
//
// migrations/0001_init.sql documents every table. In short: incidents and
// alerts hold the current version of each record; an alert's techniques and
// entities are JSON columns of its row (a row per technique and entity would
// cost more than the alert itself to insert; the views alert_techniques,
// alert_entities and entities give them as tables); incident_alerts links
// incidents and alerts from either side, whichever arrives first; versions
// keeps the tracked state of every distinct version; history holds the
// changes the source reported and those derived from the versions;
// comments and incident_tags hang off incidents. The source bytes of the
// current version are in the incident's or alert's row, those of every other
// version in raw_records. Times are unix nanoseconds in UTC (NULL,
// or 0 in keys, for unknown), and come back as UTC time.Time values equal
// to what was written.
//
// # Writes
//
// One Write is one transaction: all its records or, on any error or a
// cancelled context, none (a process killed half-way leaves the last
// committed state: that is what SQLite's WAL guarantees). A record's content
// hash (every field but the raw bytes) decides what it is:
//
//   - new: stored.
//   - the current version, or any version seen before: unchanged, nothing
//     is written.
//   - the current version decoded anew (its raw bytes are the stored
//     current version's, its content differs: a newer debrief decodes
//     more): the current row and its versions row, if any, take the new
//     content and hash in place; no version, raw copy or history is added.
//     It counts as renormalised.
//   - an older version decoded anew (its raw bytes are those kept in
//     raw_records for a stored version): that version's versions and
//     raw_records rows take the new hash and state, and the derived
//     history is rebuilt; nothing is added. It counts as renormalised.
//   - another version: kept in versions. It becomes the current state when
//     its Updated time is not before the current version's (a version
//     without one follows the current), otherwise it only adds history. The
//     derived history of the incident or alert is rebuilt from all its
//     versions in time order, so versions may arrive in any order: each
//     change of status, assignee, verdict, severity or determination is
//     dated by the Updated time of the version that made it and attributed
//     to that version's assignee. Either way it counts as updated.
//
// An incident's tags and alert links follow its current version; comments
// and the source's own history are the union over all versions. A partial
// alert record (Record.Partial) adds the entities the stored alert lacks
// and fills its empty fields; the full record stays authoritative for the
// fields, and entities merged from partial records survive a newer full
// version. An alert that only partial records made is stored as far as
// they go and is left out of UnassignedAlerts until its full record arrives.
//
// A placeholder incident (debrief.Incident.Placeholder) is marked by its
// hash, "placeholder:" and the content hash, so the mark needs no column.
// It is written only where no incident with its id is stored, over an older
// placeholder in place, with no versions, history or alert links (its
// alerts are those that name it); the incident's own record takes its row
// whole, as a new incident. A Write whose alerts name a placeholder sets
// its hash to "placeholder:" alone, so that OrphanAlerts lists its alerts
// for it to be built again; so is a placeholder stored that lacks an alert
// naming it (one written after its alerts were read).
//
// Writes are batched: new alerts go in multi-row INSERTs, and validation,
// hashing and JSON encoding run on a second goroutine ahead of SQLite; WAL
// checkpoints run on a connection of their own. BenchmarkWrite measures the
// rate.
//
// # Mirroring in another database
//
// The SQL is plain where it can be (ON CONFLICT … DO UPDATE/NOTHING,
// row-value UPDATE, integer bit operations). What is SQLite's own: lists of
// ids are bound as one JSON array and expanded with json_each (= ANY($1)
// elsewhere); the views use json_each and ->>; filters use instr on JSON
// array columns; ORDER BY created DESC relies on NULLs sorting last (NULLS
// LAST elsewhere); LIMIT -1 means no limit.
package sqlite
