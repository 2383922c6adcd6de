package ingest

import (
	"hash/maphash"
	"slices"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
)

// TechniqueInfo is what normalisation needs to know of one technique.
type TechniqueInfo struct {
	ID      debrief.TechniqueID
	Name    string
	Tactics []string // shortnames in matrix order
}

// Knowledge is what normalisation needs of the ATT&CK catalog. The CLI
// adapts *attack.Catalog to it; tests use a small fake.
type Knowledge interface {
	// Technique resolves id. revoked says the id was revoked and info is
	// its replacement; ok is false when the catalog does not know the id.
	Technique(id debrief.TechniqueID) (info TechniqueInfo, revoked, ok bool)
	// Tactic resolves any spelling of a tactic (name, shortname, id) to
	// its shortname and its position in the matrix.
	Tactic(spelling string) (shortname string, order int, ok bool)
}

// Counts records what normalisation met, for the ingest summary.
type Counts struct {
	Unknown map[debrief.TechniqueID]int    `json:"unknown_techniques"`
	Revoked map[debrief.TechniqueID]string `json:"revoked_techniques"` // old id → replacement

	// memo remembers how recent alerts were normalised (see Normalise),
	// once calls says the Counts serve more than a few alerts; notes,
	// when set, collects what a call counts, for the memo.
	memo  *memo
	calls int
	notes *[]note
}

func newCounts() Counts {
	return Counts{Unknown: map[debrief.TechniqueID]int{}, Revoked: map[debrief.TechniqueID]string{}}
}

// Normalise rewrites a decoded alert in place against the catalog:
// revoked ids are replaced (the original is kept on the technique),
// unknown ids are kept and marked, sub-techniques bring their parent,
// names and tactics are filled from the catalog, tactic spellings become
// shortnames, and a vendor category that names a tactic joins the tactics.
//
// It runs once per alert on the ingest path, so it keeps its working sets
// in small slices rather than maps, and gives the alert's tactics and all
// its technique tactic lists one backing array. With the catalog's
// Knowledge (Catalog), it also remembers how it normalised recent alerts
// (the alerts of one rule repeat one mapping): alerts normalised alike
// share their technique and tactic lists, which nothing may write to.
func Normalise(k Knowledge, a *debrief.Alert, c *Counts) {
	ck, _ := k.(*catalogKnowledge)
	if ck == nil {
		normalise(k, a, c)
		return
	}
	if c.memo == nil || c.memo.k != ck {
		if c.calls++; c.calls < memoAfter {
			normalise(k, a, c)
			return
		}
		c.memo = &memo{k: ck, m: map[uint64]*memoEntry{}}
	}
	h := memoHash(a)
	if e := c.memo.m[h]; e != nil && e.matches(a) {
		a.Techniques, a.Tactics = e.techs, e.tactics
		c.replay(e.notes)
		return
	}
	e := &memoEntry{in: cloneTechniques(a.Techniques), inTactics: cloneStrings(a.Tactics), category: strings.Clone(a.Category)}
	// Normalised from the copy, the alert's lists hold none of the
	// decoder's strings, which would keep its buffers alive with the memo.
	a.Techniques = e.in
	c.notes = &e.notes
	normalise(k, a, c)
	c.notes = nil
	a.Techniques = a.Techniques[:len(a.Techniques):len(a.Techniques)]
	e.techs, e.tactics = a.Techniques, a.Tactics
	if len(c.memo.m) >= memoSize {
		clear(c.memo.m)
	}
	c.memo.m[h] = e
}

// NormaliseIncident rewrites what an incident's own record names
// (OwnTechniques, OwnTactics) in place, as Normalise does an alert's
// techniques and tactics, counting unknown and revoked ids in c: the ids
// become those of the techniques the catalog resolves them to (unknown
// ones kept, sub-techniques with their parent), and the tactics the
// stated ones and the techniques' as shortnames, in matrix order.
func NormaliseIncident(k Knowledge, in *debrief.Incident, c *Counts) {
	if len(in.OwnTechniques) == 0 && len(in.OwnTactics) == 0 {
		return
	}
	a := debrief.Alert{Tactics: in.OwnTactics, Techniques: make([]debrief.Technique, len(in.OwnTechniques))}
	for i, id := range in.OwnTechniques {
		a.Techniques[i].ID = id
	}
	normalise(k, &a, c)
	in.OwnTechniques = nil
	for _, t := range a.Techniques {
		in.OwnTechniques = append(in.OwnTechniques, t.ID)
	}
	in.OwnTactics = a.Tactics
}

