// Package skill measures how a team handles incidents per ATT&CK technique,
// tactic or analyst, and flags the gaps and strengths that are real.
//
// For each group it reports the number of incidents, median and p90 time to
// acknowledge and to resolve, the share of true positives first closed as
// benign or false positive (read from the incident's history), the share of
// closed incidents left undetermined, and the reopen and hand-over
// (escalation) rates.
//
// A group is compared with the rest of the team among incidents alike
// (strata, see stratumOf): of the same final verdict class, size, severity
// and hour of the week (hour of the UTC day, weekday or weekend), and, except
// by analyst, the same first owner. Times go through a stratified Wilcoxon
// rank-sum test, rates through the Cochran–Mantel–Haenszel test; the p
// values of every group and metric are held to a false discovery rate
// (Benjamini–Hochberg), and a gap also needs a minimum sample and a
// minimum effect (the group's median over the rest of its strata, or its
// cases over those expected of the rest).
//
// An incident has many techniques and tactics, and an effect that belongs
// to one of them shows in all that come with it. By technique or tactic a
// significant group is therefore kept only if it keeps a significant effect
// of at least the minimum size among incidents alike in each co-occurring
// significant technique, sub-technique or tactic (the strata split by it;
// at the false discovery rate divided by the number of such groups), and
// that effect is not much smaller (Options.Dominance) than the other's
// among incidents alike in it (of two that explain each other, the one with
// the smaller p value stays). A technique and its sub-techniques never
// explain each other away. Each gap says what to practise: the ATT&CK
// page, the detection strategies and data components of the technique, and
// the team's own past incidents of it.
//
// By analyst, each analyst's incidents of a tactic or technique (with at
// least MinSample of them and of the rest of the team's) are a group too:
// compared with the team's incidents of that tactic or technique (the
// strata split by it), and kept only when the effect also holds among the
// analyst's own incidents (an analyst slower on everything has one gap,
// not one per tactic); the analyst's overall group and these explain each
// other away as co-occurring groups do. Their ids are "analyst/id", with
// Analyst and Attack set.
//
// eval_test.go measures this on simulated histories with planted gaps:
// precision and recall of the flagged gaps on the default scenario, and
// the seeds that flag anything when nothing is planted.
//
// The package is pure: it reads incidents handed to it and an ATT&CK
// catalog; it touches no database.
package skill
