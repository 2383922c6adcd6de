package review

import _ "embed"

//go:embed review.schema.json
var schema []byte

// Schema returns the JSON Schema (draft 2020-12) of a Review's JSON form,
// the file review.schema.json. The slice is a copy.
func Schema() []byte { return append([]byte(nil), schema...) }
