package recerr

import (
	"fmt"
	"strconv"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/ingest/internal/wire"
)

// Collector collects what is wrong with one record: Fatal is set when the
// record is rejected; Kept lists the fields dropped from a kept record.
type Collector struct {
	File        string
	Line, Index int
	Prefix      string // path of the alert being mapped, e.g. "alerts[2]."
	Fatal       *debrief.RecordError
	Kept        []*debrief.RecordError
}

func (p *Collector) errorAt(field, reason string, kept bool) *debrief.RecordError {
	return &debrief.RecordError{File: p.File, Line: p.Line, Record: p.Index, Field: p.Prefix + field, Reason: reason, Kept: kept}
}

// Reject records that the whole record is unusable.
func (p *Collector) Reject(field, reason string) *debrief.RecordError {
	p.Fatal = p.errorAt(field, reason, false)
	return p.Fatal
}

// Add records that field was dropped from a kept record.
func (p *Collector) Add(field, reason string) {
	p.Kept = append(p.Kept, p.errorAt(field, reason, true))
}

// Time parses a timestamp; a bad one is dropped and reported.
func (p *Collector) Time(field, s string) time.Time {
	if s == "" { // null or absent, as often
		return time.Time{}
	}
	t, err := wire.ParseTime(s)
	if err != nil {
		p.Add(field, err.Error())
	}
	return t
}

// Severity parses a severity; want lists the vendor's spellings for the
// report of a bad one.
func (p *Collector) Severity(field, s, want string) debrief.Severity {
	v, ok := debrief.ParseSeverity(s)
	if !ok {
		p.Add(field, fmt.Sprintf("want %s, got %q", want, Clip(s)))
	}
	return v
}

// Status parses a status; want lists the vendor's spellings.
func (p *Collector) Status(field, s, want string) debrief.Status {
	v, ok := debrief.ParseStatus(s)
	if !ok {
		p.Add(field, fmt.Sprintf("want %s, got %q", want, Clip(s)))
	}
	return v
}

// Verdict parses a classification; want lists the vendor's spellings.
func (p *Collector) Verdict(field, s, want string) debrief.Verdict {
	v, ok := debrief.ParseVerdict(s)
	if !ok {
		p.Add(field, fmt.Sprintf("want %s, got %q", want, Clip(s)))
	}
	return v
}

// Techniques checks technique ids; malformed ones are dropped and
// reported, duplicates dropped silently.
func (p *Collector) Techniques(field string, ids []string) []debrief.Technique {
	return p.AppendTechniques(nil, field, ids)
}

// AppendTechniques is Techniques appending to out, an empty slice that
// may have room for them (a decoder's pool); it returns nil when none
// is valid.
func (p *Collector) AppendTechniques(out []debrief.Technique, field string, ids []string) []debrief.Technique {
	for i, s := range ids {
		if s == "" {
			continue
		}
		id, err := debrief.ParseTechniqueID(s)
		if err != nil {
			if wire.TrimSpace(s) == "" { // blank: dropped silently, as empty
				continue
			}
			p.Add(field+"["+strconv.Itoa(i)+"]", fmt.Sprintf("want T#### or T####.###, got %q", Clip(s)))
			continue
		}
		if cap(out) == 0 {
			out = make([]debrief.Technique, 0, len(ids)-i) // room for the rest: one allocation
		}
		if !hasTechnique(out, id) {
			out = append(out, debrief.Technique{ID: id})
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func hasTechnique(ts []debrief.Technique, id debrief.TechniqueID) bool {
	for _, t := range ts {
		if t.ID == id {
			return true
		}
	}
	return false
}

// Clip shortens s to 64 bytes for an error message.
func Clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
