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
// Correlated incidents have source "debrief" and an id derived from their
// first alert, so running correlation again over the same alerts gives the
// same incidents.
package correlate
