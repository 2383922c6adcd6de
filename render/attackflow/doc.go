// Package attackflow writes a review as an Attack Flow 2.0 document: a
// STIX 2.1 bundle with the Attack Flow extension definition
// (extension-definition--fb9c968a-745b-4ade-9b25-c324172197f4), one
// attack-flow object, an attack-action for each technique seen (technique
// and tactic ids, execution start and end) chained in the order the
// techniques were first seen through effect_refs, and an attack-asset for
// each entity the actions involve, linked through asset_refs. Attack Flow
// tools and any STIX 2.1 tool read it.
//
// Object ids are UUIDv5-style, derived from the review's incident ids, so
// the same review gives the same ids.
package attackflow
