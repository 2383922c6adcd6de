// Package sigma decodes Sigma rules (SigmaHQ's YAML layout) to
// debrief.Rule: the technique tags attack.tNNNN[.NNN], the tactic tags in
// hyphen and underscore forms, status, level and logsource. Group,
// software, CVE and other tags are ignored.
//
// Most rule files are written in the plain subset of YAML that SigmaHQ's
// linter enforces; Decode reads the few top-level keys it needs from
// those with a line scanner and hands anything else (flow lists, quoted
// strings with escapes, anchors, legacy multi-document files) to a full
// YAML parser, so both give the same rule.
package sigma
