package main

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
)

// ref names a related object in "attack show" output.
type ref struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Via  string `json:"via,omitempty"` // a group's techniques: direct, software, campaign, joined by +
}

// objectJSON is the stable "attack show --json" shape: id, type and name
// always; the other fields when they apply to the type.
type objectJSON struct {
	ID          string   `json:"id"`
	Type        string   `json:"type"`
	Name        string   `json:"name"`
	Domain      string   `json:"domain,omitempty"`
	URL         string   `json:"url,omitempty"`
	Revoked     bool     `json:"revoked,omitempty"`
	RevokedBy   string   `json:"revoked_by,omitempty"` // for a revoked id: its replacement
	Deprecated  bool     `json:"deprecated,omitempty"`
	Aliases     []string `json:"aliases,omitempty"`
	Tactics     []string `json:"tactics,omitempty"` // shortnames, e.g. initial-access
	Parent      string   `json:"parent,omitempty"`
	ParentName  string   `json:"-"`
	Platforms   []string `json:"platforms,omitempty"`
	Shortname   string   `json:"shortname,omitempty"` // tactics
	SoftwareTyp string   `json:"software_type,omitempty"`
	FirstSeen   string   `json:"first_seen,omitempty"`
	LastSeen    string   `json:"last_seen,omitempty"`

	SubTechniques       []ref `json:"sub_techniques,omitempty"`
	Techniques          []ref `json:"techniques,omitempty"`
	Mitigations         []ref `json:"mitigations,omitempty"`
	DetectionStrategies []ref `json:"detection_strategies,omitempty"`
	DataComponents      []ref `json:"data_components,omitempty"`
	Groups              []ref `json:"groups,omitempty"`
	Software            []ref `json:"software,omitempty"`
	Campaigns           []ref `json:"campaigns,omitempty"`

	// Replacement is the technique a revoked id stands for today.
	Replacement *objectJSON `json:"replacement,omitempty"`
	// Also lists other objects with the same name or alias.
	Also []ref `json:"also,omitempty"`
}

func showObject(cat *attack.Catalog, q string) (*objectJSON, error) {
	hits := cat.Lookup(q)
	if len(hits) == 0 {
		msg := fmt.Sprintf("nothing in ATT&CK is called %q", q)
		if s := cat.Search(q); len(s) > 0 {
			msg += fmt.Sprintf("; did you mean %s %s?", s[0].ID, s[0].Name)
		}
		return nil, debrief.Errorf(debrief.ENOTFOUND, "%s", msg)
	}
	v := objectOf(cat, hits[0])
	for _, h := range hits[1:] {
		v.Also = append(v.Also, ref{ID: h.ID, Name: h.Kind.String() + ": " + h.Name})
	}
	if t, ok := hits[0].Object.(*attack.Technique); ok && t.Revoked {
		if l := cat.ResolveTechnique(string(t.ID)); l.Known() && l.Technique.ID != t.ID {
			v.RevokedBy = string(l.Technique.ID)
			v.Replacement = techniqueJSON(cat, l.Technique)
		}
	}
	return v, nil
}

