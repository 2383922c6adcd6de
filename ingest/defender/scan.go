package defender

import (
	"github.com/debrief-dev/debrief/ingest/internal/wire"
	"github.com/go-json-experiment/json"
)

// scanner decodes records into the wire types without reflection; see
// wire.Scanner. Its member methods are in members.go.
type scanner struct {
	wire.Scanner
}

// unmarshal decodes raw into w, which must be reset: with the scanner,
// else (when it gives up) with json.Unmarshal, which words the errors.
func (s *scanner) unmarshal(raw []byte, w *incident) error {
	if s.fast(raw, w) == nil {
		return nil
	}
	w.reset()
	return json.Unmarshal(raw, w, unmarshalOptions)
}

// fast decodes raw into w with the scanner alone, or fails with
// wire.ErrSlow.
func (s *scanner) fast(raw []byte, w *incident) error {
	s.Reset(raw)
	return s.Object(func(name []byte) error { return s.incidentMember(w, name) })
}
