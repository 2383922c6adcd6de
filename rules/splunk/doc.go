// Package splunk decodes Splunk security_content detections (YAML) to
// debrief.Rule: tags.mitre_attack_id (techniques only; tactics come from
// ATT&CK), status (deprecated rules are marked) and data_source as log
// sources.
package splunk
