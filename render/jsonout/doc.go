// Package jsonout writes a review as JSON: the review model itself, with
// its schema_version, as review.schema.json (review.Schema) describes it.
// Every other format renders from the same model.
package jsonout
