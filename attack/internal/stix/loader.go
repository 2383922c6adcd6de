package stix

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/debrief-dev/debrief/attack/internal/model"
)

// loader collects the objects of one bundle. References between objects
// are kept as STIX ids until every object is read, because a bundle may
// list them in any order.
type loader struct {
	name       string
	d          model.Data
	pos        map[string]int32    // STIX id → index in d.Objects
	other      map[string]struct{} // STIX ids of objects debrief does not keep
	rels       []pendingRel
	refs       []pendingRefs
	sources    []pendingSources
	bundleSpec string // the bundle's spec_version (STIX 2.0)
	objectSpec string // the first object's spec_version (STIX 2.1)
	modified   string // the newest object's modified
	collection *wireObject
}

type pendingRel struct {
	index          int
	id             string
	typ            model.RelType
	source, target string
	cites          []string
}

type pendingRefs struct {
	obj  int32
	refs []string
}

type pendingSources struct {
	obj     int32
	sources []wireLogSourceRef
}

func newLoader(name string) *loader {
	return &loader{name: name, pos: make(map[string]int32, 8192), other: map[string]struct{}{}}
}

func (l *loader) warnf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if l.name != "" {
		msg = l.name + ": " + msg
	}
	l.d.Warn(msg)
}

// object takes one element of the objects array.
func (l *loader) object(i int, w *wireObject) error {
	switch {
	case w.Type == "":
		return fmt.Errorf("objects[%d]: no \"type\"", i)
	case w.ID == "":
		return fmt.Errorf("objects[%d] (%s): no \"id\"", i, w.Type)
	}
	if w.Modified > l.modified {
		l.modified = w.Modified
	}
	if l.objectSpec == "" {
		l.objectSpec = w.SpecVersion
	}
	switch w.Type {
	case "relationship":
		l.relationship(i, w)
		return nil
	case "x-mitre-collection":
		if l.collection == nil {
			l.collection = w
		}
		return nil
	}
	k := model.KindOf(w.Type)
	if k == 0 {
		l.other[w.ID] = struct{}{}
		return nil
	}
	if _, dup := l.pos[w.ID]; dup {
		l.warnf("objects[%d] (%s): id seen before; the first is kept", i, w.ID)
		return nil
	}
	l.keep(i, k, w)
	return nil
}

func (l *loader) relationship(i int, w *wireObject) {
	t := model.RelTypeOf(w.RelType)
	if t == 0 || w.Revoked || w.Deprecated {
		return
	}
	if w.SourceRef == "" || w.TargetRef == "" {
		l.warnf("objects[%d] (%s %s): no source_ref or target_ref", i, w.ID, w.RelType)
		return
	}
	var cites []string
	if t.KeepsCites() {
		cites = relationCites(w)
	}
	l.rels = append(l.rels, pendingRel{i, w.ID, t, w.SourceRef, w.TargetRef, cites})
}

var subID = regexp.MustCompile(`^T\d{4}\.\d{3}$`)

func (l *loader) keep(i int, k model.Kind, w *wireObject) {
	idx := int32(len(l.d.Objects))
	o := model.Object{
		Kind:       k,
		STIXID:     w.ID,
		Name:       w.Name,
		Shortname:  w.Shortname,
		FirstSeen:  w.FirstSeen,
		LastSeen:   w.LastSeen,
		Domains:    w.Domains,
		Platforms:  w.Platforms,
		Revoked:    w.Revoked,
		Deprecated: w.Deprecated,
	}
	o.ID, o.URL = attackID(w.ExtRefs)
	if o.ID == "" {
		l.warnf("objects[%d] (%s): no ATT&CK id in external_references", i, w.ID)
	}
	switch k {
	case model.Group:
		o.Aliases = w.Aliases
	case model.Campaign:
		o.Aliases = w.Aliases
		o.Cites = campaignCites(w)
	case model.Malware, model.Tool:
		o.Aliases = w.MitreAliases
		if len(o.Aliases) == 0 {
			o.Aliases = w.Aliases
		}
	case model.Technique:
		o.Phases = phases(w.Phases)
		o.Sub = w.IsSub || subID.MatchString(o.ID)
	case model.DataComponent:
		for _, s := range w.LogSources {
			o.LogSources = append(o.LogSources, model.LogSource{DataComponent: -1, Name: s.Name, Channel: s.Channel})
		}
	case model.Matrix:
		l.refs = append(l.refs, pendingRefs{idx, w.TacticRefs})
	case model.DetectionStrategy:
		l.refs = append(l.refs, pendingRefs{idx, w.AnalyticRefs})
	case model.Analytic:
		l.sources = append(l.sources, pendingSources{idx, w.LogSourceRefs})
	}
	l.pos[w.ID] = idx
	l.d.Objects = append(l.d.Objects, o)
}

// attackSources are the source_name values of the reference that carries
// an object's ATT&CK id.
var attackSources = []string{"mitre-attack", "mitre-mobile-attack", "mitre-ics-attack", "mitre-pre-attack"}

func attackID(refs []wireRef) (id, url string) {
	for _, r := range refs {
		if r.ExternalID != "" && slices.Contains(attackSources, r.SourceName) {
			return r.ExternalID, r.URL
		}
	}
	return "", ""
}

// phases keeps the ATT&CK kill-chain phases (kill_chain_name mitre-…).
func phases(ps []wirePhase) []string {
	var out []string
	for _, p := range ps {
		if len(p.KillChain) > 6 && p.KillChain[:6] == "mitre-" && p.Phase != "" && !slices.Contains(out, p.Phase) {
			out = append(out, p.Phase)
		}
	}
	return out
}

// finish resolves references, names the domain and puts the data in
// canonical order.
func (l *loader) finish() *model.Data {
	for _, r := range l.rels {
		src, okS := l.resolve(r.index, r.id, "source_ref", r.source)
		dst, okT := l.resolve(r.index, r.id, "target_ref", r.target)
		if okS && okT {
			l.d.Relations = append(l.d.Relations, model.Relation{Type: r.typ, Source: src, Target: dst, Cites: l.d.AddCites(r.cites)})
		}
	}
	for _, p := range l.refs {
		o := &l.d.Objects[p.obj]
		for _, ref := range p.refs {
			if j, ok := l.pos[ref]; ok {
				o.Refs = append(o.Refs, j)
			} else {
				l.warnf("%s: reference %s is not in the bundle", o.STIXID, ref)
			}
		}
	}
	for _, p := range l.sources {
		o := &l.d.Objects[p.obj]
		for _, s := range p.sources {
			j, ok := l.pos[s.DataComponent]
			if !ok {
				j = -1
				l.warnf("%s: log source %q: data component %s is not in the bundle", o.STIXID, s.Name, s.DataComponent)
			}
			o.LogSources = append(o.LogSources, model.LogSource{DataComponent: j, Name: s.Name, Channel: s.Channel})
		}
	}
	l.domains()
	l.d.Canonicalize()
	return &l.d
}

// resolve finds a relationship end; a reference to an object of a type
// debrief does not keep is dropped quietly, one to a missing object is a
// warning.
func (l *loader) resolve(index int, rel, field, ref string) (int32, bool) {
	if j, ok := l.pos[ref]; ok {
		return j, true
	}
	if _, ok := l.other[ref]; !ok {
		l.warnf("objects[%d] (%s): %s %s is not in the bundle", index, rel, field, ref)
	}
	return 0, false
}
