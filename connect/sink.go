package connect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest"
)

// Sink stores the records of pages: it decodes a page with an ingest
// decoder, normalises its alerts against ATT&CK, and writes the good
// records in one store transaction.
type Sink struct {
	Store     debrief.Store
	Knowledge ingest.Knowledge // nil: no normalisation
	Counts    ingest.Counts    // unknown and revoked technique ids met; nil maps are made
}

// PageResult is what storing one page did.
type PageResult struct {
	Records  int                    // records read, good and bad
	Alerts   int                    // alerts stored (nested in incidents or alone)
	Written  debrief.WriteResult    // what the store did with them
	Rejected []*debrief.RecordError // bad records (a record kept without a field is listed with Kept)
	Latest   time.Time              // the latest Updated (or Created) time of the stored records
}

// Batch is a decoded page waiting to be stored.
type Batch struct {
	Records []debrief.Record
	Result  PageResult // what decoding found; Written is filled by Store
}

// Write decodes r with dec and stores its records; label names the page
// in record errors. It fails, storing nothing, when the page cannot be
// decoded at all or the store fails; bad records are in the result.
func (s *Sink) Write(ctx context.Context, dec ingest.Decoder, r io.Reader, label string) (PageResult, error) {
	b, err := s.Decode(ctx, dec, r, label)
	if err != nil {
		return b.Result, err
	}
	return s.Commit(ctx, b, label)
}

// Decode reads a page into a batch, normalised and validated.
func (s *Sink) Decode(ctx context.Context, dec ingest.Decoder, r io.Reader, label string) (Batch, error) {
	var b Batch
	recs, err := s.decode(ctx, dec, r, label, &b.Result)
	b.Records = recs
	return b, err
}

// Commit writes a batch in one store transaction.
func (s *Sink) Commit(ctx context.Context, b Batch, label string) (PageResult, error) {
	res := b.Result
	if len(b.Records) == 0 {
		return res, nil
	}
	w, err := s.Store.Write(ctx, b.Records)
	if err != nil {
		return res, fmt.Errorf("store %s: %w", label, err)
	}
	res.Written = w
	return res, nil
}

func (s *Sink) decode(ctx context.Context, dec ingest.Decoder, r io.Reader, label string, res *PageResult) ([]debrief.Record, error) {
	if s.Counts.Unknown == nil || s.Counts.Revoked == nil {
		s.Counts = ingest.Counts{Unknown: map[debrief.TechniqueID]int{}, Revoked: map[debrief.TechniqueID]string{}}
	}
	var recs []debrief.Record
	for rec, err := range dec.Decode(ctx, r, label) {
		if err != nil {
			var re *debrief.RecordError
			if !errors.As(err, &re) {
				return nil, fmt.Errorf("%s: %w", label, err)
			}
			if !re.Kept {
				res.Records++
			}
			res.Rejected = append(res.Rejected, re)
			continue
		}
		res.Records++
		if s.Knowledge != nil && !rec.Partial {
			for _, a := range rec.Alerts() {
				ingest.Normalise(s.Knowledge, a, &s.Counts)
			}
			if rec.Incident != nil {
				ingest.NormaliseIncident(s.Knowledge, rec.Incident, &s.Counts)
			}
		}
		if err := rec.Validate(); err != nil {
			res.Rejected = append(res.Rejected, &debrief.RecordError{File: label, Line: rec.Line, Record: rec.Index, Reason: err.Error()})
			continue
		}
		res.Alerts += len(rec.Alerts())
		res.Latest = later(res.Latest, changed(rec))
		recs = append(recs, rec)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return recs, nil
}

// changed is when a record last changed at its source.
func changed(rec debrief.Record) time.Time {
	var t time.Time
	if in := rec.Incident; in != nil {
		t = later(in.Times.Updated, in.Times.Created)
		for i := range in.Alerts {
			t = later(t, alertChanged(&in.Alerts[i]))
		}
	}
	if rec.Alert != nil {
		t = later(t, alertChanged(rec.Alert))
	}
	return t
}

func alertChanged(a *debrief.Alert) time.Time { return later(a.Updated, a.Created) }

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
