package debrief

// Record is one item a decoder yields: an incident (with the alerts the source
// nested in it, if any) or a lone alert. Exactly one of Incident and Alert is
// set.
//
// Sources that split an alert across several rows (Defender advanced hunting:
// AlertInfo and AlertEvidence) may yield an Alert with Partial set: it carries
// only what that row adds (entities), and the store merges it into the alert
// with the same id instead of replacing it.
type Record struct {
	Incident *Incident
	Alert    *Alert
	Partial  bool

	// Where the record was read: 1-based line (0 when the format has no
	// lines) and 1-based index in the file.
	Line  int
	Index int
}

// Alerts returns every alert the record carries.
func (r Record) Alerts() []*Alert {
	if r.Alert != nil {
		return []*Alert{r.Alert}
	}
	if r.Incident == nil {
		return nil
	}
	out := make([]*Alert, len(r.Incident.Alerts))
	for i := range r.Incident.Alerts {
		out[i] = &r.Incident.Alerts[i]
	}
	return out
}

// Validate checks the record and whatever it carries.
func (r Record) Validate() error {
	switch {
	case r.Incident != nil && r.Alert != nil:
		return Errorf(EINVALID, "record carries both an incident and an alert")
	case r.Incident != nil:
		return r.Incident.Validate()
	case r.Alert != nil:
		if r.Partial {
			if r.Alert.ID != QualifiedID(r.Alert.Source, r.Alert.SourceID) || r.Alert.SourceID == "" {
				return Errorf(EINVALID, "partial alert %q: id must be %q", r.Alert.ID, QualifiedID(r.Alert.Source, r.Alert.SourceID))
			}
			return nil
		}
		return r.Alert.Validate()
	}
	return Errorf(EINVALID, "empty record")
}