// memoAfter is how many alerts a Counts normalises before it starts
// remembering them: a Counts made for one alert does not pay for a memo.
const memoAfter = 8

// memo remembers the normalisation of recent alerts by what it read of
// them: techniques, tactics and category, hashed (memoHash). It forgets
// all when it holds memoSize: the mappings of a few hundred rules.
type memo struct {
	k *catalogKnowledge
	m map[uint64]*memoEntry
}

const memoSize = 1024

type memoEntry struct {
	in        []debrief.Technique
	inTactics []string
	category  string

	techs   []debrief.Technique
	tactics []string
	notes   []note // what normalising them counted, in order
}

// note is one count: an unknown id, or a revoked one and its replacement.
type note struct {
	id      debrief.TechniqueID
	revoked string
}

var memoSeed = maphash.MakeSeed()

// memoHash hashes what Normalise reads of an alert.
func memoHash(a *debrief.Alert) uint64 {
	h := maphash.String(memoSeed, a.Category)
	for _, t := range a.Techniques {
		h = h*31 + maphash.String(memoSeed, string(t.ID)) + uint64(len(t.Name)+len(t.Tactics))
	}
	for _, s := range a.Tactics {
		h = h*31 + maphash.String(memoSeed, s)
	}
	return h
}

func (e *memoEntry) matches(a *debrief.Alert) bool {
	if a.Category != e.category || len(a.Techniques) != len(e.in) || !slices.Equal(a.Tactics, e.inTactics) {
		return false
	}
	for i := range e.in {
		x, y := &a.Techniques[i], &e.in[i]
		if x.ID != y.ID {
			return false
		}
		// Decoders mostly give ids alone: the rest is then empty on both
		// sides, told by lengths without comparing strings.
		if len(x.Name)|len(y.Name)|len(x.Original)|len(y.Original)|len(x.Status)|len(y.Status)|len(x.Tactics)|len(y.Tactics) != 0 &&
			(x.Name != y.Name || x.Original != y.Original || x.Status != y.Status || !slices.Equal(x.Tactics, y.Tactics)) {
			return false
		}
	}
	return true
}

// cloneTechniques copies a list, its tactic lists and their strings: a
// decoder may reuse the arrays of the alerts it yields once they are
// normalised, and its strings may be views of buffers the memo should not
// keep alive.
func cloneTechniques(ts []debrief.Technique) []debrief.Technique {
	out := slices.Clone(ts)
	for i := range out {
		t := &out[i]
		t.ID, t.Name, t.Original = debrief.TechniqueID(strings.Clone(string(t.ID))), strings.Clone(t.Name), strings.Clone(t.Original)
		t.Status = debrief.TechniqueStatus(strings.Clone(string(t.Status)))
		t.Tactics = cloneStrings(t.Tactics)
	}
	return out
}

func cloneStrings(ss []string) []string {
	out := slices.Clone(ss)
	for i := range out {
		out[i] = strings.Clone(out[i])
	}
	return out
}

// count notes an unknown id (revoked == "") or a revoked one.
func (c *Counts) count(id debrief.TechniqueID, revoked string) {
	if revoked == "" {
		c.Unknown[id]++
	} else {
		c.Revoked[id] = revoked
	}
	if c.notes != nil {
		*c.notes = append(*c.notes, note{id, revoked})
	}
}

func (c *Counts) replay(notes []note) {
	for _, n := range notes {
		c.count(n.id, n.revoked)
	}
}

