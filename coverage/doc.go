// Package coverage reports which ATT&CK techniques a team's detection
// rules and telemetry cannot see, weighed against the threats that matter.
//
// Detection score (0–5). Each rule that counts has a weight
//
//	w = status × level × (½ for building-block rules)
//	status: stable 1, test 0.8, experimental 0.6, unknown 0.7
//	        (deprecated and unsupported rules count only with
//	        Options.IncludeDeprecated, at 0.3; disabled rules never)
//	level:  critical and high 1, medium 0.8, low 0.6, informational 0.3,
//	        unknown 0.8
//
// Coverage declared in a Navigator layer (rules/navigator) weighs what the
// layer declares instead: the entry's score placed on the layer's
// gradient, (score − minValue)/(maxValue − minValue) clamped to 0–1, or 1
// for an enabled entry without a score; disabled entries do not count.
// A layer:FILE threat profile weighs its techniques the same way.
//
// For a technique T, D is the sum of the weights of the rules tagged with
// T and P half the sum over the rules tagged with one of T's
// sub-techniques. Then
//
//	score(T) = 5 × (1 − e^(−(D+P)/2)), rounded to 0.1,
//
// capped at 2.5 when D is 0: rules for sub-techniques give their parent
// partial coverage, never full. One stable high rule gives 2.0, two 3.2,
// three 3.9, five 4.6. Rules for a parent give its sub-techniques nothing.
//
// Visibility (0–1) is the share of the data components that ATT&CK's v18
// detection strategies use for T (through their analytics; a
// sub-technique without its own falls back to its parent's) which the
// team collects, as declared in a log-sources file. Entries of that file
// may name data components, ATT&CK log source names, or Sigma log
// sources (product/category/service), which an embedded, reviewed table
// (sigma_logsources.yaml, see SigmaComponents) maps to data components.
// It is nil when no log sources were declared or ATT&CK names none for T.
// Coverage, the combination, is score/5 × visibility, or score/5 when
// visibility is nil.
//
// A Profile weighs the techniques of a threat: observed in incidents,
// used by groups or campaigns, declared in a Navigator layer, or all.
// Gaps ranks a profile's techniques by weight × (1 − coverage) and lists
// for each the rules of a reference corpus that would close it and whose
// log sources the team has, with the profile's coverage before and after
// adding them.
//
// Per incident, Incident tells for each technique whether the team's
// rules detected it, only products' analytics did, or no alert did
// (found by investigation), and marks it late when its first alert came
// after alerts carrying techniques of later kill-chain stages (by the
// earliest tactic of each technique, in Enterprise matrix order).
package coverage
