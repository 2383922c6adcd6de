// Package review builds the post-incident review of one incident or a set
// of them (a campaign): a versioned data model, Review, that every output
// format renders from (see package render).
//
// Build is pure: it reads the incidents it is given, the ATT&CK and D3FEND
// catalogs and the team's baseline from Options, and takes the time from
// Options.Now, so the same input gives the same review. It fills in:
//
//   - a header and a generated summary (what, impact, detection, containment,
//     top actions);
//   - the impacted entities with counts per kind;
//   - the timeline of every alert, history change and comment, with the
//     milestones of the time model marked, and the kill chain: the
//     Enterprise tactics in matrix order, each seen, a gap (missing between
//     the first and last stage seen: a likely blind spot) or not seen;
//   - the metrics (time to detect, acknowledge, contain, resolve, dwell time)
//     beside the team's median and p90 over the last 90 days (NewBaseline);
//   - the techniques with their ATT&CK mitigations and D3FEND
//     countermeasures;
//   - the NIST SP 800-61 lessons-learned questions with the facts debrief
//     knows, and room for the team's answers;
//   - action items (prevent, detect, respond, process, training) with an
//     owner, a due date, a NIST CSF 2.0 outcome and the evidence behind each.
//
// Analyses that exist apart from the review (coverage, attribution, trend,
// skill, playbooks) join it as generic Sections, which every renderer draws
// without knowing which analysis made them.
//
// The JSON form of a Review is described by the JSON Schema returned by
// Schema (review.schema.json); SchemaVersion changes when it does.
package review
