// Package correlate groups alerts that arrive without an incident (Elastic,
// Wazuh, OCSF, Defender advanced hunting) into incidents.
//
// The rule: alerts are taken in time order. An alert joins a group when it
// shares a linking entity with it — the same device, user, mailbox, IP
// address or file (by hash) — and it was created within Window of the
// group's latest alert. An alert that links to several groups merges them.
// A group whose latest alert is older than Window is closed and becomes an
// incident; a group also closes when it reaches MaxAlerts, so one busy
// server cannot swallow a month of alerts.
//
// The rule holds across runs: alerts that arrive in two ingests (two pulls,
// two stream intervals) join the incidents earlier runs made as they would
// have joined them in one run. Before its first alert, a run is seeded
// (Seed) with the correlated incidents still open to it: those whose
// latest alert is within Window of the run's earliest alert, and whose
// first alert is within Span of it (7 × Window by default, so that a run
// reads back only so far). Such an incident keeps its id and, when it gains
// alerts, is written again as a newer version of itself; one that gains
// none is not written. Two incidents of earlier runs are never merged: an
// alert that links to both joins the older (by created time) only, and
// each keeps its alerts. A new group that such an alert links to merges
// into that older incident.
//
// Correlated incidents have source "debrief" and an id derived from their
// first alert, so running correlation again over the same alerts gives the
// same incidents.
package correlate
