// Package elastic decodes Elastic detection-rules TOML files
// (elastic/detection-rules) to debrief.Rule: the [[rule.threat]] blocks
// with their tactic, techniques and nested sub-techniques, the rule's
// severity, maturity (deprecated rules are marked), building-block rules,
// and its integrations and index patterns as log sources.
package elastic
