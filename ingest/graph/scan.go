package graph

import (
	"github.com/debrief-dev/debrief/ingest/internal/wire"
	"github.com/go-json-experiment/json"
)

// scanner decodes records into the wire types without reflection; see
// wire.Scanner. Its member methods are in members.go.
type scanner struct {
	wire.Scanner
	// The arrays of the last record's nested alerts, which Elems zeroes
	// when it reuses the alerts.
	spare      wire.Spares[evidence]
	spareTechs wire.Spares[string]

	// What evidence points to, reused record after record: nothing
	// keeps the wire structs of a record once it is mapped.
	users   wire.Slab[userAccount]
	senders wire.Slab[emailSender]
	files   wire.Slab[fileDetails]
	roles   []string

	shapes shapes     // what the scanner learns of each kind of object
	out    chunks     // what records are mapped to
	memo   entityMemo // the entities of recent evidence
}

// start readies the scanner's pools for the next record, w, reset.
func (s *scanner) start(w *record) {
	s.shapes.init()
	s.harvest(w.spareAlerts[:cap(w.spareAlerts)]) // the last record's alerts (reset keeps them there)
	s.users.Reset()
	s.senders.Reset()
	s.files.Reset()
	clear(s.roles) // let the strings go
	s.roles = s.roles[:0]
}

// unmarshal decodes raw into w, which must be reset: with the scanner,
// else (when it gives up) with json.Unmarshal, which words the errors.
// kept says raw never changes (wire.Item.Kept): w's strings may then be
// views of it.
func (s *scanner) unmarshal(raw []byte, spans []uint32, kept bool, w *record) error {
	if s.fast(raw, spans, kept, w) == nil {
		return nil
	}
	w.reset()
	return json.Unmarshal(raw, w, unmarshalOptions)
}

// fast decodes raw into w with the scanner alone, or fails with
// wire.ErrSlow. spans are raw's string spans (wire.Item.Strings), or nil;
// kept is as for unmarshal.
func (s *scanner) fast(raw []byte, spans []uint32, kept bool, w *record) error {
	s.start(w)
	s.ResetStrings(raw, spans)
	if kept {
		s.Keep()
	}
	return s.record(w)
}

// parse decodes the record at the start of b into w, checking it as it
// goes, and returns its length; see wire.KeptParseFunc.
func (s *scanner) parse(b []byte, kept bool, w *record) (int, bool) {
	w.reset()
	s.start(w)
	s.ResetStrict(b)
	if kept {
		s.Keep()
	}
	if s.record(w) != nil {
		return 0, false
	}
	return s.Pos(), true
}

// harvest takes the evidence and technique arrays of old alerts (the
// scanner and json.Unmarshal zero the alerts they reuse, dropping them)
// for the next alerts to fill. Nothing mapped from them points into
// the arrays.
func (s *scanner) harvest(old []alert) {
	for i := range old {
		s.spare.Put(old[i].Evidence)
		clear(old[i].MitreTechniques[:cap(old[i].MitreTechniques)]) // let the strings go
		s.spareTechs.Put(old[i].MitreTechniques)
		old[i].Evidence, old[i].MitreTechniques = nil, nil
	}
}
