package d3fend

import (
	"bytes"
	"cmp"
	_ "embed" // for the snapshot and the licence
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/d3fend/internal/snapshot"
)

//go:embed data/d3fend.json.gz
var embeddedSnapshot []byte

//go:embed data/LICENSE.txt
var licenseText string

var embedded = sync.OnceValues(func() (*Catalog, error) {
	c, err := Load(bytes.NewReader(embeddedSnapshot))
	if err != nil {
		return nil, fmt.Errorf("embedded snapshot: %w", err)
	}
	return c, nil
})

// Embedded returns the catalog of the snapshot built into the binary. It
// decodes the snapshot on the first call and returns the same catalog to
// every later one.
func Embedded() (*Catalog, error) { return embedded() }

// License returns D3FEND's licence (MIT, © 2022 The MITRE Corporation),
// which must accompany copies of the embedded data.
func License() string { return licenseText }

// Load reads a snapshot in the format of the embedded one (data/d3fend.json.gz
// as go generate writes it, gzip-compressed or not) and checks it whole.
func Load(r io.Reader) (*Catalog, error) {
	s, err := snapshot.Read(r)
	if err != nil {
		return nil, fmt.Errorf("d3fend snapshot: %w", err)
	}
	c, err := build(s)
	if err != nil {
		return nil, fmt.Errorf("d3fend snapshot: %w", err)
	}
	return c, nil
}

// build checks a decoded snapshot and indexes it.
func build(s *snapshot.Snapshot) (*Catalog, error) {
	if s.Version == "" || s.ReleaseDate == "" || s.ATTACKVersion == "" {
		return nil, errors.New("d3fend_version, d3fend_release_date, attack_version: want all three")
	}
	c := &Catalog{version: s.Version, releaseDate: s.ReleaseDate, attackVersion: s.ATTACKVersion}
	if err := c.addTactics(s.Tactics); err != nil {
		return nil, err
	}
	if err := c.addCountermeasures(s.Countermeasures); err != nil {
		return nil, err
	}
	links, err := convertLinks(s.Links)
	if err != nil {
		return nil, err
	}
	if err := c.addTechniques(s.Techniques, links); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Catalog) addTactics(tactics []string) error {
	if len(tactics) == 0 {
		return errors.New("tactics: want at least one")
	}
	c.tactics = tactics
	c.rank = make(map[string]int, len(tactics))
	for i, t := range tactics {
		if _, dup := c.rank[t]; dup || t == "" {
			return fmt.Errorf("tactics[%d]: %q is empty or repeated", i, t)
		}
		c.rank[t] = i
	}
	return nil
}

func (c *Catalog) addCountermeasures(in []snapshot.Countermeasure) error {
	all := make([]Countermeasure, len(in))
	c.byID = make(map[string]*Countermeasure, len(in))
	c.ordered = make([]*Countermeasure, len(in))
	for i, w := range in {
		cm := &all[i]
		*cm = Countermeasure{ID: w.ID, Name: w.Name, Tactic: w.Tactic, Parent: w.Parent, Class: w.Class}
		if _, dup := c.byID[cm.ID]; dup || cm.ID == "" || cm.Name == "" || cm.Class == "" {
			return fmt.Errorf("countermeasures[%d]: want a unique id and a name and d3f class, got id %q name %q d3f %q", i, cm.ID, cm.Name, cm.Class)
		}
		if _, ok := c.rank[cm.Tactic]; !ok {
			return fmt.Errorf("countermeasures[%d] (%s): tactic %q is not one of %q", i, cm.ID, cm.Tactic, c.tactics)
		}
		c.byID[cm.ID] = cm
		c.ordered[i] = cm
	}
	for i, cm := range c.ordered {
		if _, ok := c.byID[cm.Parent]; cm.Parent != "" && !ok {
			return fmt.Errorf("countermeasures[%d] (%s): parent %q is not a countermeasure", i, cm.ID, cm.Parent)
		}
	}
	slices.SortFunc(c.ordered, c.compare)
	return nil
}

// compare orders countermeasures by tactic, then name, then id.
func (c *Catalog) compare(a, b *Countermeasure) int {
	return cmp.Or(cmp.Compare(c.rank[a.Tactic], c.rank[b.Tactic]), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
}

func convertLinks(in []snapshot.Link) ([]Link, error) {
	links := make([]Link, len(in))
	for i, w := range in {
		if w.Rel == "" || w.Artifact == "" || w.DefRel == "" || w.DefArtifact == "" {
			return nil, fmt.Errorf("links[%d]: want rel, artifact, def_rel and def_artifact", i)
		}
		links[i] = Link{Rel: w.Rel, Artifact: w.Artifact, DefRel: w.DefRel, DefArtifact: w.DefArtifact}
	}
	return links, nil
}

// addTechniques builds every technique's matches. All matches share one
// backing array, and all their links another, to keep loading fast.
func (c *Catalog) addTechniques(in map[string][]snapshot.Entry, links []Link) error {
	nMatch, nVia := 0, 0
	for _, entries := range in {
		nMatch += len(entries)
		for _, e := range entries {
			nVia += len(e.Via)
		}
	}
	matches, via := make([]Match, 0, nMatch), make([]Link, 0, nVia)
	c.techniques = make(map[debrief.TechniqueID][]Match, len(in))
	c.ids = make([]debrief.TechniqueID, 0, len(in))
	for key, entries := range in {
		id, err := debrief.ParseTechniqueID(key)
		if err != nil || string(id) != key {
			return fmt.Errorf("techniques: key %q: want an ATT&CK id T#### or T####.###", key)
		}
		start := len(matches)
		for i, e := range entries {
			m, err := c.match(e, links, &via)
			if err != nil {
				return fmt.Errorf("techniques.%s[%d]: %w", key, i, err)
			}
			matches = append(matches, m)
		}
		ms := matches[start:len(matches):len(matches)]
		slices.SortFunc(ms, func(a, b Match) int { return c.compare(a.Countermeasure, b.Countermeasure) })
		for i := 1; i < len(ms); i++ {
			if ms[i].Countermeasure == ms[i-1].Countermeasure {
				return fmt.Errorf("techniques.%s: countermeasure %s listed twice", key, ms[i].Countermeasure.ID)
			}
		}
		c.techniques[id] = ms
		c.ids = append(c.ids, id)
	}
	slices.Sort(c.ids)
	return nil
}

// match converts one entry, appending its links to *via.
func (c *Catalog) match(e snapshot.Entry, links []Link, via *[]Link) (Match, error) {
	cm, ok := c.byID[e.ID]
	if !ok {
		return Match{}, fmt.Errorf("id: %q is not a countermeasure", e.ID)
	}
	if len(e.Via) == 0 {
		return Match{}, errors.New("via: want at least one link")
	}
	start := len(*via)
	for j, n := range e.Via {
		if n < 0 || n >= len(links) {
			return Match{}, fmt.Errorf("via[%d]: link %d out of range (%d links)", j, n, len(links))
		}
		if j > 0 && n <= e.Via[j-1] {
			return Match{}, fmt.Errorf("via[%d]: link %d after %d, want increasing indexes", j, n, e.Via[j-1])
		}
		*via = append(*via, links[n])
	}
	return Match{Countermeasure: cm, Via: (*via)[start:len(*via):len(*via)]}, nil
}
