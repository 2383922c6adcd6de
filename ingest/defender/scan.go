package defender

import (
	"github.com/debrief-dev/debrief/ingest/internal/wire"
	"github.com/go-json-experiment/json"
)

// scanner decodes records into the wire types without reflection; see
// wire.Scanner. Its member methods are in members.go.
type scanner struct {
	wire.Scanner
	// arrays of the last record's alerts, for reuse
	devices  wire.Spares[device]
	entities wire.Spares[alertEntity]
}

// unmarshal decodes raw into w, which must be reset: with the scanner,
// else (when it gives up) with json.Unmarshal, which words the errors.
func (s *scanner) unmarshal(raw []byte, spans []uint32, w *incident) error {
	if s.fast(raw, spans, w) == nil {
		return nil
	}
	w.reset()
	return json.Unmarshal(raw, w, unmarshalOptions)
}

// fast decodes raw into w with the scanner alone, or fails with
// wire.ErrSlow. spans are raw's string spans (wire.Item.Strings), or nil.
func (s *scanner) fast(raw []byte, spans []uint32, w *incident) error {
	s.harvest(w.Alerts[:cap(w.Alerts)])
	s.ResetStrings(raw, spans)
	return s.Object(func(name []byte) error { return s.incidentMember(w, name) })
}

// parse decodes the record at the start of b into w, checking it as it
// goes, and returns its length; see wire.ParseFunc.
func (s *scanner) parse(b []byte, w *incident) (int, bool) {
	w.reset()
	s.harvest(w.Alerts[:cap(w.Alerts)])
	s.ResetStrict(b)
	if s.Object(func(name []byte) error { return s.incidentMember(w, name) }) != nil {
		return 0, false
	}
	return s.Pos(), true
}

// harvest takes the device and entity arrays of old alerts (json.Unmarshal
// zeroes the alerts it reuses, dropping them) for the next alerts to fill.
func (s *scanner) harvest(old []alert) {
	for i := range old {
		s.devices.Put(old[i].Devices)
		s.entities.Put(old[i].Entities)
		old[i].Devices, old[i].Entities = nil, nil
	}
}
