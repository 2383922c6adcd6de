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
		o.Cites = nilIfEmpty(o.Cites)
	}
	d.Objects = objs
	for i := range d.Relations {
		r := &d.Relations[i]
		r.Source, r.Target = remap[r.Source], remap[r.Target]
	}
	slices.SortFunc(d.Relations, compareRelations)
	d.compactRelations()
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

func compareRelations(a, b Relation) int {
	return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Type, b.Type), cmp.Compare(a.Target, b.Target))
}

// compactRelations merges repeated relationships (the same one in two
// domains' bundles, or two STIX relationships between the same objects)
// into one citing what either cites, and lays the citations out in
// relation order.
func (d *Data) compactRelations() {
	old := d.Cites
	of := func(r Relation) []string { return old[r.Cites.Off : r.Cites.Off+r.Cites.Len] }
	d.Cites = make([]string, 0, len(old))
	out := d.Relations[:0]
	for i := 0; i < len(d.Relations); {
		r := d.Relations[i]
		cites := of(r)
		j := i + 1
		for ; j < len(d.Relations) && compareRelations(d.Relations[j], r) == 0; j++ {
			cites = unionCites(cites, of(d.Relations[j]))
		}
		r.Cites = d.AddCites(cites)
		out = append(out, r)
		i = j
	}
	d.Relations = nilIfEmpty(out)
	d.Cites = nilIfEmpty(d.Cites)
}

// unionCites returns the sorted union of two sorted lists without
// repeats; a itself when b adds nothing.
func unionCites(a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	out := make([]string, 0, len(a)+len(b))
	out = append(append(out, a...), b...)
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) == len(a) {
		return a
	}
	return out
}
