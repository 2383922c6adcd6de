package attack

import (
	"cmp"
	"slices"
	"strings"

	"github.com/debrief-dev/debrief"
)

// The reverse indexes take a technique id as written (any case) and do
// not follow revocations or reach from a technique to its
// sub-techniques: ask for each id you need. An unknown id gives nil.

// GroupsUsing returns the groups that use the technique themselves
// (uses relationships), by id.
func (c *Catalog) GroupsUsing(technique string) []*Group {
	return reverse(c, technique, c.links.techGroup, c.groups)
}

// SoftwareUsing returns the malware and tools that use the technique.
func (c *Catalog) SoftwareUsing(technique string) []*Software {
	return reverse(c, technique, c.links.techSoft, c.software)
}

// CampaignsUsing returns the campaigns that use the technique.
func (c *Catalog) CampaignsUsing(technique string) []*Campaign {
	return reverse(c, technique, c.links.techCamp, c.campaigns)
}

// MitigationsOf returns the mitigations of the technique.
func (c *Catalog) MitigationsOf(technique string) []*Mitigation {
	return reverse(c, technique, c.links.techMit, c.mitigations)
}

// DetectionsOf returns the detection strategies that detect the technique.
func (c *Catalog) DetectionsOf(technique string) []*DetectionStrategy {
	return reverse(c, technique, c.links.techDet, c.strategies)
}

// DataComponentsOf returns the data components that help detect the
// technique: those the analytics of its detection strategies read, and
// (in bundles before v18) those with a detects relationship to it.
func (c *Catalog) DataComponentsOf(technique string) []*DataComponent {
	return reverse(c, technique, c.links.techComp, c.components)
}

// LogSourcesOf returns the log sources that the analytics of the
// technique's detection strategies read, each with its data component;
// ordered by data component, name and channel, without repeats.
func (c *Catalog) LogSourcesOf(technique string) []LogSource {
	var out []LogSource
	for _, s := range c.DetectionsOf(technique) {
		for _, id := range s.Analytics {
			if a, ok := c.Analytic(id); ok {
				out = append(out, a.LogSources...)
			}
		}
	}
	slices.SortFunc(out, func(a, b LogSource) int {
		return cmp.Or(strings.Compare(a.DataComponent, b.DataComponent), strings.Compare(a.Name, b.Name),
			strings.Compare(a.Channel, b.Channel))
	})
	return slices.Compact(out)
}

func reverse[T any](c *Catalog, technique string, g graph, objs []T) []*T {
	i, ok := c.techIndex(technique)
	if !ok || len(g.of(i)) == 0 {
		return nil
	}
	out := make([]*T, len(g.of(i)))
	for n, j := range g.of(i) {
		out[n] = &objs[j]
	}
	return out
}

// Via says how a group or campaign comes to use a technique; the values
// combine.
type Via uint8

// Ways of using a technique.
const (
	Direct      Via = 1 << iota // a uses relationship of the group (or campaign) itself
	ViaSoftware                 // software the group (or campaign) uses uses it
	ViaCampaign                 // a campaign attributed to the group uses it itself
)

// String lists the ways joined by "+": "direct+software".
func (v Via) String() string {
	var parts []string
	for _, p := range []struct {
		v    Via
		name string
	}{{Direct, "direct"}, {ViaSoftware, "software"}, {ViaCampaign, "campaign"}} {
		if v&p.v != 0 {
			parts = append(parts, p.name)
		}
	}
	return strings.Join(parts, "+")
}

// UsedTechnique is a technique a group or campaign uses, and how.
type UsedTechnique struct {
	ID        debrief.TechniqueID
	Via       Via
	Software  []string // the software through which, by Key (with ViaSoftware)
	Campaigns []string // the campaigns through which, by id (with ViaCampaign)
}

// TechniquesOfGroup returns the techniques a group (id, name or alias)
// uses: itself, through the software it uses, and through the campaigns
// attributed to it; by technique id. Nil when the group is unknown.
func (c *Catalog) TechniquesOfGroup(group string) []UsedTechnique {
	g, ok := c.best(KindGroup, group)
	if !ok {
		return nil
	}
	u := used{}
	l := &c.links
	u.add(l.groupTech.of(g), Direct, "", "")
	for _, s := range l.groupSoft.of(g) {
		u.add(l.softTech.of(s), ViaSoftware, c.software[s].Key(), "")
	}
	for _, k := range l.groupCamp.of(g) {
		u.add(l.campTech.of(k), ViaCampaign, "", c.campaigns[k].Key())
	}
	return u.list(c)
}

// TechniquesOfCampaign returns the techniques a campaign (id, name or
// alias) uses: itself (Direct) and through its software (ViaSoftware).
func (c *Catalog) TechniquesOfCampaign(campaign string) []UsedTechnique {
	k, ok := c.best(KindCampaign, campaign)
	if !ok {
		return nil
	}
	u := used{}
	l := &c.links
	u.add(l.campTech.of(k), Direct, "", "")
	for _, s := range l.campSoft.of(k) {
		u.add(l.softTech.of(s), ViaSoftware, c.software[s].Key(), "")
	}
	return u.list(c)
}

type used map[int32]*UsedTechnique

func (u used) add(techs []int32, via Via, software, campaign string) {
	for _, t := range techs {
		e := u[t]
		if e == nil {
			e = &UsedTechnique{}
			u[t] = e
		}
		e.Via |= via
		if software != "" && !slices.Contains(e.Software, software) {
			e.Software = append(e.Software, software)
		}
		if campaign != "" && !slices.Contains(e.Campaigns, campaign) {
			e.Campaigns = append(e.Campaigns, campaign)
		}
	}
}

func (u used) list(c *Catalog) []UsedTechnique {
	idx := make([]int32, 0, len(u))
	for t := range u {
		idx = append(idx, t)
	}
	slices.Sort(idx)
	out := make([]UsedTechnique, len(idx))
	for n, t := range idx {
		e := u[t]
		e.ID = c.techniques[t].ID
		slices.Sort(e.Software)
		slices.Sort(e.Campaigns)
		out[n] = *e
	}
	return out
}
