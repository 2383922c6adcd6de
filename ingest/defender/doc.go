// Package defender decodes incidents exported from the Microsoft Defender
// XDR (formerly Microsoft 365 Defender) incidents API, GET /api/incidents,
// as documented in Microsoft Learn's "List incidents API in Microsoft
// Defender XDR" page.
//
// It reads the API response ({"@odata.context":…,"value":[…]}), several
// responses one after another, a bare array of incidents, a single incident
// or NDJSON with one incident per line. Each incident becomes a
// debrief.Incident with its alerts nested; ids are qualified with
// debrief.SourceDefender so that the same incident read from Microsoft
// Graph merges with it.
//
// The API gives technique ids (mitreTechniques) without tactics; an alert's
// category (DefenseEvasion, Malware, SuspiciousActivity …) is kept as its
// Category, for the ingest run to judge.
package defender
