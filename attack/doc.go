// Package attack is debrief's ATT&CK knowledge base: a Catalog of the
// techniques and sub-techniques, the tactics in matrix order, the groups,
// campaigns, software and mitigations, and the v18 detection model
// (detection strategies → analytics → data components with their log
// sources), with the relationships between them (uses, mitigates,
// detects, attributed-to, subtechnique-of, revoked-by) indexed both ways.
//
// Embedded returns the snapshot compiled into the binary (ATT&CK v18.1,
// Enterprise, Mobile and ICS), so nothing outside the binary is needed at
// run time. Load reads any ATT&CK STIX bundle a user brings, such as a
// newer release; Merge puts several domains into one catalog.
//
// Revoked and deprecated objects stay in the catalog, marked, so that old
// ids still resolve: ResolveTechnique follows revoked-by relationships
// (T1086 → T1059.001). Tactic accepts any spelling of a tactic. Lookups
// are case-insensitive, never panic, and say plainly when they find
// nothing.
//
// The snapshot in package data is generated: go generate ./attack reads
// the ATT&CK STIX bundles of the reference data folder that gen.go names
// (see internal/attackgen). Nothing outside the binary is read at run time.
//
// ATT&CK® is © The MITRE Corporation. This work is reproduced and
// distributed with the permission of The MITRE Corporation, under the
// ATT&CK Terms of Use (https://attack.mitre.org/resources/terms-of-use/).
package attack
