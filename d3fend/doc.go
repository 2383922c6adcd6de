// Package d3fend answers which MITRE D3FEND™ countermeasures apply to an
// ATT&CK technique, offline, for the remediation section of a review.
//
// The data is a generated snapshot of D3FEND's inferred ATT&CK mapping
// (D3FEND 1.2.0, which maps ATT&CK Enterprise v17.0), embedded in the
// binary: Embedded decodes it once. D3FEND links a technique to a
// countermeasure through digital artifacts (T1003.001 accesses
// Authentication Service, a kind of Process; Process Termination
// terminates Process), so every Match carries the links behind it.
//
// The snapshot is written by go generate from the reference data folder
// that gen.go names (see internal/d3fendgen); nothing is read at run time. D3FEND is © 2022 The MITRE
// Corporation under the MIT licence; License returns its text.
package d3fend
