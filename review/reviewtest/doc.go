// Package reviewtest holds the fixed incidents that the tests of review
// and of the renderers share: a multi-stage phishing intrusion, the same
// with hostile text in every field an alert or analyst can fill, a team
// history for the baseline, and generated incidents of any size for
// benchmarks. Everything is deterministic.
package reviewtest
