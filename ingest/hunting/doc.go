// Package hunting decodes the alert tables of Microsoft Defender XDR
// advanced hunting: AlertInfo (one row per alert) and AlertEvidence (one row
// per entity of an alert), as the advanced hunting API and Graph
// runHuntingQuery return them, or as the Defender XDR streaming API delivers
// them through Event Hubs ({"records":[{"category":"AdvancedHunting-AlertInfo",
// "properties":{…row…}}]}, or one such record per line).
//
// The tables are documented in Microsoft's Defender XDR documentation under
// "AlertInfo table in the advanced hunting schema" and "AlertEvidence table
// in the advanced hunting schema"; the envelope under "Stream Microsoft
// Defender XDR events to Azure Event Hubs".
//
// An AlertInfo row becomes a full alert (source defender, id
// defender:<AlertId>, the same ids as the Defender incidents API and Graph).
// An AlertEvidence row becomes a partial alert (debrief.Record.Partial) that
// carries only the alert id, the row's entity and its threat family; the
// store merges it into the alert with the same id, whichever comes first.
// Rows of other tables in the same stream are skipped.
//
// AttackTechniques is JSON text inside JSON: an array of strings such as
// "Cloud Accounts (T1078.004)"; the names and ids are both kept.
package hunting
