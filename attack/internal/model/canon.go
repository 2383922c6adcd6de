package model

import (
	"cmp"
	"slices"
	"strings"
)

// Canonicalize puts d in its one canonical order, so that equal content
// gives equal snapshots: domains by rank, objects by kind, ATT&CK id,
// domain and STIX id, relations by source, type and target without
// duplicates. Order inside an object (aliases, matrix tactics, analytics)
// is the bundle's and is kept. Empty lists become nil.
func (d *Data) Canonicalize() {
	slices.SortStableFunc(d.Domains, func(a, b Domain) int { return CompareDomains(a.Name, b.Name) })
	order := make([]int32, len(d.Objects))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return compareObjects(&d.Objects[a], &d.Objects[b]) })
	remap := make([]int32, len(order))
	objs := make([]Object, len(order))
	for to, from := range order {
		remap[from] = int32(to)
		objs[to] = d.Objects[from]
	}
	for i := range objs {
		o := &objs[i]
		for j := range o.Refs {
			o.Refs[j] = remap[o.Refs[j]]
		}
		for j := range o.LogSources {
			if o.LogSources[j].DataComponent >= 0 {
				o.LogSources[j].DataComponent = remap[o.LogSources[j].DataComponent]
			}
		}
		slices.SortFunc(o.Domains, CompareDomains)
		o.Domains = nilIfEmpty(o.Domains)
		o.Aliases = nilIfEmpty(o.Aliases)
		o.Platforms = nilIfEmpty(o.Platforms)
		o.Phases = nilIfEmpty(o.Phases)
		o.Refs = nilIfEmpty(o.Refs)
		o.LogSources = nilIfEmpty(o.LogSources)
	}
	d.Objects = objs
	for i := range d.Relations {
		r := &d.Relations[i]
		r.Source, r.Target = remap[r.Source], remap[r.Target]
	}
	slices.SortFunc(d.Relations, func(a, b Relation) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Target, b.Target))
	})
	d.Relations = nilIfEmpty(slices.Compact(d.Relations))
	d.Domains = nilIfEmpty(d.Domains)
	d.Warnings = nilIfEmpty(d.Warnings)
}

func compareObjects(a, b *Object) int {
	return cmp.Or(
		cmp.Compare(a.Kind, b.Kind),
		strings.Compare(a.ID, b.ID),
		CompareDomains(a.Domain(), b.Domain()),
		strings.Compare(a.STIXID, b.STIXID),
	)
}

func nilIfEmpty[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return s
}
