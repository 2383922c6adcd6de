package ingest

import (
	"context"
	"io"
	"iter"

	"github.com/debrief-dev/debrief"
)

// Decoder reads one vendor format.
//
// Decode streams: it yields each record as soon as it is read, so memory
// does not grow with the input. A bad record is yielded as a
// *debrief.RecordError (naming file, line or record, field and what was
// expected) and decoding goes on with the next record; any other error
// ends the stream. Decoders fill technique ids and tactic names as the
// source writes them; the ingest run normalises them through the ATT&CK
// catalog.
type Decoder interface {
	// Name is the --format name, e.g. "defender".
	Name() string
	// Sniff reports, cheaply, whether head looks like this format: head
	// is the first bytes of an input (up to 64 KiB) or, when no decoder
	// recognised those, an outline of the records that follow (member
	// names with their short values, "name":"value", each once).
	Sniff(head []byte) bool
	// Decode reads r; file names it in errors.
	Decode(ctx context.Context, r io.Reader, file string) iter.Seq2[debrief.Record, error]
}
