package d3fend

import (
	"slices"
	"strings"

	"github.com/debrief-dev/debrief"
)

// Catalog is a D3FEND release: its countermeasures, its tactics, and the
// countermeasures it links to each ATT&CK technique. It is read-only and
// safe for concurrent use.
type Catalog struct {
	version       string
	releaseDate   string
	attackVersion string
	tactics       []string
	rank          map[string]int // tactic → position in tactics
	byID          map[string]*Countermeasure
	ordered       []*Countermeasure // tactic order, then name
	techniques    map[debrief.TechniqueID][]Match
	ids           []debrief.TechniqueID // sorted
}

// Countermeasure is a D3FEND defensive technique.
type Countermeasure struct {
	ID     string // D3FEND id, e.g. "D3-PT"
	Name   string // e.g. "Process Termination"
	Tactic string // D3FEND tactic, one of Catalog.Tactics, e.g. "Evict"
	Parent string // id of the parent countermeasure, "" for a base technique
	Class  string // local name of the d3f ontology class, e.g. "ProcessTermination"
}

// URL returns the countermeasure's page on the D3FEND site.
func (c *Countermeasure) URL() string {
	return "https://d3fend.mitre.org/technique/d3f:" + c.Class + "/"
}

// Link is one artifact link behind a match: the ATT&CK technique's relation
// to an artifact, and the countermeasure's relation to the same artifact or
// a broader class of it.
type Link struct {
	Rel         string // the technique's side, e.g. "accesses", "may-modify"
	Artifact    string // e.g. "Authentication Service"
	DefRel      string // the countermeasure's side, e.g. "terminates"
	DefArtifact string // Artifact or a superclass of it, e.g. "Process"
}

// May reports whether the technique's side is a "may-" relation: the
// technique can touch the artifact but need not, a weaker link.
func (l Link) May() bool { return strings.HasPrefix(l.Rel, "may-") }

// Match is a countermeasure for a technique and the links that make it one.
type Match struct {
	Countermeasure *Countermeasure
	Via            []Link // at least one
	// FromParent is set when the sub-technique asked for is not in the
	// mapping (e.g. it is newer than the ATT&CK version D3FEND maps) and
	// the match is its parent technique's.
	FromParent bool
}

// TacticGroup is the matches of one D3FEND tactic.
type TacticGroup struct {
	Tactic  string
	Matches []Match
}

// Version returns the D3FEND release, e.g. "1.2.0".
func (c *Catalog) Version() string { return c.version }

// ReleaseDate returns the D3FEND release date, e.g. "2025-08-01".
func (c *Catalog) ReleaseDate() string { return c.releaseDate }

// ATTACKVersion returns the ATT&CK Enterprise version the mapping uses,
// e.g. "17.0".
func (c *Catalog) ATTACKVersion() string { return c.attackVersion }

// Tactics returns the D3FEND tactics in matrix order: Model, Harden,
// Detect, Isolate, Deceive, Evict, Restore.
func (c *Catalog) Tactics() []string { return slices.Clone(c.tactics) }

// Countermeasure returns the countermeasure with a D3FEND id such as
// "D3-PT".
func (c *Catalog) Countermeasure(id string) (*Countermeasure, bool) {
	cm, ok := c.byID[id]
	return cm, ok
}

// Countermeasures returns every countermeasure, in tactic order, then by
// name.
func (c *Catalog) Countermeasures() []*Countermeasure { return slices.Clone(c.ordered) }

// Techniques returns the ATT&CK ids in the mapping, sorted, including
// those D3FEND knows but links to no countermeasure.
func (c *Catalog) Techniques() []debrief.TechniqueID { return slices.Clone(c.ids) }

// Knows reports whether the mapping lists the technique, possibly with no
// countermeasures. A technique it does not know is usually newer than
// ATTACKVersion.
func (c *Catalog) Knows(id debrief.TechniqueID) bool {
	_, _, ok := c.lookup(id)
	return ok
}

// For returns the countermeasures for an ATT&CK technique or sub-technique,
// in tactic order, then by name. A sub-technique that the mapping does not
// list gets its parent's matches, marked FromParent; one that it lists with
// no countermeasures gets none, since its parent's come from its siblings.
// The slice is the caller's; the countermeasures and links are shared and
// must not be changed.
func (c *Catalog) For(id debrief.TechniqueID) []Match {
	id, ms, ok := c.lookup(id)
	if ok {
		return slices.Clone(ms)
	}
	if !id.IsSub() {
		return nil
	}
	ms = slices.Clone(c.techniques[id.Parent()])
	for i := range ms {
		ms[i].FromParent = true
	}
	return ms
}

// ByTactic returns For(id) grouped by tactic, in tactic order, leaving out
// tactics without matches.
func (c *Catalog) ByTactic(id debrief.TechniqueID) []TacticGroup {
	var groups []TacticGroup
	for _, m := range c.For(id) {
		if n := len(groups); n == 0 || groups[n-1].Tactic != m.Countermeasure.Tactic {
			groups = append(groups, TacticGroup{Tactic: m.Countermeasure.Tactic})
		}
		g := &groups[len(groups)-1]
		g.Matches = append(g.Matches, m)
	}
	return groups
}

// lookup finds the entry of id, which may be in any spelling
// ParseTechniqueID accepts ("t1003.001 "), and returns id in canonical form.
func (c *Catalog) lookup(id debrief.TechniqueID) (debrief.TechniqueID, []Match, bool) {
	if ms, ok := c.techniques[id]; ok {
		return id, ms, true
	}
	p, err := debrief.ParseTechniqueID(string(id))
	if err != nil {
		return id, nil, false
	}
	ms, ok := c.techniques[p]
	return p, ms, ok
}
