// Package model holds the facts of one or more ATT&CK bundles as flat
// records: the objects debrief uses, with only the fields it needs, and the
// relationships between them as indices. The STIX loader produces it, the
// snapshot codec stores it, and package attack builds its Catalog from it.
package model

import (
	"cmp"
	"slices"
	"strings"
)

// Kind is the type of an object; each kind is one STIX object type.
type Kind uint8

// Object kinds, in the order snapshots sort them.
const (
	Technique         Kind = iota + 1 // attack-pattern
	Tactic                            // x-mitre-tactic
	Matrix                            // x-mitre-matrix
	Group                             // intrusion-set
	Campaign                          // campaign
	Malware                           // malware
	Tool                              // tool
	Mitigation                        // course-of-action
	DataComponent                     // x-mitre-data-component
	DetectionStrategy                 // x-mitre-detection-strategy
	Analytic                          // x-mitre-analytic
	numKinds
)

var stixTypes = [numKinds]string{
	Technique:         "attack-pattern",
	Tactic:            "x-mitre-tactic",
	Matrix:            "x-mitre-matrix",
	Group:             "intrusion-set",
	Campaign:          "campaign",
	Malware:           "malware",
	Tool:              "tool",
	Mitigation:        "course-of-action",
	DataComponent:     "x-mitre-data-component",
	DetectionStrategy: "x-mitre-detection-strategy",
	Analytic:          "x-mitre-analytic",
}

// KindOf returns the kind of a STIX object type, or 0 when debrief does not
// keep objects of that type.
func KindOf(stixType string) Kind {
	for k, s := range stixTypes {
		if s == stixType && s != "" {
			return Kind(k)
		}
	}
	return 0
}

// STIXType returns the STIX object type of k.
func (k Kind) STIXType() string {
	if k < numKinds {
		return stixTypes[k]
	}
	return ""
}

// Valid reports whether k is one of the kinds above.
func (k Kind) Valid() bool { return k >= Technique && k < numKinds }

// RelType is the relationship_type of a relationship debrief keeps.
type RelType uint8

// Relationship types.
const (
	Uses RelType = iota + 1
	Mitigates
	Detects
	SubtechniqueOf
	RevokedBy
	AttributedTo
	numRelTypes
)

var relNames = [numRelTypes]string{
	Uses:           "uses",
	Mitigates:      "mitigates",
	Detects:        "detects",
	SubtechniqueOf: "subtechnique-of",
	RevokedBy:      "revoked-by",
	AttributedTo:   "attributed-to",
}

// RelTypeOf returns the type named s, or 0 when debrief ignores it.
func RelTypeOf(s string) RelType {
	for t, n := range relNames {
		if n == s && n != "" {
			return RelType(t)
		}
	}
	return 0
}

// String returns the STIX relationship_type.
func (t RelType) String() string {
	if t < numRelTypes {
		return relNames[t]
	}
	return ""
}

// Valid reports whether t is one of the types above.
func (t RelType) Valid() bool { return t >= Uses && t < numRelTypes }

// Object is one ATT&CK object with the fields debrief keeps. Fields that
// do not apply to its kind are empty.
type Object struct {
	Kind       Kind
	STIXID     string
	ID         string // ATT&CK id (external_id): T1059.001, TA0002, G0016 …
	Name       string
	URL        string
	Shortname  string   // tactics: x_mitre_shortname
	FirstSeen  string   // campaigns, as written in the bundle
	LastSeen   string   // campaigns
	Domains    []string // x_mitre_domains, or the bundle's domain when absent
	Aliases    []string // groups, campaigns (aliases), software (x_mitre_aliases)
	Platforms  []string
	Phases     []string // techniques: kill-chain phase names (tactic shortnames)
	Refs       []int32  // matrices: tactics in order; detection strategies: analytics
	LogSources []LogSource
	// Cites are a campaign's report citations: the source_name of its
	// external references (but the ATT&CK id's and alias entries without
	// a URL), the "(Citation: X)" names of its description and of its
	// first and last seen citations; sorted, without repeats. Empty for
	// other kinds.
	Cites      []string
	Revoked    bool
	Deprecated bool
	Sub        bool // techniques: x_mitre_is_subtechnique
}

// Domain returns the object's first domain, "" when it has none.
func (o *Object) Domain() string {
	if len(o.Domains) == 0 {
		return ""
	}
	return o.Domains[0]
}

// LogSource is one log source of an analytic (with the data component it
// belongs to) or of a data component (DataComponent is -1).
type LogSource struct {
	DataComponent int32
	Name          string
	Channel       string
}

