// Package snapshot defines the file format of the embedded D3FEND snapshot,
// shared by the generator that writes it and the loader that reads it.
//
// A snapshot is a gzip stream (no name, no modification time) of one JSON
// object whose keys are sorted at every level. Artifact links are stored
// once in a table and referred to by index, since the same link backs many
// techniques.
package snapshot

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"

	"github.com/go-json-experiment/json"
)

// Format is the version of the snapshot layout; Load rejects any other.
const Format = 1

// Snapshot is the whole file. Field order is alphabetical by JSON name so
// that the encoding has sorted keys.
type Snapshot struct {
	ATTACKDomain    string             `json:"attack_domain"`
	ATTACKVersion   string             `json:"attack_version"`
	Countermeasures []Countermeasure   `json:"countermeasures"`
	ReleaseDate     string             `json:"d3fend_release_date"`
	Version         string             `json:"d3fend_version"`
	Format          int                `json:"format"`
	Links           []Link             `json:"links"`
	Tactics         []string           `json:"tactics"`
	Techniques      map[string][]Entry `json:"techniques"`
}

// Countermeasure is one D3FEND technique. Parent is "" for a base technique.
type Countermeasure struct {
	Class  string `json:"d3f"`
	ID     string `json:"id"`
	Name   string `json:"name"`
	Parent string `json:"parent"`
	Tactic string `json:"tactic"`
}

// Link is one artifact link: the ATT&CK side (Rel, Artifact) and the
// countermeasure side (DefRel, DefArtifact).
type Link struct {
	Artifact    string `json:"artifact"`
	DefArtifact string `json:"def_artifact"`
	DefRel      string `json:"def_rel"`
	Rel         string `json:"rel"`
}

// Entry is one countermeasure of an ATT&CK technique; Via holds indexes
// into Snapshot.Links.
type Entry struct {
	ID  string `json:"id"`
	Via []int  `json:"via"`
}

// Write encodes s as a gzip-compressed snapshot. The same s always gives the
// same bytes.
func Write(w io.Writer, s *Snapshot) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return fmt.Errorf("write snapshot: %w", err)
	}
	if err := json.MarshalWrite(zw, s, json.Deterministic(true)); err != nil {
		return fmt.Errorf("write snapshot: %w", err)
	}
	if _, err := zw.Write([]byte("\n")); err != nil {
		return fmt.Errorf("write snapshot: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write snapshot: %w", err)
	}
	return nil
}

// MaxSize bounds the decompressed size Read accepts, so that a hostile file
// cannot exhaust memory. The real snapshot is well under 1 MiB.
const MaxSize = 64 << 20

// Read decodes a snapshot, gzip-compressed or plain JSON. It checks the
// format version but not the content; the caller validates that.
func Read(r io.Reader) (*Snapshot, error) {
	br := bufio.NewReader(r)
	var in io.Reader = br
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		defer zr.Close()
		in = zr
	}
	data, err := io.ReadAll(io.LimitReader(in, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("larger than %d MiB decompressed", MaxSize>>20)
	}
	var s Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, err
	}
	if s.Format != Format {
		if s.Format == 0 {
			return nil, errors.New(`"format": missing; not a debrief D3FEND snapshot`)
		}
		return nil, fmt.Errorf(`"format": %d, want %d (written by another version of debrief)`, s.Format, Format)
	}
	return &s, nil
}
