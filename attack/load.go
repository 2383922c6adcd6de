package attack

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/debrief-dev/debrief/attack/data"
	"github.com/debrief-dev/debrief/attack/internal/model"
	"github.com/debrief-dev/debrief/attack/internal/stix"
)

// Load reads one ATT&CK STIX bundle: STIX 2.1 (attack-stix-data) or 2.0
// (mitre/cti), Enterprise, Mobile or ICS, plain or gzip-compressed (told
// by its first bytes). It streams the bundle and keeps only what the
// Catalog needs. When r has a Name method (an *os.File), errors start
// with the file's base name:
//
//	attack: enterprise.json: not JSON: …
//	attack: x.json: not a STIX bundle: "type" is "indicator", want "bundle"
//	attack: x.json.gz: truncated gzip data: unexpected EOF
//	attack: x.json: objects[17] (attack-pattern): no "id"
//
// References to objects the bundle does not contain are not errors; they
// are counted in the catalog's Warnings.
func Load(r io.Reader) (*Catalog, error) {
	name := ""
	if f, ok := r.(interface{ Name() string }); ok {
		name = filepath.Base(f.Name())
	}
	d, err := stix.Load(r, name)
	if err != nil {
		return nil, fmt.Errorf("attack: %w", err)
	}
	return build(d), nil
}

// LoadFile opens and loads one bundle file.
func LoadFile(path string) (*Catalog, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("attack: %w", err)
	}
	defer f.Close()
	return Load(f)
}

// Merge combines catalogs of different domains into one, as Embedded
// holds Enterprise, Mobile and ICS together. Groups, software, campaigns
// and data components that several domains share (one STIX id) become one
// object listing all their domains. Two catalogs with the same domain are
// an error: to use a newer release of a domain, load it on its own.
func Merge(cs ...*Catalog) (*Catalog, error) {
	var ds []*model.Data
	var seen []string
	for _, c := range cs {
		for _, dm := range c.domains {
			if slices.Contains(seen, dm.Name) {
				return nil, fmt.Errorf("attack: merge: domain %s is in two catalogs", dm.Name)
			}
			seen = append(seen, dm.Name)
		}
		ds = append(ds, c.data)
	}
	if len(ds) == 0 {
		return nil, errors.New("attack: merge: no catalogs")
	}
	return build(model.Merge(ds...)), nil
}

// Domains describes the domains the catalog holds, Enterprise first.
func (c *Catalog) Domains() []Domain { return slices.Clone(c.domains) }

// Warnings returns the problems loading met that did not stop it.
func (c *Catalog) Warnings() Warnings { return c.warnings }

// embedded decodes the snapshot once per process.
var embedded = sync.OnceValues(loadEmbedded)

// Embedded returns the catalog compiled into the binary: ATT&CK v18.1
// Enterprise, Mobile and ICS (see package data for the exact release and
// the bundles' SHA-256). It is decoded on first use, once.
func Embedded() (*Catalog, error) { return embedded() }

func loadEmbedded() (*Catalog, error) {
	d, err := model.DecodeSnapshot(data.Snapshot())
	if err != nil {
		return nil, fmt.Errorf("attack: embedded snapshot: %w", err)
	}
	return build(d), nil
}
