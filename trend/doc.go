// Package trend counts a team's incidents over time and finds what changes.
//
// Count buckets incidents per day, week or month by technique,
// sub-technique, tactic, source, severity or verdict. Analyse compares a
// recent window (four weeks by default) with the trailing baseline before
// it: for each technique (or other key) seen at least MinCount times, the
// recent count is tested against the baseline rate with an exact
// conditional binomial test (the standard test of two Poisson rates),
// widened by the dispersion the weekly counts show across all keys
// (quasi-Poisson), and the p values of all keys are held to a false
// discovery rate with the Benjamini–Hochberg procedure. Keys that occur in
// the recent window and never before it are reported as new.
//
// The package is pure: it reads incidents handed to it and an optional
// ATT&CK catalog for names; it touches no database.
package trend
