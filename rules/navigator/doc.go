// Package navigator reads ATT&CK Navigator layers (any 4.x format, one
// layer or a JSON list of layers) as declared coverage: each technique a
// layer lists enabled becomes one debrief.Rule whose Score is the weight
// the layer declares for it, 0–1 (Weight): its score placed on the
// layer's gradient (minValue → 0, maxValue → 1; the Navigator's default
// 0–100 when the layer has none), or 1 for an entry without a score.
// Disabled entries, and entries weighing 0, are left out.
//
// The coverage package uses the weight as the rule's weight for declared
// coverage and as the technique's weight in a layer:FILE threat profile.
package navigator
