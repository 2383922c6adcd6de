// Package wazuh decodes Wazuh alerts, as described in the Wazuh
// documentation ("Alerts" in the user manual, and "Ruleset → MITRE ATT&CK"
// for the rule.mitre fields).
//
// Decode reads:
//
//   - the manager's alerts.json: one alert per line, or pretty-printed alerts
//     one after another;
//   - documents of the Wazuh indexer ({"_index","_id","_source":{…}}, also
//     as search responses with hits.hits);
//   - Logstash or Filebeat lines that wrap the alert in _source.
//
// Every alert becomes a lone debrief alert (Wazuh has no incidents; the
// correlate package groups alerts later).
//
// Id: the alert's own id ("1684752043.76892", seconds and the offset in the
// manager's alerts log) qualified by the agent id: "wazuh:003:1684752043.76892".
// The same alert read from alerts.json and from the indexer therefore
// merges; the indexer's document _id is used only when the alert has no id.
//
// Severity follows rule.level the way the Wazuh dashboard groups levels,
// with the lowest levels (0–3: ignored, low-priority notices, successful
// events) split off as informational: 0–3 informational, 4–6 low,
// 7–11 medium, 12–14 high, 15 critical.
//
// ATT&CK: rule.mitre.id lists technique ids and rule.mitre.technique their
// names in the same order; rule.mitre.tactic is the union of the tactics of
// all the ids and cannot be paired with them by position, so tactics go on
// the alert only, never on a technique.
//
// Times: created is the alert's timestamp (with its +0000 / -0300 offset),
// else its @timestamp. Wazuh records no activity window and no status.
package wazuh
