package storecodec

import (
	"fmt"
	"slices"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/debrief-dev/debrief"
)

// AppendStrings appends ss as a JSON array of strings, each through clean
// (nil: as is).
func AppendStrings(b []byte, ss []string, clean func(string) string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendJSONString(b, s, clean)
	}
	return append(b, ']')
}

// AppendJSONString appends s, through clean (nil: as is), as a JSON
// string. Plain ASCII (the common case: ids, names, tactic shortnames) is
// copied; anything else is quoted by jsontext.AppendQuote (the output of
// json.Marshal, invalid UTF-8 replaced).
func AppendJSONString(b []byte, s string, clean func(string) string) []byte {
	if clean != nil {
		s = clean(s)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			// As json.Marshal writes it; invalid UTF-8 is replaced (the
			// error only says so).
			b, _ = jsontext.AppendQuote(b, s)
			return b
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendField appends ,"name":"value" (or "name":"value" first), unless
// value is empty.
func appendField(b []byte, name, value string, clean func(string) string) []byte {
	if value == "" {
		return b
	}
	if b[len(b)-1] != '{' {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, name...)
	b = append(b, `":`...)
	return AppendJSONString(b, value, clean)
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

// Encoder builds the JSON column values of both stores. Its scratch
// buffer is reused, so values cost one allocation each. An Encoder is not
// safe for concurrent use; its zero value is ready.
type Encoder struct {
	// Clean rewrites every string before it is encoded (PostgreSQL cannot
	// hold NUL characters); nil keeps strings as they are.
	Clean func(string) string
	buf   []byte
	keys  []string // scratch for sortedKeys
}

// Done returns the buffer as a string value and empties it.
func (e *Encoder) Done() any {
	s := string(e.buf)
	e.buf = e.buf[:0]
	return s
}

// Techniques binds an alert's techniques as JSON, or NULL.
func (e *Encoder) Techniques(ts []debrief.Technique) any {
	if len(ts) == 0 {
		return nil
	}
	b := append(e.buf[:0], '[')
	for i, t := range ts {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		b = appendField(b, "id", string(t.ID), e.Clean)
		b = appendField(b, "name", t.Name, e.Clean)
		if len(t.Tactics) > 0 {
			b = append(b, `,"tactics":`...)
			b = AppendStrings(b, t.Tactics, e.Clean)
		}
		b = appendField(b, "original", t.Original, e.Clean)
		b = appendField(b, "status", string(t.Status), e.Clean)
		b = append(b, '}')
	}
	e.buf = append(b, ']')
	return e.Done()
}

// Entities binds entities as JSON, or NULL.
func (e *Encoder) Entities(es []debrief.Entity) any {
	if len(es) == 0 {
		return nil
	}
	b := append(e.buf[:0], '[')
	for i, en := range es {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		b = appendField(b, "kind", string(en.Kind), e.Clean)
		b = appendField(b, "id", en.ID, e.Clean)
		b = appendField(b, "name", en.Name, e.Clean)
		b = appendField(b, "role", en.Role, e.Clean)
		b = appendField(b, "verdict", en.Verdict, e.Clean)
		if len(en.Attributes) > 0 {
			b = append(b, `,"attributes":{`...)
			e.keys = sortedKeys(e.keys, en.Attributes)
			for j, k := range e.keys {
				if j > 0 {
					b = append(b, ',')
				}
				b = AppendJSONString(b, k, e.Clean)
				b = append(b, ':')
				b = AppendJSONString(b, en.Attributes[k], e.Clean)
			}
			b = append(b, '}')
		}
		b = append(b, '}')
	}
	e.buf = append(b, ']')
	return e.Done()
}

// sortedKeys returns the keys of m in order, in keys' storage. Entity
// attributes are mostly a handful of keys, so an insertion sort into a
// reused slice beats slices.Sorted(maps.Keys(m)), which allocates; many
// keys are sorted as usual.
func sortedKeys(keys []string, m map[string]string) []string {
	keys = keys[:0]
	if len(m) > 16 {
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return keys
	}
	for k := range m {
		i := len(keys)
		keys = append(keys, k)
		for ; i > 0 && keys[i-1] > k; i-- {
			keys[i] = keys[i-1]
		}
		keys[i] = k
	}
	return keys
}

// Strings binds a list as a JSON array, or NULL when it is empty.
func (e *Encoder) Strings(ss []string) any {
	if len(ss) == 0 {
		return nil
	}
	e.buf = AppendStrings(e.buf[:0], ss, e.Clean)
	return e.Done()
}

// TechniqueIDs binds the ids of ts as a JSON array, or NULL.
func (e *Encoder) TechniqueIDs(ts []debrief.Technique) any {
	if len(ts) == 0 {
		return nil
	}
	b := append(e.buf[:0], '[')
	for i, t := range ts {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendJSONString(b, string(t.ID), e.Clean)
	}
	e.buf = append(b, ']')
	return e.Done()
}

// AllTactics binds the alert's tactics, then its techniques', each once.
func (e *Encoder) AllTactics(a *debrief.Alert) any {
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
	return e.Strings(out)
}

// ParseList decodes a JSON array column.
func ParseList(s string) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	out, ok := ReadStrings(s)
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

// ParseTechniques decodes a techniques column.
func ParseTechniques(s string) ([]debrief.Technique, error) {
	if s == "" {
		return nil, nil
	}
	if ts, ok := ReadTechniques(s); ok {
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

// ParseEntities decodes an entities column.
func ParseEntities(s string) ([]debrief.Entity, error) {
	if s == "" {
		return nil, nil
	}
	if es, ok := ReadEntities(s); ok {
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
