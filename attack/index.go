package attack

import (
	"strings"
	"unicode/utf8"
)

// index maps folded keys (ids, names, aliases) to the objects they name.
// Most keys name one object, so the entries of a key are chained in one
// slice instead of a slice per key.
type index struct {
	heads map[string]int32 // key → 1 + its first node
	nodes []node
}

type node struct {
	entry
	next int32 // 1 + the next node of the same key, or 0
}

// span is a key being built: bytes of the arena, and what it names.
type span struct {
	start, end int32
	e          entry
}

// indexBuilder folds every key into one arena, so that all keys are cut
// from one string.
type indexBuilder struct {
	arena strings.Builder
	tmp   []byte
	spans []span
}

func (b *indexBuilder) add(key string, e entry) {
	b.tmp = appendFold(b.tmp[:0], key)
	if len(b.tmp) == 0 {
		return
	}
	start := b.arena.Len()
	b.arena.Write(b.tmp)
	b.spans = append(b.spans, span{int32(start), int32(b.arena.Len()), e})
}

func (b *indexBuilder) build() index {
	all := b.arena.String()
	ix := index{heads: make(map[string]int32, len(b.spans)), nodes: make([]node, 0, len(b.spans))}
	for _, s := range b.spans {
		key := all[s.start:s.end]
		h := ix.heads[key]
		if ix.merge(h, s.e) {
			continue
		}
		ix.nodes = append(ix.nodes, node{s.e, h})
		ix.heads[key] = int32(len(ix.nodes))
	}
	return ix
}

// merge keeps the better match when the chain from h already has the
// object, and says so.
func (ix *index) merge(h int32, e entry) bool {
	for n := h; n != 0; n = ix.nodes[n-1].next {
		old := &ix.nodes[n-1].entry
		if old.kind == e.kind && old.index == e.index {
			old.match = min(old.match, e.match)
			return true
		}
	}
	return false
}

// get returns the entries of a folded key.
func (ix *index) get(key string) []entry {
	var es []entry
	for n := ix.heads[key]; n != 0; n = ix.nodes[n-1].next {
		es = append(es, ix.nodes[n-1].entry)
	}
	return es
}

// fold is the form of ids, names and aliases that lookups compare: no
// surrounding space, lower case.
func fold(s string) string { return string(appendFold(nil, s)) }

func appendFold(b []byte, s string) []byte {
	s = strings.TrimSpace(s)
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return append(b, strings.ToLower(s)...)
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}