func objectOf(cat *attack.Catalog, h attack.Hit) *objectJSON {
	switch o := h.Object.(type) {
	case *attack.Technique:
		return techniqueJSON(cat, o)
	case *attack.Tactic:
		return &objectJSON{ID: string(o.ID), Type: "tactic", Name: o.Name, Domain: o.Domain, URL: o.URL, Shortname: o.Shortname, Deprecated: o.Deprecated}
	case *attack.Group:
		return &objectJSON{ID: o.ID, Type: "group", Name: o.Name, URL: o.URL, Aliases: o.Aliases, Revoked: o.Revoked, Deprecated: o.Deprecated,
			Techniques: usedRefs(cat, cat.TechniquesOfGroup(o.ID)), Software: softwareRefs(cat, o.Software), Campaigns: campaignRefs(cat, o.Campaigns)}
	case *attack.Campaign:
		v := &objectJSON{ID: o.ID, Type: "campaign", Name: o.Name, URL: o.URL, Aliases: o.Aliases, Revoked: o.Revoked, Deprecated: o.Deprecated,
			Techniques: techRefs(cat, o.Techniques), Software: softwareRefs(cat, o.Software), Groups: groupRefs(cat, o.Groups)}
		if !o.FirstSeen.IsZero() {
			v.FirstSeen = o.FirstSeen.Format("2006-01-02")
		}
		if !o.LastSeen.IsZero() {
			v.LastSeen = o.LastSeen.Format("2006-01-02")
		}
		return v
	case *attack.Software:
		return &objectJSON{ID: o.ID, Type: "software", Name: o.Name, URL: o.URL, Aliases: o.Aliases, SoftwareTyp: o.Type, Platforms: o.Platforms,
			Revoked: o.Revoked, Deprecated: o.Deprecated, Techniques: techRefs(cat, o.Techniques)}
	case *attack.Mitigation:
		return &objectJSON{ID: o.ID, Type: "mitigation", Name: o.Name, URL: o.URL, Revoked: o.Revoked, Deprecated: o.Deprecated, Techniques: techRefs(cat, o.Techniques)}
	case *attack.DetectionStrategy:
		return &objectJSON{ID: o.ID, Type: "detection-strategy", Name: o.Name, URL: o.URL, Deprecated: o.Deprecated, Techniques: techRefs(cat, o.Techniques)}
	case *attack.Analytic:
		return &objectJSON{ID: o.ID, Type: "analytic", Name: o.Name, URL: o.URL, Platforms: o.Platforms, Deprecated: o.Deprecated}
	case *attack.DataComponent:
		return &objectJSON{ID: o.ID, Type: "data-component", Name: o.Name, URL: o.URL, Deprecated: o.Deprecated, Techniques: techRefs(cat, o.Techniques)}
	}
	return &objectJSON{ID: h.ID, Type: h.Kind.String(), Name: h.Name}
}

func techniqueJSON(cat *attack.Catalog, t *attack.Technique) *objectJSON {
	id := string(t.ID)
	v := &objectJSON{ID: id, Type: "technique", Name: t.Name, Domain: t.Domain, URL: t.URL, Revoked: t.Revoked, Deprecated: t.Deprecated,
		Tactics: t.Tactics, Parent: string(t.Parent), Platforms: t.Platforms, SubTechniques: techRefs(cat, t.Subs)}
	if p, ok := cat.Technique(string(t.Parent)); ok && t.Parent != "" {
		v.ParentName = p.Name
	}
	for _, m := range cat.MitigationsOf(id) {
		if m.Active() {
			v.Mitigations = append(v.Mitigations, ref{ID: m.ID, Name: m.Name})
		}
	}
	for _, d := range cat.DetectionsOf(id) {
		v.DetectionStrategies = append(v.DetectionStrategies, ref{ID: d.ID, Name: d.Name})
	}
	for _, d := range cat.DataComponentsOf(id) {
		v.DataComponents = append(v.DataComponents, ref{ID: d.ID, Name: d.Name})
	}
	for _, g := range cat.GroupsUsing(id) {
		if g.Active() {
			v.Groups = append(v.Groups, ref{ID: g.ID, Name: g.Name})
		}
	}
	for _, s := range cat.SoftwareUsing(id) {
		if s.Active() {
			v.Software = append(v.Software, ref{ID: s.ID, Name: s.Name})
		}
	}
	for _, c := range cat.CampaignsUsing(id) {
		v.Campaigns = append(v.Campaigns, ref{ID: c.ID, Name: c.Name})
	}
	return v
}

// usedRefs lists a group's techniques with how it uses each.
func usedRefs(cat *attack.Catalog, us []attack.UsedTechnique) []ref {
	var out []ref
	for _, u := range us {
		if t, ok := cat.Technique(string(u.ID)); ok {
			out = append(out, ref{ID: string(u.ID), Name: t.Name, Via: u.Via.String()})
		}
	}
	return out
}

// techniquesHeader is "techniques (N)", or for a group the counts of
// its own techniques, with its campaigns' and with its software's too.
func techniquesHeader(v *objectJSON) string {
	if v.Type != "group" {
		return fmt.Sprintf("techniques (%d)", len(v.Techniques))
	}
	own, campaigns := 0, 0
	for _, r := range v.Techniques {
		via := strings.Split(r.Via, "+")
		if slices.Contains(via, "direct") {
			own++
		}
		if slices.Contains(via, "direct") || slices.Contains(via, "campaign") {
			campaigns++
		}
	}
	return fmt.Sprintf("techniques (%d own, %d with campaigns, %d with software)", own, campaigns, len(v.Techniques))
}

