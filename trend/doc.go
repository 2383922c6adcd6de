// Package trend counts a team's incidents over time and finds what changes.
//
// Count buckets incidents per day, week or month by technique,
// sub-technique, tactic, source, severity or verdict. Analyse compares a
// recent window (four weeks by default) with the trailing baseline before
// it: for each technique (or other key) seen at least MinCount times, at
// least once in the baseline, the recent count is tested against the baseline rate with an exact
// conditional binomial test (the standard test of two Poisson rates),
// widened by the dispersion the weekly counts show across all keys
// (quasi-Poisson), and the p values of all keys are held to a false
// discovery rate with the Benjamini–Hochberg procedure. Keys that occur in
// the recent window and never before it are reported as new, and only as
// new: with no baseline there is no rate to compare with.
//
// Each series with at least MinCount incidents is searched for change
// points by binary segmentation on a Poisson likelihood with each bucket's
// days as exposure (a partial first bucket is no change); a split is kept
// when twice its log-likelihood gain, over the key's dispersion, exceeds
// 2 log n + 2 log m + 3 for n buckets and m series searched (on flat
// simulated series fewer than 5% of runs show any change).
//
// Everything is computed from daily counts per key (Daily, or a store's
// debrief.AggregateStore, which counts in SQL), so the window and baseline
// are whole UTC days.
//
// The package is pure: it reads incidents handed to it and an optional
// ATT&CK catalog for names; it touches no database.
package trend
