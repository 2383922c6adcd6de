package coverage

import (
	"fmt"
	"strings"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/attack"
)

// Profile is a threat as a weighted set of techniques (weights 0–1).
type Profile struct {
	Name    string                          `json:"name"`
	Weights map[debrief.TechniqueID]float64 `json:"weights"`
}

func (p Profile) normalise() Profile {
	top := 0.0
	for _, w := range p.Weights {
		top = max(top, w)
	}
	for id, w := range p.Weights {
		if top > 0 {
			p.Weights[id] = roundTo(w/top, 1000)
		}
	}
	return p
}

// severityWeight weighs an incident's techniques by its severity.
func severityWeight(s debrief.Severity) float64 {
	switch s {
	case debrief.SeverityCritical:
		return 4
	case debrief.SeverityHigh:
		return 3
	case debrief.SeverityMedium:
		return 2
	case debrief.SeverityLow:
		return 1
	}
	return 0.5
}

// Observed weighs the techniques of incidents by how often they occur,
// each occurrence counting by its incident's severity (critical 4, high 3,
// medium 2, low 1, else ½); the heaviest technique weighs 1.
func Observed(incidents []debrief.Incident) Profile {
	p := Profile{Name: "observed", Weights: map[debrief.TechniqueID]float64{}}
	for i := range incidents {
		for _, id := range incidentTechniques(&incidents[i]) {
			p.Weights[id] += severityWeight(incidents[i].Severity)
		}
	}
	return p.normalise()
}

func incidentTechniques(in *debrief.Incident) []debrief.TechniqueID {
	seen := map[debrief.TechniqueID]bool{}
	var out []debrief.TechniqueID
	add := func(id debrief.TechniqueID) {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, id := range in.Techniques {
		add(id)
	}
	for _, a := range in.Alerts {
		for _, t := range a.Techniques {
			add(t.ID)
		}
	}
	return out
}

// Groups weighs the techniques of ATT&CK groups (ids, names or aliases):
// 1 for a group's own use, 0.7 through its software or campaigns, summed
// over the groups; the heaviest weighs 1.
func Groups(cat *attack.Catalog, names []string) (Profile, error) {
	return used(cat, "group", names, cat.TechniquesOfGroup)
}

// Campaigns weighs the techniques of ATT&CK campaigns like Groups.
func Campaigns(cat *attack.Catalog, names []string) (Profile, error) {
	return used(cat, "campaign", names, cat.TechniquesOfCampaign)
}

func used(cat *attack.Catalog, kind string, names []string, of func(string) []attack.UsedTechnique) (Profile, error) {
	p := Profile{Name: kind + ":" + strings.Join(names, ","), Weights: map[debrief.TechniqueID]float64{}}
	for _, n := range names {
		ts := of(strings.TrimSpace(n))
		if ts == nil {
			return p, fmt.Errorf("%s %q: not in ATT&CK or uses no techniques", kind, n)
		}
		for _, t := range ts {
			w := 0.7
			if t.Via&attack.Direct != 0 {
				w = 1
			}
			p.Weights[t.ID] += w
		}
	}
	return p.normalise(), nil
}

// Layer weighs the techniques of declared rules (a Navigator layer read
// by rules/navigator) by the weight the layer declares, as is: Score, the
// entry's score placed on the layer's gradient (0–1), or 1 when the rule
// has none. A technique listed several times weighs its highest.
func Layer(name string, rs []debrief.Rule) Profile {
	p := Profile{Name: "layer:" + name, Weights: map[debrief.TechniqueID]float64{}}
	for _, r := range rs {
		w := 1.0
		if r.Score != nil {
			w = min(max(*r.Score, 0), 1)
		}
		if w == 0 {
			continue
		}
		for _, id := range r.Techniques {
			p.Weights[id] = max(p.Weights[id], roundTo(w, 1000))
		}
	}
	return p
}

// All weighs every active technique and sub-technique of the domain 1.
func All(cat *attack.Catalog, domain string) Profile {
	if domain == "" {
		domain = "enterprise-attack"
	}
	p := Profile{Name: "all", Weights: map[debrief.TechniqueID]float64{}}
	for _, t := range cat.Techniques(domain) {
		if t.Active() {
			p.Weights[t.ID] = 1
		}
	}
	return p
}

func roundTo(v, f float64) float64 { return float64(int64(v*f+0.5)) / f }
