package sentinel

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/sentinel"
)

// page is the body Fetch hands to the page decoder: an incidents page as
// the API sent it, and the alerts response of each of its incidents by
// incident name.
type page struct {
	Incidents jsontext.Value            `json:"incidents"`
	Alerts    map[string]jsontext.Value `json:"alerts"`
}

// pageDecoder reads a joined page with the ingest/sentinel decoder and
// nests each incident's alerts in it.
type pageDecoder struct{}

func (pageDecoder) Name() string { return "sentinel-rest" }

func (pageDecoder) Sniff([]byte) bool { return false }

func (pageDecoder) Decode(ctx context.Context, r io.Reader, file string) iter.Seq2[debrief.Record, error] {
	return func(yield func(debrief.Record, error) bool) {
		var p page
		b, err := io.ReadAll(r)
		if err == nil {
			err = json.Unmarshal(b, &p)
		}
		if err != nil {
			yield(debrief.Record{}, fmt.Errorf("%s: %w", file, err))
			return
		}
		dec := sentinel.New()
		for rec, err := range dec.Decode(ctx, bytes.NewReader(p.Incidents), file) {
			if err == nil && rec.Incident != nil {
				var stop bool
				if stop, err = nest(ctx, rec.Incident, p.Alerts[rec.Incident.SourceID], file, yield); stop {
					return
				}
			}
			if !yield(rec, err) {
				return
			}
		}
	}
}

// nest decodes an incident's alerts into it. The alerts' record errors
// are yielded (stop: yield asked to stop); an error that is not a
// record's is returned.
func nest(ctx context.Context, in *debrief.Incident, alerts []byte, file string, yield func(debrief.Record, error) bool) (stop bool, err error) {
	if len(alerts) == 0 {
		return false, nil
	}
	label := file + " alerts of " + in.SourceID
	for rec, err := range sentinel.New().Decode(ctx, bytes.NewReader(alerts), label) {
		if err != nil {
			var re *debrief.RecordError
			if !errors.As(err, &re) {
				return false, err
			}
			if !yield(debrief.Record{}, err) {
				return true, nil
			}
			continue
		}
		if a := rec.Alert; a != nil {
			a.IncidentID = in.ID
			if !slices.Contains(in.AlertIDs, a.ID) {
				in.AlertIDs = append(in.AlertIDs, a.ID)
			}
			in.Alerts = append(in.Alerts, *a)
		}
	}
	return false, nil
}
