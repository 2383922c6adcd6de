// Package debrief holds the domain of the debrief post-incident review tool:
// incidents, alerts and entities as the security products report them, the
// ATT&CK identifiers they carry, the history of changes a team made to an
// incident, and the errors that input can cause.
//
// The flow of the tool, and the packages that own each step:
//
//	vendor files ─► ingest/<vendor> decoders ─► ingest (normalise via attack, dedupe)
//	             ─► correlate (alerts without incidents) ─► sqlite | postgres store
//	             ─► coverage, attribution, trend, skill (pure analyses)
//	             ─► review ─► render/<format> ; playbook
//
// This package does no I/O and imports nothing outside the standard library,
// so every other package of the module can depend on it.
package debrief
