// Package ocsf decodes findings in the Open Cybersecurity Schema Framework
// (OCSF, schema.ocsf.io): the Detection Finding class (class_uid 2004, OCSF
// 1.1 and later) and its predecessor Security Finding (class_uid 2001, OCSF
// 1.0), as one object, an array, NDJSON or an {"events":[…]} envelope.
//
// Every finding becomes a lone alert from debrief.SourceOCSF; its id is
// finding_info.uid (finding.uid for Security Findings), else metadata.uid.
// Product is metadata.product: vendor and name ("Amazon GuardDuty").
//
// ATT&CK: each element of finding_info.attacks (and the top-level attacks of
// Security Findings) pairs a technique and a sub-technique with a tactic, or
// with the tactics[] list of OCSF 1.0; the tactic names go on the technique
// and on the alert.
//
// Enumerations: severity_id 1–5 map to informational … critical, 6 (Fatal)
// to critical, 0 and 99 fall back to the severity text. status_id (state_id
// for Security Findings) 1 New → new, 2 In Progress → in_progress,
// 3 Suppressed, 4 Resolved, 5 Archived, 6 Deleted → resolved; 0 and 99 fall
// back to the status text, which for 99 (a source-specific label) may be
// anything. verdict_id 1 False Positive, 2 True Positive and 5 Benign give a
// verdict; the verdict text is kept as the determination.
//
// Times are epoch milliseconds (some producers write seconds: the unit is
// guessed from the magnitude) or their *_dt RFC 3339 twins. Created is
// finding_info.created_time, else the event time; first and last activity
// are first_seen_time / last_seen_time (else start_time / end_time);
// updated is modified_time.
package ocsf
