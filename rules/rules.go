package rules

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
)

// MaxFile is the largest rule file read (rule files are read whole).
const MaxFile = 8 << 20

// Options tune a Load.
type Options struct {
	// Catalog checks technique ids: revoked ones are remapped, unknown
	// ones moved to Rule.Unknown. Nil keeps the ids as tagged.
	Catalog *attack.Catalog
	// Workers decode files in parallel; 0 means GOMAXPROCS.
	Workers int
}

// FileError is a rule file that could not be decoded.
type FileError struct {
	File   string // as walked
	Line   int    // 1-based; 0 when unknown
	Field  string // e.g. "tags[2]", "rule.threat[0].technique"; "" for syntax errors
	Reason string // what was wrong or expected
	Err    error  // the underlying error, if any
}

func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Reason)
	return b.String()
}

func (e *FileError) Unwrap() error { return e.Err }

// Errorf returns a *FileError for a field of a file.
func Errorf(file string, line int, field, format string, args ...any) *FileError {
	return &FileError{File: file, Line: line, Field: field, Reason: fmt.Sprintf(format, args...)}
}

// Corpus describes one kind of detection content.
type Corpus struct {
	Name string
	// Match tells which files of a walked folder belong to the corpus;
	// files named explicitly are always decoded.
	Match func(path string) bool
	// Decode reads one file's content into rules (several for files that
	// hold several rules). Its errors should be *FileError.
	Decode func(data []byte, file string) ([]debrief.Rule, error)
}

// Normalise checks r's techniques against cat: revoked ids are replaced
// by the current technique and recorded in Remapped; ATT&CK v19 ids cat
// does not know but attack.V19ToV18 translates (T1685 → T1562.001) are
// replaced by their v18 technique and recorded in Remapped too (Set.
// Translated tells them apart); other ids cat does not know move to
// Unknown. Tactics become shortnames ("defense-evasion");
// spellings cat does not know are folded to lower case with hyphens. The
// lists end sorted and without repeats. A nil cat only sorts.
func Normalise(r *debrief.Rule, cat *attack.Catalog) {
	if cat != nil {
		ids := r.Techniques
		r.Techniques = make([]debrief.TechniqueID, 0, len(ids))
		for _, id := range ids {
			l := cat.ResolveTechnique(string(id))
			switch {
			case !l.Known():
				if old, ok := v18(cat, id); ok {
					remap(r, id, old)
				} else {
					r.Unknown = append(r.Unknown, string(id))
				}
			case l.Revoked:
				remap(r, id, l.Technique.ID)
			default:
				r.Techniques = append(r.Techniques, l.Technique.ID)
			}
		}
	}
	for i, t := range r.Tactics {
		r.Tactics[i] = tacticName(t, cat)
	}
	r.Techniques = sortedSet(r.Techniques)
	r.Tactics = sortedSet(r.Tactics)
	r.Unknown = sortedSet(r.Unknown)
}

// v18 translates an ATT&CK v19 id that cat does not know to the v18
// technique it stands for, when cat knows that one.
func v18(cat *attack.Catalog, id debrief.TechniqueID) (debrief.TechniqueID, bool) {
	old, ok := attack.V19ToV18(id)
	if !ok {
		return "", false
	}
	l := cat.ResolveTechnique(string(old))
	if !l.Known() {
		return "", false
	}
	return l.Technique.ID, true
}

func remap(r *debrief.Rule, from, to debrief.TechniqueID) {
	if r.Remapped == nil {
		r.Remapped = map[string]string{}
	}
	r.Remapped[string(from)] = string(to)
	r.Techniques = append(r.Techniques, to)
}

func tacticName(s string, cat *attack.Catalog) string {
	if cat != nil {
		if t, ok := cat.Tactic(s); ok {
			return t.Shortname
		}
	}
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "_", "-")
}

func sortedSet[T ~string](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	slices.Sort(s)
	return slices.Compact(s)
}

// TechniqueTag parses a technique id in any case ("t1059.001",
// "T1059"); ok is false when s is not shaped like one.
func TechniqueTag(s string) (debrief.TechniqueID, bool) {
	id, err := debrief.ParseTechniqueID(s)
	return id, err == nil
}

// Set is the outcome of a Load gathered in memory.
type Set struct {
	Rules   []debrief.Rule
	Invalid []*FileError // files reported and skipped
}

// Collect drains a Load: rules are kept, *FileError values are gathered
// in Invalid, and any other error stops it.
func Collect(seq func(func(debrief.Rule, error) bool)) (*Set, error) {
	s := &Set{}
	for r, err := range seq {
		var fe *FileError
		switch {
		case errors.As(err, &fe):
			s.Invalid = append(s.Invalid, fe)
		case err != nil:
			return s, err
		default:
			s.Rules = append(s.Rules, r)
		}
	}
	return s, nil
}

