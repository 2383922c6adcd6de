package rules

import (
	"errors"
	"fmt"
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
// by the current technique and recorded in Remapped, ids cat does not
// know move to Unknown. Tactics become shortnames ("defense-evasion");
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
				r.Unknown = append(r.Unknown, string(id))
			case l.Revoked:
				if r.Remapped == nil {
					r.Remapped = map[string]string{}
				}
				r.Remapped[string(id)] = string(l.Technique.ID)
				r.Techniques = append(r.Techniques, l.Technique.ID)
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

// Remapped gathers the revoked ids the rules used and their replacements.
func (s *Set) Remapped() map[string]string {
	m := map[string]string{}
	for i := range s.Rules {
		for o, n := range s.Rules[i].Remapped {
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
