// Package data holds the generated ATT&CK snapshot that attack.Embedded
// decodes, and the facts of the bundles it was made from. The snapshot
// (attack.bin) and version_gen.go are written by go generate ./attack;
// do not edit them by hand.
//
// ATT&CK® is © The MITRE Corporation, reproduced and distributed with its
// permission under the ATT&CK Terms of Use
// (https://attack.mitre.org/resources/terms-of-use/).
package data

import _ "embed" // for the snapshot

//go:embed attack.bin
var snapshot string

// Snapshot returns the snapshot, in the format of attack/internal/model
// (not compressed: reading it must take milliseconds).
func Snapshot() string { return snapshot }

// Source is one STIX bundle the snapshot was made from.
type Source struct {
	File    string // enterprise-attack.json.gz
	Domain  string // enterprise-attack
	Version string // ATT&CK release, "18.1"
	SHA256  string // of the file as read, hex
}