// Unknown counts, for each technique id the catalog did not know, the
// rules tagged with it.
func (s *Set) Unknown() map[string]int {
	m := map[string]int{}
	for i := range s.Rules {
		for _, id := range s.Rules[i].Unknown {
			m[id]++
		}
	}
	return m
}

// Remapped gathers the revoked ids the rules used and their replacements,
// and the v19 ids translated to v18 (see Translated).
func (s *Set) Remapped() map[string]string {
	m := map[string]string{}
	for i := range s.Rules {
		for o, n := range s.Rules[i].Remapped {
			m[o] = n
		}
	}
	return m
}

// Translated gathers the ATT&CK v19 ids the rules used that the catalog
// did not know and Normalise read as their v18 technique (a subset of
// Remapped).
func (s *Set) Translated() map[string]string {
	m := map[string]string{}
	for o, n := range s.Remapped() {
		if _, ok := attack.V19ToV18(debrief.TechniqueID(o)); ok {
			m[o] = n
		}
	}
	return m
}

// Deprecated counts the rules that are deprecated or unsupported.
func (s *Set) Deprecated() int {
	n := 0
	for i := range s.Rules {
		if !s.Rules[i].Active() {
			n++
		}
	}
	return n
}

// Status folds the corpora's maturity words to a RuleStatus: Sigma's
// stable/test/experimental/deprecated/unsupported, Elastic's
// production/development/deprecated, Splunk's production/experimental/
// deprecated, Sentinel's Available/Deprecated.
func Status(s string) debrief.RuleStatus {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "stable", "production", "available":
		return debrief.RuleStable
	case "test", "testing":
		return debrief.RuleTest
	case "experimental", "development", "preview":
		return debrief.RuleExperimental
	case "deprecated":
		return debrief.RuleDeprecated
	case "unsupported":
		return debrief.RuleUnsupported
	}
	return debrief.RuleUnknown
}

// IDUse is a tagged technique id that was not read as is, and the files
// of the rules tagged with it.
type IDUse struct {
	ID    string   `json:"id"`           // as tagged, e.g. "T1685"
	As    string   `json:"as,omitempty"` // the technique it was read as; "" for an unknown id
	Rules int      `json:"rules"`        // how many rules carry it
	Files []string `json:"files"`        // their files (the rule id when it has none), sorted
}

// IDUses sorts the ids of rs that were not read as tagged: Translated are
// ATT&CK v19 ids read as their v18 technique (attack.V19ToV18), Revoked
// the revoked ids replaced by their successor, Unknown the ids the catalog
// did not know.
type IDUses struct {
	Translated []IDUse `json:"translated"`
	Revoked    []IDUse `json:"revoked"`
	Unknown    []IDUse `json:"unknown"`
}

// Uses gathers the translated, revoked and unknown ids of rs (as
// Normalise recorded them) with the files of the rules that carry them,
// each list sorted by id.
func Uses(rs []debrief.Rule) IDUses {
	type key struct{ id, as string }
	files := map[key]map[string]bool{}
	count := map[key]int{}
	add := func(k key, r *debrief.Rule) {
		if files[k] == nil {
			files[k] = map[string]bool{}
		}
		f := r.File
		if f == "" {
			f = r.ID
		}
		files[k][f] = true
		count[k]++
	}
	for i := range rs {
		for o, n := range rs[i].Remapped {
			add(key{o, n}, &rs[i])
		}
		for _, id := range rs[i].Unknown {
			add(key{id, ""}, &rs[i])
		}
	}
	var u IDUses
	for k, fs := range files {
		use := IDUse{ID: k.id, As: k.as, Rules: count[k], Files: slices.Sorted(maps.Keys(fs))}
		_, v19 := attack.V19ToV18(debrief.TechniqueID(k.id))
		switch {
		case k.as == "":
			u.Unknown = append(u.Unknown, use)
		case v19:
			u.Translated = append(u.Translated, use)
		default:
			u.Revoked = append(u.Revoked, use)
		}
	}
	for _, l := range []*[]IDUse{&u.Translated, &u.Revoked, &u.Unknown} {
		if *l == nil {
			*l = []IDUse{}
		}
		slices.SortFunc(*l, func(a, b IDUse) int { return cmp.Or(strings.Compare(a.ID, b.ID), strings.Compare(a.As, b.As)) })
	}
	return u
}

// Unmapped lists, sorted, the files (the rule id when a rule has none) of
// the rules that carry no technique id at all, known or not: content a
// coverage count cannot place.
func Unmapped(rs []debrief.Rule) []string {
	seen := map[string]bool{}
	for i := range rs {
		if len(rs[i].Techniques) == 0 && len(rs[i].Unknown) == 0 {
			seen[cmp.Or(rs[i].File, rs[i].ID)] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}
