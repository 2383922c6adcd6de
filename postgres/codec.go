package postgres

import (
	"database/sql"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/storecodec"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Column encodings shared by writes and reads. See the conventions at the
// top of migrations/0001_init.sql and of the sqlite package's, which
// this file follows so that both stores hash and encode records alike.

// Times outside what unix nanoseconds in an int64 can hold (1678–2262).
var (
	minNanoTime = time.Unix(0, math.MinInt64)
	maxNanoTime = time.Unix(0, math.MaxInt64)
)

// text binds s, or NULL for "".
func text(s string) any {
	if s == "" {
		return nil
	}
	return noNUL(s)
}

// noNUL replaces NUL characters, which PostgreSQL's text and jsonb cannot
// hold, with U+FFFD.
func noNUL(s string) string {
	if strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(s, "\x00", "\uFFFD")
}

// noNULs applies noNUL to the strings among vals, in place.
func noNULs(vals []any) []any {
	for i, v := range vals {
		if s, ok := v.(string); ok && strings.IndexByte(s, 0) >= 0 {
			vals[i] = noNUL(s)
		}
	}
	return vals
}

// nanos binds t as unix nanoseconds, or NULL for the zero time.
func nanos(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

// nanos0 is t as unix nanoseconds, 0 for the zero time (for key columns).
func nanos0(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// storable reports whether t round-trips through nanos.
func storable(t time.Time) bool {
	return t.IsZero() || t.After(minNanoTime) && t.Before(maxNanoTime)
}

// fromNanos is the inverse of nanos and nanos0.
func fromNanos(n sql.NullInt64) time.Time {
	if !n.Valid || n.Int64 == 0 {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendJSONString appends s as a JSON string. Plain ASCII (the common
// case: ids, names, tactic shortnames) is copied; anything else goes
// through the JSON encoder.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			s = noNUL(s)
			q, err := json.Marshal(s)
			if err != nil { // invalid UTF-8: replaced, as the encoder does on output
				q, _ = json.Marshal(s, jsontext.AllowInvalidUTF8(true))
			}
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendField appends ,"name":"value" (or "name":"value" first), unless
// value is empty.
func appendField(b []byte, name, value string) []byte {
	if value == "" {
		return b
	}
	if b[len(b)-1] != '{' {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, name...)
	b = append(b, `":`...)
	return appendJSONString(b, value)
}

// techniqueJSON and entityJSON are the stored shapes of a technique and an
// entity. They belong to the schema, not to the domain types' JSON.
type techniqueJSON struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Tactics  []string `json:"tactics"`
	Original string   `json:"original"`
	Status   string   `json:"status"`
}

type entityJSON struct {
	Kind       string            `json:"kind"`
	ID         string            `json:"id"`
	Name       string            `json:"name"`
	Role       string            `json:"role"`
	Verdict    string            `json:"verdict"`
	Attributes map[string]string `json:"attributes"`
}

// encoder builds column values. Its scratch buffer is reused, so values
// cost one allocation each. An encoder is not safe for concurrent use.
type encoder struct {
	buf []byte
}

func (e *encoder) done() any {
	s := string(e.buf)
	e.buf = e.buf[:0]
	return s
}

// techniques binds an alert's techniques as JSON, or NULL.
func (e *encoder) techniques(ts []debrief.Technique) any {
	if len(ts) == 0 {
		return nil
	}
	b := append(e.buf[:0], '[')
	for i, t := range ts {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		b = appendField(b, "id", string(t.ID))
		b = appendField(b, "name", t.Name)
		if len(t.Tactics) > 0 {
			b = append(b, `,"tactics":`...)
			b = appendStrings(b, t.Tactics)
		}
		b = appendField(b, "original", t.Original)
		b = appendField(b, "status", string(t.Status))
		b = append(b, '}')
	}
	e.buf = append(b, ']')
	return e.done()
}

// entities binds entities as JSON, or NULL.
func (e *encoder) entities(es []debrief.Entity) any {
	if len(es) == 0 {
		return nil
	}
	b := append(e.buf[:0], '[')
	for i, en := range es {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		b = appendField(b, "kind", string(en.Kind))
		b = appendField(b, "id", en.ID)
		b = appendField(b, "name", en.Name)
		b = appendField(b, "role", en.Role)
		b = appendField(b, "verdict", en.Verdict)
		if len(en.Attributes) > 0 {
			b = append(b, `,"attributes":{`...)
			for j, k := range slices.Sorted(maps.Keys(en.Attributes)) {
				if j > 0 {
					b = append(b, ',')
				}
				b = appendJSONString(b, k)
				b = append(b, ':')
				b = appendJSONString(b, en.Attributes[k])
			}
			b = append(b, '}')
		}
		b = append(b, '}')
	}
	e.buf = append(b, ']')
	return e.done()
}

// strings binds a list as a JSON array, or NULL when it is empty.
func (e *encoder) strings(ss []string) any {
	if len(ss) == 0 {
		return nil
	}
	e.buf = appendStrings(e.buf[:0], ss)
	return e.done()
}

// techniqueIDs binds the ids of ts as a JSON array, or NULL.
func (e *encoder) techniqueIDs(ts []debrief.Technique) any {
	if len(ts) == 0 {
		return nil
	}
	b := append(e.buf[:0], '[')
	for i, t := range ts {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, string(t.ID))
	}
	e.buf = append(b, ']')
	return e.done()
}

// allTactics binds the alert's tactics, then its techniques', each once.
func (e *encoder) allTactics(a *debrief.Alert) any {
	var arr [16]string
	out := arr[:0]
	add := func(ts []string) {
		for _, t := range ts {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	add(a.Tactics)
	for _, t := range a.Techniques {
		add(t.Tactics)
	}
	return e.strings(out)
}

// parseList decodes a JSON array column.
func parseList(s string) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	out, ok := storecodec.ReadStrings(s)
	if !ok {
		out = nil
		err := json.Unmarshal([]byte(s), &out)
		if err != nil {
			return nil, fmt.Errorf("list column %.40q: %w", s, err)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func parseTechniques(s string) ([]debrief.Technique, error) {
	if s == "" {
		return nil, nil
	}
	if ts, ok := storecodec.ReadTechniques(s); ok {
		return ts, nil
	}
	var ts []techniqueJSON
	if err := json.Unmarshal([]byte(s), &ts); err != nil {
		return nil, fmt.Errorf("techniques column %.40q: %w", s, err)
	}
	out := make([]debrief.Technique, len(ts))
	for i, t := range ts {
		out[i] = debrief.Technique{ID: debrief.TechniqueID(t.ID), Name: t.Name, Tactics: t.Tactics,
			Original: t.Original, Status: debrief.TechniqueStatus(t.Status)}
	}
	return out, nil
}

func parseEntities(s string) ([]debrief.Entity, error) {
	if s == "" {
		return nil, nil
	}
	if es, ok := storecodec.ReadEntities(s); ok {
		return es, nil
	}
	var es []entityJSON
	if err := json.Unmarshal([]byte(s), &es); err != nil {
		return nil, fmt.Errorf("entities column %.40q: %w", s, err)
	}
	out := make([]debrief.Entity, len(es))
	for i, e := range es {
		out[i] = debrief.Entity{Kind: debrief.EntityKind(e.Kind), ID: e.ID, Name: e.Name, Role: e.Role,
			Verdict: e.Verdict, Attributes: e.Attributes}
	}
	return out, nil
}
