// Package auto loads detection content of any corpus debrief reads,
// choosing the decoder of each file by its extension and content: TOML is
// Elastic, JSON a Navigator layer, and YAML Sentinel (relevantTechniques,
// requiredDataConnectors, queryFrequency, or a name without a title or
// logsource), Splunk (mitre_attack_id, or a search with how_to_implement)
// or else Sigma.
package auto
