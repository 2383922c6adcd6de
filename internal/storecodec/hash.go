package storecodec

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"slices"
	"time"

	"github.com/debrief-dev/debrief"
)

// Hasher computes content hashes of normalised records: every field but the
// raw bytes, in a fixed order, each length-prefixed so that no two records
// encode alike. Two records with the same hash are the same version.
type Hasher struct {
	h    hash.Hash
	buf  []byte
	sum  [sha256.Size]byte
	keys []string // scratch for sortedKeys
}

// NewHasher returns a Hasher; it is not safe for concurrent use.
func NewHasher() *Hasher { return &Hasher{h: sha256.New(), buf: make([]byte, 0, 4096)} }

func (h *Hasher) str(s string) {
	h.buf = binary.AppendUvarint(h.buf, uint64(len(s)))
	h.buf = append(h.buf, s...)
}

func (h *Hasher) strs(ss []string) {
	h.buf = binary.AppendUvarint(h.buf, uint64(len(ss)))
	for _, s := range ss {
		h.str(s)
	}
}

func (h *Hasher) time(t time.Time) {
	h.buf = binary.AppendVarint(h.buf, unixNanos(t))
}

func (h *Hasher) done() string {
	h.h.Reset()
	h.h.Write(h.buf)
	h.h.Sum(h.sum[:0])
	h.buf = h.buf[:0]
	return hex.EncodeToString(h.sum[:16])
}

// Alert returns the content hash of a.
func (h *Hasher) Alert(a *debrief.Alert) string {
	for _, s := range []string{a.ID, string(a.Source), a.SourceID, a.ProviderID, a.IncidentID, a.Product,
		a.DetectionSource, a.RuleID, a.RuleName, a.Title, a.Description, a.Category, string(a.Severity),
		string(a.Status), string(a.Verdict), a.Determination, a.URL} {
		h.str(s)
	}
	h.buf = binary.AppendUvarint(h.buf, uint64(len(a.Techniques)))
	for _, t := range a.Techniques {
		h.str(string(t.ID))
		h.str(t.Name)
		h.strs(t.Tactics)
		h.str(t.Original)
		h.str(string(t.Status))
	}
	h.strs(a.Tactics)
	h.strs(a.ThreatNames)
	h.entities(a.Entities)
	for _, t := range []time.Time{a.FirstActivity, a.LastActivity, a.Created, a.Updated, a.Resolved} {
		h.time(t)
	}
	return h.done()
}

func (h *Hasher) entities(es []debrief.Entity) {
	h.buf = binary.AppendUvarint(h.buf, uint64(len(es)))
	for _, e := range es {
		h.str(string(e.Kind))
		h.str(e.ID)
		h.str(e.Name)
		h.str(e.Role)
		h.str(e.Verdict)
		h.buf = binary.AppendUvarint(h.buf, uint64(len(e.Attributes)))
		h.keys = sortedKeys(h.keys, e.Attributes)
		for _, k := range h.keys {
			h.str(k)
			h.str(e.Attributes[k])
		}
	}
}

// Incident returns the content hash of in without its alerts' content (the
// alerts are versions of their own) but with the ids of every alert it links.
func (h *Hasher) Incident(in *debrief.Incident) string {
	for _, s := range []string{in.ID, string(in.Source), in.SourceID, in.Title, in.Description,
		string(in.Severity), string(in.Status), string(in.Verdict), in.Determination, in.Assignee,
		in.RedirectTo, in.URL} {
		h.str(s)
	}
	h.strs(in.Tags)
	h.buf = binary.AppendUvarint(h.buf, uint64(len(in.Comments)))
	for _, c := range in.Comments {
		h.time(c.At)
		h.str(c.Author)
		h.str(c.Text)
	}
	t := in.Times
	for _, v := range []time.Time{t.FirstActivity, t.FirstAlert, t.Created, t.FirstTriage, t.Contained,
		t.Resolved, t.LastActivity, t.Updated} {
		h.time(v)
	}
	h.strs(IncidentAlertIDs(in))
	h.buf = binary.AppendUvarint(h.buf, uint64(len(in.History)))
	for _, c := range in.History {
		h.time(c.At)
		h.str(c.By)
		h.str(c.Field)
		h.str(c.From)
		h.str(c.To)
	}
	// Only when there are any, so that the hashes of incidents that name
	// none stay those stored before the fields were added.
	if len(in.OwnTechniques) > 0 || len(in.OwnTactics) > 0 {
		h.buf = binary.AppendUvarint(h.buf, uint64(len(in.OwnTechniques)))
		for _, id := range in.OwnTechniques {
			h.str(string(id))
		}
		h.strs(in.OwnTactics)
	}
	return h.done()
}

// IncidentAlertIDs is the sorted union of in.AlertIDs and the ids of the
// alerts nested in it.
func IncidentAlertIDs(in *debrief.Incident) []string {
	ids := make([]string, 0, len(in.AlertIDs)+len(in.Alerts))
	ids = append(ids, in.AlertIDs...)
	for i := range in.Alerts {
		ids = append(ids, in.Alerts[i].ID)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// unixNanos is t in Unix nanoseconds, 0 for the zero time (as the stores
// keep times).
func unixNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}
