package graph

import (
	"github.com/debrief-dev/debrief/ingest/internal/wire"
	"github.com/go-json-experiment/json"
)

// scanner decodes records into the wire types without reflection; see
// wire.Scanner. Its member methods are in members.go.
type scanner struct {
	wire.Scanner
	spare [][]evidence // evidence arrays of the last record's nested alerts, for reuse
}

// unmarshal decodes raw into w, which must be reset: with the scanner,
// else (when it gives up) with json.Unmarshal, which words the errors.
func (s *scanner) unmarshal(raw []byte, w *record) error {
	if s.fast(raw, w) == nil {
		return nil
	}
	w.reset()
	return json.Unmarshal(raw, w, unmarshalOptions)
}

// fast decodes raw into w with the scanner alone, or fails with
// wire.ErrSlow.
func (s *scanner) fast(raw []byte, w *record) error {
	s.harvest(w.Alerts[:cap(w.Alerts)])
	s.Reset(raw)
	return s.Object(func(name []byte) error { return s.recordMember(w, name) })
}

// harvest takes the evidence arrays of old alerts (json.Unmarshal zeroes
// the alerts it reuses, dropping them) for the next alerts to fill.
func (s *scanner) harvest(old []alert) {
	for i := range old {
		if e := old[i].Evidence; cap(e) > 0 {
			s.spare = append(s.spare, e[:0])
		}
		old[i].Evidence = nil
	}
}

// evidence returns an empty evidence array with room, when there is one.
func (s *scanner) evidence() []evidence {
	n := len(s.spare)
	if n == 0 {
		return nil
	}
	e := s.spare[n-1]
	s.spare = s.spare[:n-1]
	return e
}
