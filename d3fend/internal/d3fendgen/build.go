package main

import (
	"cmp"
	"errors"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/go-json-experiment/json"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/d3fend/internal/snapshot"
)

// The input files, in the shape the D3FEND reference data's README documents.
// Members the snapshot does not keep (definitions, sources, "from") are
// not decoded.
type mappingDoc struct {
	Version       string                  `json:"d3fend_version"`
	ReleaseDate   string                  `json:"d3fend_release_date"`
	ATTACKVersion string                  `json:"attack_version"`
	ATTACKDomain  string                  `json:"attack_domain"`
	Mappings      map[string][]mappingRow `json:"mappings"`
}

type mappingRow struct {
	ID     string    `json:"id"`
	Name   string    `json:"name"`
	Tactic string    `json:"tactic"`
	Via    []viaLink `json:"via"`
}

type viaLink struct {
	Rel         string `json:"rel"`
	Artifact    string `json:"artifact"`
	DefRel      string `json:"def_rel"`
	DefArtifact string `json:"def_artifact"`
}

func (v viaLink) link() snapshot.Link {
	return snapshot.Link{Rel: v.Rel, Artifact: v.Artifact, DefRel: v.DefRel, DefArtifact: v.DefArtifact}
}

type techniquesDoc struct {
	Version    string          `json:"d3fend_version"`
	Tactics    []string        `json:"tactics"`
	Techniques []techniqueItem `json:"techniques"`
}

type techniqueItem struct {
	ID     string  `json:"id"`
	Name   string  `json:"name"`
	Tactic string  `json:"tactic"`
	Parent *string `json:"parent"`
	Class  string  `json:"d3f"`
}

// build reads both input files, checks that they agree, and returns the
// snapshot with countermeasures sorted by id, links sorted and deduplicated,
// and each technique's entries in tactic order, then name.
func build(mappingPath, techniquesPath string) (*snapshot.Snapshot, error) {
	var tech techniquesDoc
	if err := decodeFile(techniquesPath, &tech); err != nil {
		return nil, err
	}
	var mapping mappingDoc
	if err := decodeFile(mappingPath, &mapping); err != nil {
		return nil, err
	}
	snap, err := catalogue(&tech)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", techniquesPath, err)
	}
	if err := addMappings(snap, &mapping, filepath.Base(techniquesPath)); err != nil {
		return nil, fmt.Errorf("%s: %w", mappingPath, err)
	}
	return snap, nil
}

