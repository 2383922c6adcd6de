package hunting

import (
	"github.com/debrief-dev/debrief/ingest/internal/kqljson"
	"github.com/go-json-experiment/json/jsontext"
)

// decodeOpts tolerates what exports contain: repeated member names (the
// last wins). The splitter has already rejected invalid UTF-8.
var decodeOpts = jsontext.AllowDuplicateNames(true)

// The value types of Kusto table exports; see package kqljson.
type (
	embedded = kqljson.Embedded
	text     = kqljson.Text
	loose    = kqljson.Loose
)

// fieldError turns a decoding error into the dotted path of the offending
// field (below prefix) and a reason saying what was expected.
func fieldError(prefix string, err error) (field, reason string) {
	return kqljson.FieldError(prefix, err)
}
