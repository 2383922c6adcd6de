// Package navigator reads ATT&CK Navigator layers (any 4.x format, one
// layer or a JSON list of layers) as declared coverage: each technique a
// layer scores becomes one debrief.Rule carrying the declared score.
package navigator
