// Package handling computes an incident's handling facts (see
// debrief.HandlingFacts) and encodes them compactly, for the stores that
// keep them and for the skill analysis that reads them: one definition,
// so a store's kept facts and an analysis of full incidents agree.
package handling

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
)

// Of returns the handling facts of in, which must carry its history and
// comments (Store.Incident, or ScanIncidents with History).
func Of(in *debrief.Incident) debrief.HandlingFacts {
	f := debrief.HandlingFacts{ID: in.ID, Created: in.Times.Created, TTA: -1, TTR: -1, Severity: in.Severity,
		Verdict: in.Verdict, Closed: in.Status == debrief.StatusResolved, Techniques: in.Techniques, Tactics: in.Tactics}
	if d, ok := in.Times.TimeToAcknowledge(); ok {
		f.TTA = d
	}
	if d, ok := in.Times.TimeToResolve(); ok && f.Closed {
		f.TTR = d
	}
	tp := in.Verdict == debrief.VerdictTruePositive
	benign := false
	var people []string
	for _, c := range in.History {
		switch c.Field {
		case "verdict":
			v, _ := debrief.ParseVerdict(c.To)
			if v == debrief.VerdictBenignPositive || v == debrief.VerdictFalsePositive {
				benign = true
			}
			if v == debrief.VerdictTruePositive && benign {
				f.Misclassified = true
			}
		case "status":
			if s, _ := debrief.ParseStatus(c.From); s == debrief.StatusResolved {
				if t, _ := debrief.ParseStatus(c.To); t != debrief.StatusResolved {
					f.Reopened = true
				}
			}
		case "assignee":
			people = addPerson(people, c.From)
			people = addPerson(people, c.To)
		}
	}
	if tp && benign {
		f.Misclassified = true
	}
	for _, c := range in.Comments {
		people = addPerson(people, c.Author)
	}
	people = addPerson(people, in.Assignee)
	f.HandedOver = len(people) > 1
	f.Owner = owner(in)
	return f
}

// addPerson adds a person's account (an address with @) once.
func addPerson(people []string, s string) []string {
	s = strings.ToLower(strings.TrimSpace(s))
	if !strings.Contains(s, "@") || slices.Contains(people, s) {
		return people
	}
	return append(people, s)
}

// owner is the first analyst to own the incident: the first assignee in the
// history, else the first person to comment, else the assignee.
func owner(in *debrief.Incident) string {
	for _, c := range in.History {
		if c.Field != "assignee" {
			continue
		}
		if c.From != "" {
			return strings.ToLower(c.From)
		}
		if c.To != "" {
			return strings.ToLower(c.To)
		}
	}
	for _, c := range in.Comments {
		if strings.Contains(c.Author, "@") {
			return strings.ToLower(c.Author)
		}
	}
	return strings.ToLower(in.Assignee)
}

const (
	version = 1

	flagClosed = 1 << iota
	flagMisclassified
	flagReopened
	flagHandedOver
)

// Append appends the encoding of f (all but ID and Created, which stores
// keep in their own columns) to dst: a version byte, a flag byte, the two
// durations as signed varints of nanoseconds, then severity, verdict,
// owner, the techniques and the tactics as length-prefixed strings (a list
// prefixed by its length).
func Append(dst []byte, f *debrief.HandlingFacts) []byte {
	var flags byte
	for bit, on := range map[byte]bool{flagClosed: f.Closed, flagMisclassified: f.Misclassified, flagReopened: f.Reopened, flagHandedOver: f.HandedOver} {
		if on {
			flags |= bit
		}
	}
	dst = append(dst, version, flags)
	dst = binary.AppendVarint(dst, int64(f.TTA))
	dst = binary.AppendVarint(dst, int64(f.TTR))
	dst = appendString(dst, string(f.Severity))
	dst = appendString(dst, string(f.Verdict))
	dst = appendString(dst, f.Owner)
	dst = binary.AppendUvarint(dst, uint64(len(f.Techniques)))
	for _, t := range f.Techniques {
		dst = appendString(dst, string(t))
	}
	dst = binary.AppendUvarint(dst, uint64(len(f.Tactics)))
	for _, t := range f.Tactics {
		dst = appendString(dst, t)
	}
	return dst
}