// Relation is a relationship between two objects of Data.Objects.
type Relation struct {
	Type   RelType
	Source int32
	Target int32
	// Cites are the citations of a uses or attributed-to relationship
	// (Data.CitesOf): the source_name of its external references other
	// than mitre-attack and the "(Citation: X)" names of its description;
	// sorted, without repeats. Relationships of other types keep none.
	// A span of Data.Cites, so that a Relation holds no pointer (the
	// garbage collector never scans the relations).
	Cites Span
}

// Span is a stretch of Data.Cites.
type Span struct{ Off, Len int32 }

// CitesOf returns the citations of r.
func (d *Data) CitesOf(r Relation) []string {
	return d.Cites[r.Cites.Off : r.Cites.Off+r.Cites.Len : r.Cites.Off+r.Cites.Len]
}

// AddCites appends a relation's citations to d.Cites and returns their
// span; the zero Span when there are none.
func (d *Data) AddCites(cites []string) Span {
	if len(cites) == 0 {
		return Span{}
	}
	s := Span{int32(len(d.Cites)), int32(len(cites))}
	d.Cites = append(d.Cites, cites...)
	return s
}

// KeepsCites reports whether relationships of type t keep their
// citations.
func (t RelType) KeepsCites() bool { return t == Uses || t == AttributedTo }

// Domain describes one loaded ATT&CK domain.
type Domain struct {
	Name        string // enterprise-attack, mobile-attack, ics-attack
	Title       string // "Enterprise ATT&CK"
	Version     string // ATT&CK release (x-mitre-collection x_mitre_version); "" when unknown
	Modified    string // collection modified, or the newest object's modified
	STIXVersion string // "2.1" or "2.0"
}

// Data is the content of one or more bundles.
type Data struct {
	Domains   []Domain
	Objects   []Object
	Relations []Relation
	Cites     []string // the relations' citations, one after another (Relation.Cites)
	Warnings  []string // examples, at most MaxWarnings
	NWarnings int      // how many warnings there were in all
}

// MaxWarnings is how many warning examples Data keeps.
const MaxWarnings = 5

// Warn counts a warning and keeps its text when there is room.
func (d *Data) Warn(msg string) {
	d.NWarnings++
	if len(d.Warnings) < MaxWarnings {
		d.Warnings = append(d.Warnings, msg)
	}
}

// DomainRank orders domain names: Enterprise, Mobile, ICS, then others by
// name.
func DomainRank(name string) int {
	switch name {
	case "enterprise-attack":
		return 0
	case "mobile-attack":
		return 1
	case "ics-attack":
		return 2
	}
	return 3
}

// CompareDomains orders two domain names by DomainRank, then by name.
func CompareDomains(a, b string) int {
	return cmp.Or(cmp.Compare(DomainRank(a), DomainRank(b)), strings.Compare(a, b))
}

// Merge combines several Data into one: objects with the same STIX id
// (groups, software and campaigns shared by domains) become one object
// whose domains are the union; relationships are deduplicated. The result
// is canonical.
func Merge(ds ...*Data) *Data {
	out := &Data{}
	pos := map[string]int32{}
	for _, d := range ds {
		out.Domains = append(out.Domains, d.Domains...)
		remap := make([]int32, len(d.Objects))
		fresh := make([]bool, len(d.Objects))
		for i, o := range d.Objects {
			if j, ok := pos[o.STIXID]; ok {
				m := &out.Objects[j]
				m.Domains = unionSorted(m.Domains, o.Domains)
				m.Cites = unionCites(m.Cites, o.Cites)
				remap[i] = j
				continue
			}
			remap[i], fresh[i] = int32(len(out.Objects)), true
			pos[o.STIXID] = remap[i]
			o.Domains = slices.Clone(o.Domains)
			out.Objects = append(out.Objects, o)
		}
		for i, o := range d.Objects {
			if fresh[i] {
				m := &out.Objects[remap[i]]
				m.Refs = remapAll(o.Refs, remap)
				m.LogSources = remapSources(o.LogSources, remap)
			}
		}
		for _, r := range d.Relations {
			out.Relations = append(out.Relations, Relation{r.Type, remap[r.Source], remap[r.Target], out.AddCites(d.CitesOf(r))})
		}
		for _, w := range d.Warnings {
			if len(out.Warnings) < MaxWarnings {
				out.Warnings = append(out.Warnings, w)
			}
		}
		out.NWarnings += d.NWarnings
	}
	out.Canonicalize()
	return out
}

func unionSorted(a, b []string) []string {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, CompareDomains)
	return out
}

func remapAll(refs []int32, remap []int32) []int32 {
	out := make([]int32, len(refs))
	for i, r := range refs {
		out[i] = remap[r]
	}
	return out
}

func remapSources(ls []LogSource, remap []int32) []LogSource {
	out := slices.Clone(ls)
	for i := range out {
		if out[i].DataComponent >= 0 {
			out[i].DataComponent = remap[out[i].DataComponent]
		}
	}
	return out
}