func normalise(k Knowledge, a *debrief.Alert, c *Counts) {
	var ob [8]placed
	order := tacticOrder(ob[:0])
	// Tactics the alert states itself: its tactic list, and a category
	// that names a tactic ("DefenseEvasion"; "Malware" stays a category).
	var sb [4]string
	stated := sb[:0]
	for i := 0; i <= len(a.Tactics); i++ {
		s := a.Category
		if i < len(a.Tactics) {
			s = a.Tactics[i]
		}
		if short, ord, ok := k.Tactic(s); ok && !slices.Contains(stated, short) {
			stated = append(stated, short)
			order = order.add(short, ord)
		}
	}
	var buf []string // backing of every technique's tactics
	var techs []debrief.Technique
	// The usual alert: its techniques and tactics in one allocation, of
	// the size they most likely need.
	switch n, need := len(a.Techniques), needed(a.Techniques); {
	case n == 0:
		techs = []debrief.Technique{} // not nil, as before; no allocation
	case need <= len(arrays2{}.techs):
		p := new(arrays2)
		techs, buf = p.techs[:0], p.tactics[:0]
	case need <= len(arrays4{}.techs):
		p := new(arrays4)
		techs, buf = p.techs[:0], p.tactics[:0]
	default:
		techs = make([]debrief.Technique, 0, need)
	}
	for _, t := range a.Techniques {
		t = normTechnique(k, t, stated, c, &buf)
		if !hasTechnique(techs, t.ID) {
			techs = append(techs, t)
		}
	}
	// Sub-techniques keep their parent.
	for _, t := range techs {
		if p := t.ID.Parent(); t.ID.IsSub() && !hasTechnique(techs, p) {
			techs = append(techs, normTechnique(k, debrief.Technique{ID: p, Tactics: t.Tactics}, stated, c, &buf))
		}
	}
	slices.SortStableFunc(techs, func(x, y debrief.Technique) int { return strings.Compare(string(x.ID), string(y.ID)) })
	for _, t := range techs {
		for _, s := range t.Tactics {
			if short, ord, ok := k.Tactic(s); ok {
				order = order.add(short, ord)
			}
		}
	}
	a.Techniques = techs
	a.Tactics = order.sorted(&buf)
}

// arrays2 and arrays4 hold the techniques and the tactic shortnames of an
// alert that has few; appending beyond them moves the list elsewhere.
type (
	arrays2 struct {
		techs   [2]debrief.Technique
		tactics [6]string
	}
	arrays4 struct {
		techs   [4]debrief.Technique
		tactics [8]string
	}
)

// needed is how many techniques an alert's list most likely normalises
// to: its own, and the parents of its sub-techniques that it lacks
// (revoked ids replaced may need more).
func needed(ts []debrief.Technique) int {
	n := len(ts)
	for _, t := range ts {
		if t.ID.IsSub() && !hasTechnique(ts, t.ID.Parent()) {
			n++
		}
	}
	return n
}

func hasTechnique(ts []debrief.Technique, id debrief.TechniqueID) bool {
	for i := range ts {
		if ts[i].ID == id {
			return true
		}
	}
	return false
}

// placed is a tactic shortname and its position in the matrix.
type placed struct {
	short string
	ord   int
}

// tacticOrder collects an alert's tactics; the last position given for a
// shortname wins. (add returns the list rather than append through a
// pointer, so that Normalise's first eight stay on its stack.)
type tacticOrder []placed

func (o tacticOrder) add(short string, ord int) tacticOrder {
	for i := range o {
		if o[i].short == short {
			o[i].ord = ord
			return o
		}
	}
	return append(o, placed{short, ord})
}

// sorted appends the shortnames in matrix order (then by name) to buf
// and returns them, or nil.
func (o tacticOrder) sorted(buf *[]string) []string {
	if len(o) == 0 {
		return nil
	}
	slices.SortFunc(o, func(x, y placed) int {
		if x.ord != y.ord {
			return x.ord - y.ord
		}
		return strings.Compare(x.short, y.short)
	})
	start := len(*buf)
	if *buf == nil {
		*buf = make([]string, 0, max(8, len(o)))
	}
	for _, p := range o {
		*buf = append(*buf, p.short)
	}
	return (*buf)[start:len(*buf):len(*buf)]
}

