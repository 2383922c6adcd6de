// Package skill measures how a team handles incidents per ATT&CK technique,
// tactic or analyst, and flags the gaps and strengths that are real.
//
// For each group it reports the number of incidents, median and p90 time to
// acknowledge and to resolve, the share of true positives first closed as
// benign or false positive (read from the incident's history), the share of
// closed incidents left undetermined, and the reopen and hand-over
// (escalation) rates. A group is compared with the team: times through a
// Wilcoxon rank-sum test on times relative to the team's median for the same
// final verdict (true positives take longer everywhere), rates through
// Fisher's exact test; the p values of every group and metric are held to a
// false discovery rate (Benjamini–Hochberg), and a gap also needs a minimum
// sample and a minimum effect. Each gap says what to practise: the ATT&CK
// page, the detection strategies and data components of the technique, and
// the team's own past incidents of it.
//
// The package is pure: it reads incidents handed to it and an ATT&CK
// catalog; it touches no database.
package skill
