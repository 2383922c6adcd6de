package stix

import (
	"cmp"
	"slices"

	"github.com/debrief-dev/debrief/attack/internal/model"
)

// domains names the bundle's domains after its matrices (external_id
// enterprise-attack …), preferring matrices that are not deprecated; a
// bundle without matrices takes the domain most of its techniques name.
// Objects without x_mitre_domains get the first domain.
func (l *loader) domains() {
	names := l.matrixDomains(false)
	if len(names) == 0 {
		names = l.matrixDomains(true)
	}
	if len(names) == 0 {
		names = []string{l.techniqueDomain()}
	}
	slices.SortFunc(names, model.CompareDomains)
	for i := range l.d.Objects {
		if o := &l.d.Objects[i]; len(o.Domains) == 0 {
			o.Domains = []string{names[0]}
		}
	}
	spec := cmp.Or(l.bundleSpec, l.objectSpec)
	for _, n := range names {
		dm := model.Domain{Name: n, Modified: l.modified, STIXVersion: spec}
		if c := l.collection; c != nil {
			dm.Title, dm.Version, dm.Modified = c.Name, c.Version, cmp.Or(c.Modified, l.modified)
		} else {
			dm.Title = l.matrixTitle(n)
		}
		l.d.Domains = append(l.d.Domains, dm)
	}
}

func (l *loader) matrixDomains(deprecated bool) []string {
	var names []string
	for _, o := range l.d.Objects {
		if o.Kind == model.Matrix && o.ID != "" && (deprecated || !o.Deprecated) && !slices.Contains(names, o.ID) {
			names = append(names, o.ID)
		}
	}
	return names
}

func (l *loader) matrixTitle(domain string) string {
	title := ""
	for _, o := range l.d.Objects {
		if o.Kind == model.Matrix && o.ID == domain && (title == "" || !o.Deprecated) {
			title = o.Name
		}
	}
	return title
}

// techniqueDomain is the domain most techniques name, or "unknown".
func (l *loader) techniqueDomain() string {
	count := map[string]int{}
	for _, o := range l.d.Objects {
		if o.Kind == model.Technique && len(o.Domains) > 0 {
			count[o.Domains[0]]++
		}
	}
	best := "unknown"
	for n, c := range count {
		if c > count[best] || c == count[best] && model.CompareDomains(n, best) < 0 {
			best = n
		}
	}
	return best
}