// normTechnique resolves one technique. Its tactics are, in order of
// preference: those the source paired with it, those the alert states,
// each kept only when the catalog lists it for the technique; else the
// catalog's. Tactic lists are appended to buf.
func normTechnique(k Knowledge, t debrief.Technique, stated []string, c *Counts, buf *[]string) debrief.Technique {
	info, revoked, ok := k.Technique(t.ID)
	if !ok {
		t.Status = debrief.TechniqueUnknown
		c.count(t.ID, "")
		t.Tactics = shortnames(k, t.Tactics, nil, buf)
		return t
	}
	if revoked {
		c.count(t.ID, string(info.ID))
		t = debrief.Technique{ID: info.ID, Original: string(t.ID), Status: debrief.TechniqueRevoked, Tactics: t.Tactics}
	}
	if t.Name == "" || revoked {
		t.Name = info.Name
	}
	tactics := shortnames(k, t.Tactics, info.Tactics, buf)
	if len(tactics) == 0 {
		tactics = shortnames(k, stated, info.Tactics, buf)
	}
	if len(tactics) == 0 {
		if len(info.Tactics) == 0 {
			tactics = slices.Clone(info.Tactics)
		} else {
			tactics = appendTo(buf, info.Tactics...)
		}
	}
	t.Tactics = tactics
	return t
}

// shortnames resolves spellings to unique shortnames, keeping only those
// in allowed when allowed is not nil. It appends them to buf and returns
// them (capped, so that appending to them copies), or nil for none.
func shortnames(k Knowledge, spellings, allowed []string, buf *[]string) []string {
	start := len(*buf)
	for _, s := range spellings {
		short, _, ok := k.Tactic(s)
		if ok && (allowed == nil || slices.Contains(allowed, short)) && !slices.Contains((*buf)[start:], short) {
			if *buf == nil {
				*buf = make([]string, 0, 8)
			}
			*buf = append(*buf, short)
		}
	}
	if len(*buf) == start {
		return nil
	}
	return (*buf)[start:len(*buf):len(*buf)]
}

// appendTo appends ss to buf and returns them as a capped slice.
func appendTo(buf *[]string, ss ...string) []string {
	start := len(*buf)
	if *buf == nil {
		*buf = make([]string, 0, max(8, len(ss)))
	}
	*buf = append(*buf, ss...)
	return (*buf)[start:len(*buf):len(*buf)]
}

// Catalog adapts an ATT&CK catalog to Knowledge. The tactics' names,
// shortnames and ids are resolved once here: Normalise asks for them
// several times per alert, and a catalog lookup folds the spelling first.
func Catalog(c *attack.Catalog) Knowledge {
	k := &catalogKnowledge{c: c, spellings: map[string]tacticHit{}}
	for _, t := range c.Tactics("") {
		// "" too, in the unlikely case it resolves: Tactic answers it
		// from here (most alerts have no category).
		for _, s := range []string{t.Name, t.Shortname, string(t.ID), ""} {
			if hit, ok := c.Tactic(s); ok {
				k.spellings[s] = tacticHit{hit.Shortname, hit.Order}
			}
		}
	}
	return k
}

type catalogKnowledge struct {
	c         *attack.Catalog
	spellings map[string]tacticHit // read-only once built
}

type tacticHit struct {
	short string
	order int
}

func (k *catalogKnowledge) Technique(id debrief.TechniqueID) (TechniqueInfo, bool, bool) {
	l := k.c.ResolveTechnique(string(id))
	if !l.Known() {
		return TechniqueInfo{}, false, false
	}
	t := l.Technique
	return TechniqueInfo{ID: t.ID, Name: t.Name, Tactics: t.Tactics}, l.Revoked, true
}

func (k *catalogKnowledge) Tactic(s string) (string, int, bool) {
	if hit, ok := k.spellings[s]; ok {
		return hit.short, hit.order, true
	}
	if s == "" {
		return "", 0, false // see Catalog
	}
	t, ok := k.c.Tactic(s)
	if !ok {
		return "", 0, false
	}
	return t.Shortname, t.Order, true
}