func appendString(dst []byte, s string) []byte {
	return append(binary.AppendUvarint(dst, uint64(len(s))), s...)
}

// Decoder decodes encoded facts, interning their strings and lists: the
// same technique, tactic or owner in many rows is one string, and the same
// list of techniques or tactics one slice, shared by the facts decoded (so
// they must not be modified).
type Decoder struct {
	strs    map[string]string
	techs   map[string][]debrief.TechniqueID
	tactics map[string][]string
	// tails: the decoding of each distinct encoding after the durations
	// (severity to tactics), up to maxTails of them: incidents alike in
	// all of these are many, and one lookup replaces five.
	tails map[string]tail
}

type tail struct {
	severity debrief.Severity
	verdict  debrief.Verdict
	owner    string
	techs    []debrief.TechniqueID
	tactics  []string
}

const maxTails = 1 << 16

var errShort = errors.New("truncated")

// Decode decodes b (from Append) into f; ID and Created are left alone.
func (d *Decoder) Decode(b []byte, f *debrief.HandlingFacts) error {
	if len(b) < 2 || b[0] != version {
		return fmt.Errorf("handling facts: want version %d, %d bytes", version, len(b))
	}
	if d.strs == nil {
		d.strs, d.techs, d.tactics = map[string]string{}, map[string][]debrief.TechniqueID{}, map[string][]string{}
		d.tails = map[string]tail{}
	}
	flags := b[1]
	f.Closed, f.Misclassified = flags&flagClosed != 0, flags&flagMisclassified != 0
	f.Reopened, f.HandedOver = flags&flagReopened != 0, flags&flagHandedOver != 0
	r := reader{b: b[2:], d: d}
	f.TTA, f.TTR = time.Duration(r.varint()), time.Duration(r.varint())
	if r.err == nil {
		if t, ok := d.tails[string(r.b)]; ok {
			f.Severity, f.Verdict, f.Owner, f.Techniques, f.Tactics = t.severity, t.verdict, t.owner, t.techs, t.tactics
			return nil
		}
	}
	rest := r.b
	f.Severity, f.Verdict, f.Owner = debrief.Severity(r.str()), debrief.Verdict(r.str()), r.str()
	span := r.list()
	techs, ok := d.techs[string(span)]
	if !ok && r.err == nil {
		sr := reader{b: span, d: d}
		n := sr.count()
		for range n {
			techs = append(techs, debrief.TechniqueID(sr.str()))
		}
		d.techs[string(span)] = techs
	}
	span = r.list()
	tactics, ok := d.tactics[string(span)]
	if !ok && r.err == nil {
		sr := reader{b: span, d: d}
		n := sr.count()
		for range n {
			tactics = append(tactics, sr.str())
		}
		d.tactics[string(span)] = tactics
	}
	f.Techniques, f.Tactics = techs, tactics
	if r.err != nil {
		return fmt.Errorf("handling facts: %w", r.err)
	}
	if len(r.b) != 0 {
		return fmt.Errorf("handling facts: %d bytes left over", len(r.b))
	}
	if len(d.tails) < maxTails {
		d.tails[string(rest)] = tail{f.Severity, f.Verdict, f.Owner, techs, tactics}
	}
	return nil
}

type reader struct {
	b   []byte
	d   *Decoder
	err error
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err, r.b = errShort, nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) count() int {
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > uint64(len(r.b)) {
		r.err, r.b = errShort, nil
		return 0
	}
	r.b = r.b[n:]
	return int(v)
}

func (r *reader) str() string {
	l := r.count()
	if l > len(r.b) {
		r.err, r.b = errShort, nil
	}
	if r.err != nil {
		return ""
	}
	s, ok := r.d.strs[string(r.b[:l])]
	if !ok {
		s = string(r.b[:l])
		r.d.strs[s] = s
	}
	r.b = r.b[l:]
	return s
}

// list returns the bytes of a list of strings (its length, then each
// string) and moves past it.
func (r *reader) list() []byte {
	start := r.b
	n := r.count()
	for range n {
		l := r.count()
		if l > len(r.b) {
			r.err, r.b = errShort, nil
		}
		if r.err != nil {
			return nil
		}
		r.b = r.b[l:]
	}
	if r.err != nil {
		return nil
	}
	return start[:len(start)-len(r.b)]
}
