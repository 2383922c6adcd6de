// Package playbook runs remediation playbooks on incidents.
//
// A playbook is a YAML file (apiVersion debrief/v1, kind Playbook) with a
// trigger and steps. The trigger names incident events and declarative
// matchers (field, operator, values in all/any groups) over an incident's
// severity, status, verdict, techniques, tactics, sources, entities and
// tags. Steps call the automation a team already has: HTTP webhooks (with
// presets for Power Automate and Logic Apps HTTP triggers, Teams and Slack
// incoming webhooks), Microsoft Graph and Defender actions, email, a comment
// in debrief's store, and, only when a configuration allows it, programs
// from an allow-list, run with an argument vector and never a shell.
//
// Step inputs are templates over typed incident values ({{ incident.title }},
// {{ entity.id }}). A value is substituted once, never re-read as a
// template, and is escaped for the place it lands: a JSON string, a URL path
// segment or query value, a header value without line breaks, one argv
// element. An alert field can so never become a shell command, a header or a
// URL host.
//
// Every Action plans before it executes. A Runner records each plan in a
// hash-chained audit log and in a debrief.PlaybookStore; it executes only
// when the run is live and the configuration enables live runs, and it
// resumes an interrupted run without repeating a step that succeeded. A
// run keeps the playbook file it started with, so it resumes without it.
//
// A step marked approval: required waits until a person approves it, or
// until its approval_timeout passes: then it is denied ("approval timed
// out") by whatever reads or acts on the run first — Runner.Runs,
// Approve, Resume, or the ExpireApprovals sweep a server runs.
//
// Runner.Fire plays an incident event (incident.created, incident.updated,
// review.completed) and runs the playbooks whose triggers match, once per
// event and version of the incident. Lint checks with Options.Hosts that
// every webhook goes to a host of the configuration's allow-list.
package playbook