func techRefs(cat *attack.Catalog, ids []debrief.TechniqueID) []ref {
	var out []ref
	for _, id := range ids {
		if t, ok := cat.Technique(string(id)); ok {
			out = append(out, ref{ID: string(id), Name: t.Name})
		}
	}
	return out
}

func softwareRefs(cat *attack.Catalog, ids []string) []ref {
	var out []ref
	for _, id := range ids {
		if s, ok := cat.Software(id); ok {
			out = append(out, ref{ID: s.ID, Name: s.Name})
		}
	}
	return out
}

func campaignRefs(cat *attack.Catalog, ids []string) []ref {
	var out []ref
	for _, id := range ids {
		if c, ok := cat.Campaign(id); ok {
			out = append(out, ref{ID: c.ID, Name: c.Name})
		}
	}
	return out
}

func groupRefs(cat *attack.Catalog, ids []string) []ref {
	var out []ref
	for _, id := range ids {
		if g, ok := cat.Group(id); ok {
			out = append(out, ref{ID: g.ID, Name: g.Name})
		}
	}
	return out
}

func printObject(w io.Writer, v *objectJSON) {
	if v.Replacement != nil {
		fmt.Fprintf(w, "%s %s was revoked: ATT&CK replaced it with %s.\n\n", v.ID, v.Name, v.RevokedBy)
		v = v.Replacement
	}
	fmt.Fprintf(w, "%s  %s  (%s", v.ID, v.Name, v.Type)
	if v.Domain != "" {
		fmt.Fprintf(w, ", %s", v.Domain)
	}
	fmt.Fprintln(w, ")")
	if v.Deprecated {
		fmt.Fprintln(w, "  deprecated")
	}
	if v.Revoked {
		fmt.Fprintln(w, "  revoked")
	}
	line := func(label, val string) {
		if val != "" {
			fmt.Fprintf(w, "  %-21s %s\n", label, val)
		}
	}
	line("url", v.URL)
	line("aliases", strings.Join(v.Aliases, ", "))
	line("shortname", v.Shortname)
	line("software type", v.SoftwareTyp)
	line("tactics", strings.Join(v.Tactics, ", "))
	line("parent", strings.TrimSpace(v.Parent+" "+v.ParentName))
	line("platforms", strings.Join(v.Platforms, ", "))
	line("first seen", v.FirstSeen)
	line("last seen", v.LastSeen)
	list := func(header string, rs []ref, limit int) {
		if len(rs) == 0 {
			return
		}
		fmt.Fprintf(w, "  %s\n", header)
		for i, r := range rs {
			if i == limit {
				fmt.Fprintf(w, "      … and %d more (--json lists all)\n", len(rs)-limit)
				break
			}
			fmt.Fprintf(w, "      %-10s %s\n", r.ID, r.Name)
		}
	}
	refs := func(label string, rs []ref, limit int) { list(fmt.Sprintf("%s (%d)", label, len(rs)), rs, limit) }
	refs("sub-techniques", v.SubTechniques, 50)
	refs("mitigations", v.Mitigations, 50)
	refs("detection strategies", v.DetectionStrategies, 20)
	refs("data components", v.DataComponents, 30)
	refs("groups", v.Groups, 15)
	refs("software", v.Software, 15)
	refs("campaigns", v.Campaigns, 15)
	list(techniquesHeader(v), v.Techniques, 40)
	refs("also named so", v.Also, 10)
}

// writeGzipCopy stores src (plain or gzip) gzip-compressed at dst,
// atomically (writeOut).
func writeGzipCopy(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	br := bufio.NewReader(in)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return err
		}
		r = zr
	}
	return writeOut(nil, dst, func(w io.Writer) error {
		zw := gzip.NewWriter(w)
		if _, err := io.Copy(zw, r); err != nil {
			return err
		}
		return zw.Close()
	})
}
