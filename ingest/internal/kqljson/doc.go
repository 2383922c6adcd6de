// Package kqljson reads JSON values the way Kusto (KQL) tables export
// them, for the Advanced Hunting and Sentinel decoders: columns that hold
// JSON or JSON text, scalars written as strings or numbers, free-form bags.
// It also turns decoding errors into a dotted field path and a reason.
package kqljson
