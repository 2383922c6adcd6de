package navigator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/debrief-dev/debrief/attack"
)

// Domains are the layer domains the format allows.
func Domains() []string { return []string{"enterprise-attack", "mobile-attack", "ics-attack"} }

// Decode reads one layer. Fields debrief does not model are ignored.
func Decode(r io.Reader) (*Layer, error) {
	var l Layer
	if err := json.NewDecoder(r).Decode(&l); err != nil {
		return nil, fmt.Errorf("decode layer: %w", err)
	}
	return &l, nil
}

var (
	techniqueIDPattern = regexp.MustCompile(`^T[0-9]{4}(\.[0-9]{3})?$`)
	colorPattern       = regexp.MustCompile(`^#([0-9a-fA-F]{6}|[0-9a-fA-F]{8})$`)
)

// Validate checks a layer against the rules of the layer format 4.5: a
// name; versions with layer "4.5" and navigator at least 4.9.0; a known
// domain; technique ids of the form T#### or T####.### that the catalog
// knows in that domain, under a tactic the technique belongs to; colours
// as #rrggbb; a gradient of at least two colours with minValue below
// maxValue; legend items, metadata and links with both of their fields,
// links with a protocol. A nil catalog skips the catalog checks. It
// returns every problem found, joined.
func Validate(l *Layer, cat *attack.Catalog) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if strings.TrimSpace(l.Name) == "" {
		bad("name: required")
	}
	if l.Versions.Layer != LayerVersion {
		bad("versions.layer: %q, want %q", l.Versions.Layer, LayerVersion)
	}
	if !atLeast(l.Versions.Navigator, 4, 9, 0) {
		bad("versions.navigator: %q, want at least 4.9.0", l.Versions.Navigator)
	}
	if !slices.Contains(Domains(), l.Domain) {
		bad("domain: %q, want one of %v", l.Domain, Domains())
	}
	for i, t := range l.Techniques {
		for _, err := range checkTechnique(t, l.Domain, cat) {
			bad("techniques[%d] %s: %w", i, t.TechniqueID, err)
		}
	}
	if g := l.Gradient; g != nil {
		if len(g.Colors) < 2 {
			bad("gradient.colors: %d colours, want at least 2", len(g.Colors))
		}
		for _, c := range g.Colors {
			if !colorPattern.MatchString(c) {
				bad("gradient.colors: %q is not #rrggbb", c)
			}
		}
		if !(g.MinValue < g.MaxValue) {
			bad("gradient: minValue %g must be below maxValue %g", g.MinValue, g.MaxValue)
		}
	}
	for i, li := range l.Legend {
		if li.Label == "" || li.Color == "" {
			bad("legendItems[%d]: label and color are required", i)
		}
	}
	errs = append(errs, checkNotes("", l.Metadata, l.Links)...)
	return errors.Join(errs...)
}

func checkTechnique(t Technique, domain string, cat *attack.Catalog) []error {
	var errs []error
	if !techniqueIDPattern.MatchString(t.TechniqueID) {
		errs = append(errs, fmt.Errorf("techniqueID: want T#### or T####.###"))
	}
	if t.Score != nil && (math.IsNaN(*t.Score) || math.IsInf(*t.Score, 0)) {
		errs = append(errs, fmt.Errorf("score: not a number"))
	}
	if t.Color != "" && !colorPattern.MatchString(t.Color) {
		errs = append(errs, fmt.Errorf("color: %q is not #rrggbb", t.Color))
	}
	errs = append(errs, checkNotes("", t.Metadata, t.Links)...)
	if cat == nil || len(errs) > 0 {
		return errs
	}
	ct, ok := cat.Technique(t.TechniqueID)
	switch {
	case !ok || ct.Domain != domain:
		errs = append(errs, fmt.Errorf("not a technique of %s", domain))
	case t.Tactic != "" && !slices.Contains(ct.Tactics, t.Tactic):
		errs = append(errs, fmt.Errorf("tactic: %q is not one of the technique's %v", t.Tactic, ct.Tactics))
	}
	return errs
}

func checkNotes(prefix string, md []Metadata, links []Link) []error {
	var errs []error
	for i, m := range md {
		if m.Name == "" || m.Value == "" {
			errs = append(errs, fmt.Errorf("%smetadata[%d]: name and value are required", prefix, i))
		}
	}
	for i, l := range links {
		if l.Label == "" || !strings.Contains(l.URL, "://") {
			errs = append(errs, fmt.Errorf("%slinks[%d]: a label and a URL with a protocol are required", prefix, i))
		}
	}
	return errs
}

// atLeast compares a dotted version with major.minor.patch.
func atLeast(v string, want ...int) bool {
	parts := strings.Split(v, ".")
	for i, w := range want {
		n := 0
		if i < len(parts) {
			var err error
			if n, err = strconv.Atoi(parts[i]); err != nil {
				return false
			}
		}
		if n != w {
			return n > w
		}
	}
	return v != ""
}
