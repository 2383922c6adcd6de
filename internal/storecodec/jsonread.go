package storecodec

import (
	"strconv"
	"strings"

	"github.com/debrief-dev/debrief"
)

// jsonReader parses the JSON this package writes into its list, technique
// and entity columns, without reflection: reading an incident's alerts is
// mostly this. Strings without escapes are substrings of the column value.
// Anything it does not expect makes it fail, and the caller falls back to
// the general JSON decoder.
type jsonReader struct {
	s  string
	i  int
	ok bool
}

func newJSONReader(s string) *jsonReader { return &jsonReader{s: s, ok: true} }

func (r *jsonReader) ws() {
	for r.i < len(r.s) && (r.s[r.i] == ' ' || r.s[r.i] == '\n' || r.s[r.i] == '\t' || r.s[r.i] == '\r') {
		r.i++
	}
}

// eat consumes c (after white space) and reports whether it was there.
func (r *jsonReader) eat(c byte) bool {
	r.ws()
	if r.i < len(r.s) && r.s[r.i] == c {
		r.i++
		return true
	}
	return false
}

func (r *jsonReader) need(c byte) {
	if !r.eat(c) {
		r.ok = false
	}
}

// end reports whether the whole input was read without a problem.
func (r *jsonReader) end() bool {
	r.ws()
	return r.ok && r.i == len(r.s)
}

func (r *jsonReader) str() string {
	if !r.ok || !r.eat('"') {
		r.ok = false
		return ""
	}
	start, esc := r.i, false
	for r.i < len(r.s) {
		switch r.s[r.i] {
		case '\\':
			esc = true
			r.i += 2
			continue
		case '"':
			r.i++
			if !esc {
				return r.s[start : r.i-1]
			}
			v, err := strconv.Unquote(r.s[start-1 : r.i])
			if err != nil {
				r.ok = false
			}
			return v
		}
		r.i++
	}
	r.ok = false
	return ""
}

// each calls fn for each element of an array; fn reads one value.
func (r *jsonReader) each(fn func()) {
	r.need('[')
	if r.eat(']') {
		return
	}
	for r.ok {
		fn()
		if r.eat(']') {
			return
		}
		r.need(',')
	}
}

// fields calls fn with each key of an object; fn reads the value.
func (r *jsonReader) fields(fn func(key string)) {
	r.need('{')
	if r.eat('}') {
		return
	}
	for r.ok {
		k := r.str()
		r.need(':')
		if !r.ok {
			return
		}
		fn(k)
		if r.eat('}') {
			return
		}
		r.need(',')
	}
}

func (r *jsonReader) strings() []string {
	var out []string
	r.each(func() { out = append(out, r.str()) })
	return out
}

// ReadStrings parses a list column; ok is false when it needs the general
// decoder.
func ReadStrings(s string) ([]string, bool) {
	r := newJSONReader(s)
	out := r.strings()
	return out, r.end()
}

func ReadTechniques(s string) ([]debrief.Technique, bool) {
	r := newJSONReader(s)
	out := make([]debrief.Technique, 0, strings.Count(s, `"id"`))
	r.each(func() {
		var t debrief.Technique
		r.fields(func(k string) {
			switch k {
			case "id":
				t.ID = debrief.TechniqueID(r.str())
			case "name":
				t.Name = r.str()
			case "tactics":
				t.Tactics = r.strings()
			case "original":
				t.Original = r.str()
			case "status":
				t.Status = debrief.TechniqueStatus(r.str())
			default:
				r.ok = false
			}
		})
		out = append(out, t)
	})
	return out, r.end()
}

func ReadEntities(s string) ([]debrief.Entity, bool) {
	r := newJSONReader(s)
	out := make([]debrief.Entity, 0, strings.Count(s, `"kind"`))
	r.each(func() {
		var e debrief.Entity
		r.fields(func(k string) {
			switch k {
			case "kind":
				e.Kind = debrief.EntityKind(r.str())
			case "id":
				e.ID = r.str()
			case "name":
				e.Name = r.str()
			case "role":
				e.Role = r.str()
			case "verdict":
				e.Verdict = r.str()
			case "attributes":
				e.Attributes = map[string]string{}
				r.fields(func(k string) { e.Attributes[k] = r.str() })
			default:
				r.ok = false
			}
		})
		out = append(out, e)
	})
	return out, r.end()
}
