package navigator

import (
	"encoding/json"
	"fmt"
	"io"
)

// Format versions written into every layer.
const (
	LayerVersion     = "4.5"
	NavigatorVersion = "5.1.0"
)

// Layer is an ATT&CK Navigator layer (format 4.5). Only the fields debrief
// writes are modelled; Decode keeps what it reads of them.
type Layer struct {
	Name        string       `json:"name"`
	Versions    Versions     `json:"versions"`
	Domain      string       `json:"domain"`
	Description string       `json:"description,omitempty"`
	Filters     *Filters     `json:"filters,omitempty"`
	Sorting     int          `json:"sorting,omitempty"`
	Layout      *Layout      `json:"layout,omitempty"`
	HideDisable bool         `json:"hideDisabled"`
	Techniques  []Technique  `json:"techniques"`
	Gradient    *Gradient    `json:"gradient,omitempty"`
	Legend      []LegendItem `json:"legendItems,omitempty"`
	Metadata    []Metadata   `json:"metadata,omitempty"`
	Links       []Link       `json:"links,omitempty"`
}

// Versions names the ATT&CK, Navigator and layer format versions.
type Versions struct {
	ATTACK    string `json:"attack,omitempty"`
	Navigator string `json:"navigator"`
	Layer     string `json:"layer"`
}

// Filters restricts the matrix to platforms.
type Filters struct {
	Platforms []string `json:"platforms,omitempty"`
}

// Layout says how the matrix is drawn.
type Layout struct {
	Layout                string `json:"layout,omitempty"`
	ShowID                bool   `json:"showID"`
	ShowName              bool   `json:"showName"`
	ShowAggregateScores   bool   `json:"showAggregateScores,omitempty"`
	AggregateFunction     string `json:"aggregateFunction,omitempty"`
	ExpandedSubtechniques string `json:"expandedSubtechniques,omitempty"`
}

// Technique annotates one technique or sub-technique, optionally under
// one tactic.
type Technique struct {
	TechniqueID       string     `json:"techniqueID"`
	Tactic            string     `json:"tactic,omitempty"`
	Score             *float64   `json:"score,omitempty"`
	Color             string     `json:"color,omitempty"`
	Comment           string     `json:"comment,omitempty"`
	Enabled           *bool      `json:"enabled,omitempty"`
	Metadata          []Metadata `json:"metadata,omitempty"`
	Links             []Link     `json:"links,omitempty"`
	ShowSubtechniques bool       `json:"showSubtechniques,omitempty"`
}

// Gradient maps scores to colours.
type Gradient struct {
	Colors   []string `json:"colors"`
	MinValue float64  `json:"minValue"`
	MaxValue float64  `json:"maxValue"`
}

// LegendItem explains a colour.
type LegendItem struct {
	Label string `json:"label"`
	Color string `json:"color"`
}

// Metadata is a name/value note.
type Metadata struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Link is a labelled URL.
type Link struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// Score returns a pointer to s, for Technique.Score.
func Score(s float64) *float64 { return &s }

// New returns a layer with the versions and a readable default layout.
func New(name, domain, attackVersion string) *Layer {
	return &Layer{
		Name:     name,
		Domain:   domain,
		Versions: Versions{ATTACK: attackVersion, Navigator: NavigatorVersion, Layer: LayerVersion},
		Layout:   &Layout{Layout: "side", ShowID: true, ShowName: true, ExpandedSubtechniques: "annotated"},
	}
}

// Encode writes l as indented JSON.
func Encode(w io.Writer, l *Layer) error {
	if l.Techniques == nil {
		l.Techniques = []Technique{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(l); err != nil {
		return fmt.Errorf("encode layer %q: %w", l.Name, err)
	}
	return nil
}