func decodeFile(path string, v any) error {
	b, err := readInput(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// catalogue checks the tactics and countermeasures and starts the snapshot.
func catalogue(doc *techniquesDoc) (*snapshot.Snapshot, error) {
	if doc.Version == "" {
		return nil, errors.New("d3fend_version: missing")
	}
	if len(doc.Tactics) == 0 {
		return nil, errors.New("tactics: missing")
	}
	for i, t := range doc.Tactics {
		if t == "" || slices.Index(doc.Tactics, t) != i {
			return nil, fmt.Errorf("tactics[%d]: %q is empty or repeated", i, t)
		}
	}
	snap := &snapshot.Snapshot{Format: snapshot.Format, Version: doc.Version, Tactics: doc.Tactics}
	ids := make(map[string]bool, len(doc.Techniques))
	for i, t := range doc.Techniques {
		if t.ID == "" || t.Name == "" || t.Class == "" || ids[t.ID] {
			return nil, fmt.Errorf("techniques[%d]: want unique id and non-empty name and d3f, got id %q name %q d3f %q", i, t.ID, t.Name, t.Class)
		}
		if !slices.Contains(doc.Tactics, t.Tactic) {
			return nil, fmt.Errorf("techniques[%d] (%s): tactic %q is not one of %q", i, t.ID, t.Tactic, doc.Tactics)
		}
		ids[t.ID] = true
		cm := snapshot.Countermeasure{ID: t.ID, Name: t.Name, Tactic: t.Tactic, Class: t.Class}
		if t.Parent != nil {
			cm.Parent = *t.Parent
		}
		snap.Countermeasures = append(snap.Countermeasures, cm)
	}
	for i, cm := range snap.Countermeasures {
		if cm.Parent != "" && !ids[cm.Parent] {
			return nil, fmt.Errorf("techniques[%d] (%s): parent %q is not a listed technique", i, cm.ID, cm.Parent)
		}
	}
	slices.SortFunc(snap.Countermeasures, func(a, b snapshot.Countermeasure) int { return cmp.Compare(a.ID, b.ID) })
	return snap, nil
}

// index holds what converting the mapping rows needs.
type index struct {
	cms            map[string]snapshot.Countermeasure
	tactic         map[string]int // tactic name → matrix position
	links          map[snapshot.Link]int
	techniquesName string
}

// addMappings checks the mapping against the catalogue in snap and adds
// the links and per-technique entries.
func addMappings(snap *snapshot.Snapshot, doc *mappingDoc, techniquesName string) error {
	switch {
	case doc.Version != snap.Version:
		return fmt.Errorf("d3fend_version: %q, but %s has %q", doc.Version, techniquesName, snap.Version)
	case doc.ReleaseDate == "" || doc.ATTACKVersion == "" || doc.ATTACKDomain == "":
		return errors.New("d3fend_release_date, attack_version and attack_domain: want all three")
	case len(doc.Mappings) == 0:
		return errors.New("mappings: missing or empty")
	}
	snap.ReleaseDate, snap.ATTACKVersion, snap.ATTACKDomain = doc.ReleaseDate, doc.ATTACKVersion, doc.ATTACKDomain
	ix := index{
		cms:            make(map[string]snapshot.Countermeasure, len(snap.Countermeasures)),
		tactic:         make(map[string]int, len(snap.Tactics)),
		techniquesName: techniquesName,
	}
	for _, cm := range snap.Countermeasures {
		ix.cms[cm.ID] = cm
	}
	for i, t := range snap.Tactics {
		ix.tactic[t] = i
	}
	snap.Links, ix.links = linkTable(doc.Mappings)
	snap.Techniques = make(map[string][]snapshot.Entry, len(doc.Mappings))
	for key, rows := range doc.Mappings {
		if id, err := debrief.ParseTechniqueID(key); err != nil || string(id) != key {
			return fmt.Errorf("mappings: key %q: want an ATT&CK id T#### or T####.###", key)
		}
		entries, err := ix.technique(key, rows)
		if err != nil {
			return err
		}
		snap.Techniques[key] = entries
	}
	return nil
}

// linkTable returns every distinct link of the mapping, sorted, and each
// link's position in that list.
func linkTable(mappings map[string][]mappingRow) ([]snapshot.Link, map[snapshot.Link]int) {
	pos := map[snapshot.Link]int{}
	for _, rows := range mappings {
		for _, row := range rows {
			for _, v := range row.Via {
				pos[v.link()] = 0
			}
		}
	}
	table := make([]snapshot.Link, 0, len(pos))
	for l := range pos {
		table = append(table, l)
	}
	slices.SortFunc(table, func(a, b snapshot.Link) int {
		return cmp.Or(cmp.Compare(a.Rel, b.Rel), cmp.Compare(a.Artifact, b.Artifact),
			cmp.Compare(a.DefRel, b.DefRel), cmp.Compare(a.DefArtifact, b.DefArtifact))
	})
	for i, l := range table {
		pos[l] = i
	}
	return table, pos
}

// technique converts the rows of one ATT&CK id.
func (ix *index) technique(key string, rows []mappingRow) ([]snapshot.Entry, error) {
	entries := make([]snapshot.Entry, 0, len(rows))
	seen := make(map[string]bool, len(rows))
	for i, row := range rows {
		where := fmt.Sprintf("mappings.%s[%d]", key, i)
		cm, ok := ix.cms[row.ID]
		switch {
		case !ok:
			return nil, fmt.Errorf("%s: countermeasure %q is not in %s", where, row.ID, ix.techniquesName)
		case row.Name != cm.Name || row.Tactic != cm.Tactic:
			return nil, fmt.Errorf("%s: %s is %q (%s) here but %q (%s) in %s", where, row.ID, row.Name, row.Tactic, cm.Name, cm.Tactic, ix.techniquesName)
		case seen[row.ID]:
			return nil, fmt.Errorf("%s: countermeasure %s is listed twice", where, row.ID)
		case len(row.Via) == 0:
			return nil, fmt.Errorf("%s.via: want at least one link", where)
		}
		seen[row.ID] = true
		e := snapshot.Entry{ID: row.ID}
		for j, v := range row.Via {
			if v.Rel == "" || v.Artifact == "" || v.DefRel == "" || v.DefArtifact == "" {
				return nil, fmt.Errorf("%s.via[%d]: want rel, artifact, def_rel and def_artifact", where, j)
			}
			e.Via = append(e.Via, ix.links[v.link()])
		}
		slices.Sort(e.Via)
		e.Via = slices.Compact(e.Via)
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b snapshot.Entry) int {
		ca, cb := ix.cms[a.ID], ix.cms[b.ID]
		return cmp.Or(cmp.Compare(ix.tactic[ca.Tactic], ix.tactic[cb.Tactic]), cmp.Compare(ca.Name, cb.Name), cmp.Compare(ca.ID, cb.ID))
	})
	return entries, nil
}
