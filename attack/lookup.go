package attack

import (
	"cmp"
	"slices"
	"strings"

	"github.com/debrief-dev/debrief"
)

// Match says how a lookup key matched an object.
type Match uint8

// Matches, best first.
const (
	MatchID    Match = iota + 1 // the ATT&CK id (T1059.001, G0016) or the STIX id
	MatchName                   // the name
	MatchAlias                  // an alias, or a tactic's shortname or spelling
)

// String returns "id", "name" or "alias".
func (m Match) String() string {
	switch m {
	case MatchID:
		return "id"
	case MatchName:
		return "name"
	case MatchAlias:
		return "alias"
	}
	return "none"
}

// Hit is one object a Lookup or Search found.
type Hit struct {
	Kind   Kind
	ID     string // ATT&CK id
	Name   string
	Match  Match // what matched
	Score  int   // Search only: 100 whole key, 75 prefix, 50 word prefix, 25 substring
	Object any   // *Technique, *Tactic, *Group, *Campaign, *Software, *Mitigation, *DetectionStrategy, *Analytic or *DataComponent
	// Status is "revoked" or "deprecated" for an object ATT&CK no longer
	// keeps current, "" for a current one.
	Status string
	// RevokedBy is the ATT&CK id of what replaced a revoked technique,
	// group, campaign, software or mitigation (one step; see
	// Catalog.ResolveTechnique), when ATT&CK says.
	RevokedBy string
}

// compare orders two entries, best first: match, kind, current before
// revoked or deprecated, Enterprise before other domains, id order.
func (c *Catalog) compare(a, b entry) int {
	va, vb := c.view(a.kind, a.index), c.view(b.kind, b.index)
	return cmp.Or(
		cmp.Compare(a.match, b.match),
		cmp.Compare(a.kind, b.kind),
		compareBool(va.active, vb.active),
		cmp.Compare(domainRank(va.first()), domainRank(vb.first())),
		cmp.Compare(a.index, b.index),
	)
}

// compareBool puts true first.
func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}

// best returns the preferred object of kind k that s names.
func (c *Catalog) best(k Kind, s string) (int32, bool) {
	if e, ok := c.stix()[strings.TrimSpace(s)]; ok {
		return e.index, e.kind == k
	}
	var found entry
	ok := false
	for _, e := range c.keys.get(fold(s)) {
		if e.kind == k && (!ok || c.compare(e, found) < 0) {
			found, ok = e, true
		}
	}
	return found.index, ok
}

// techIndex finds a technique by id; it does not allocate when the id is
// in canonical form.
func (c *Catalog) techIndex(id string) (int32, bool) {
	id = strings.TrimSpace(id)
	if i, ok := c.techByID[id]; ok && id != "" {
		return i, true
	}
	tid, ok := canonical(id)
	if !ok {
		return 0, false
	}
	i, ok := c.techByID[string(tid)]
	return i, ok
}

// canonical is debrief.ParseTechniqueID without its allocation for ids
// that are canonical already, as most are.
func canonical(id string) (debrief.TechniqueID, bool) {
	s := strings.TrimSpace(id)
	if len(s) >= 5 && s[0] == 'T' && (len(s) == 5 || len(s) == 9 && s[5] == '.') && allDigits(s[1:5]) &&
		(len(s) == 5 || allDigits(s[6:])) {
		return debrief.TechniqueID(s), true
	}
	tid, err := debrief.ParseTechniqueID(s)
	return tid, err == nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Technique returns the technique or sub-technique with the ATT&CK id
// (case-insensitive), revoked or not; it does not follow revocations
// (ResolveTechnique does).
func (c *Catalog) Technique(id string) (*Technique, bool) {
	i, ok := c.techIndex(id)
	if !ok {
		return nil, false
	}
	return &c.techniques[i], true
}

// TechniqueLookup is the answer of ResolveTechnique.
type TechniqueLookup struct {
	Query string              // the input as given
	ID    debrief.TechniqueID // the input in canonical form; "" when it is not a technique id
	// Technique is the technique the id stands for today: its own, or the
	// end of its revoked-by chain. When a revoked id has no replacement in
	// the catalog it is the revoked technique itself. Nil when unknown.
	Technique *Technique
	Revoked   bool                  // the id was revoked
	Chain     []debrief.TechniqueID // the revoked ids followed, starting with ID
}

// Known reports whether the catalog knows the id.
func (l TechniqueLookup) Known() bool { return l.Technique != nil }

// Status maps the answer onto debrief's technique statuses.
func (l TechniqueLookup) Status() debrief.TechniqueStatus {
	switch {
	case l.Technique == nil:
		return debrief.TechniqueUnknown
	case l.Revoked:
		return debrief.TechniqueRevoked
	}
	return debrief.TechniqueKnown
}

// ResolveTechnique resolves a technique id (any case, surrounding space
// allowed), following revoked-by relationships to the current technique:
// T1086 resolves to T1059.001, revoked. An id the catalog does not know,
// or a string that is not a technique id, gives an answer that is not
// Known.
func (c *Catalog) ResolveTechnique(id string) TechniqueLookup {
	l := TechniqueLookup{Query: id}
	tid, ok := canonical(id)
	if !ok {
		return l
	}
	l.ID = tid
	i, ok := c.techIndex(string(tid))
	if !ok {
		return l
	}
	for c.techniques[i].Revoked {
		l.Revoked = true
		l.Chain = append(l.Chain, c.techniques[i].ID)
		next := c.revokedBy[i]
		if next < 0 || slices.Contains(l.Chain, c.techniques[next].ID) {
			break
		}
		i = next
	}
	l.Technique = &c.techniques[i]
	return l
}

// Techniques returns the techniques and sub-techniques of a domain
// ("enterprise-attack"), or of all domains for "", revoked and deprecated
// ones included, ordered by id.
func (c *Catalog) Techniques(domain string) []*Technique {
	var out []*Technique
	for i := range c.techniques {
		if domain == "" || c.techniques[i].Domain == domain {
			out = append(out, &c.techniques[i])
		}
	}
	return out
}

// Tactic resolves any spelling of a tactic: its id (TA0005), name
// (Defense Evasion), shortname (defense-evasion), or the name with other
// spacing, case, underscores or none (DefenseEvasion, defense_evasion),
// as debrief.TacticKey folds them. Where several domains have a tactic of
// that name, Enterprise's wins, and current tactics win over deprecated
// ones; TacticIn chooses the domain.
func (c *Catalog) Tactic(spelling string) (*Tactic, bool) { return c.TacticIn("", spelling) }

// TacticIn is Tactic within one domain ("mobile-attack"); "" means any.
func (c *Catalog) TacticIn(domain, spelling string) (*Tactic, bool) {
	var found *Tactic
	for _, i := range c.tacticKeys[debrief.TacticKey(spelling)] {
		t := &c.tactics[i]
		if domain != "" && t.Domain != domain {
			continue
		}
		if found == nil || preferTactic(t, found) {
			found = t
		}
	}
	return found, found != nil
}

func preferTactic(a, b *Tactic) bool {
	return cmp.Or(
		compareBool(a.Active(), b.Active()),
		cmp.Compare(domainRank(a.Domain), domainRank(b.Domain)),
		compareBool(a.Order >= 0, b.Order >= 0),
		strings.Compare(string(a.ID), string(b.ID)),
	) < 0
}

// Tactics returns a domain's tactics in matrix order, followed by its
// tactics that are not in the matrix (deprecated ones) by id. For "" it
// returns every domain's, domain after domain.
func (c *Catalog) Tactics(domain string) []*Tactic {
	var out []*Tactic
	for i := range c.tactics {
		if domain == "" || c.tactics[i].Domain == domain {
			out = append(out, &c.tactics[i])
		}
	}
	slices.SortStableFunc(out, func(a, b *Tactic) int {
		return cmp.Or(
			cmp.Compare(domainRank(a.Domain), domainRank(b.Domain)),
			strings.Compare(a.Domain, b.Domain),
			compareBool(a.Order >= 0, b.Order >= 0),
			cmp.Compare(a.Order, b.Order),
			strings.Compare(string(a.ID), string(b.ID)),
		)
	})
	return out
}

// Group returns the group with the ATT&CK id, name or alias s
// (case-insensitive), or with the STIX id s. An id beats a name, a name an alias, a current
// group a revoked or deprecated one.
func (c *Catalog) Group(s string) (*Group, bool) {
	i, ok := c.best(KindGroup, s)
	return ptr(c.groups, i, ok)
}

// Campaign returns the campaign with the ATT&CK id, name or alias s, as
// Group does.
func (c *Catalog) Campaign(s string) (*Campaign, bool) {
	i, ok := c.best(KindCampaign, s)
	return ptr(c.campaigns, i, ok)
}

// Software returns the malware or tool with the ATT&CK id, name or alias
// s, as Group does.
func (c *Catalog) Software(s string) (*Software, bool) {
	i, ok := c.best(KindSoftware, s)
	return ptr(c.software, i, ok)
}

// Mitigation returns the mitigation with the ATT&CK id or name s. The T
// ids of deprecated Enterprise mitigations find those mitigations here.
func (c *Catalog) Mitigation(s string) (*Mitigation, bool) {
	i, ok := c.best(KindMitigation, s)
	return ptr(c.mitigations, i, ok)
}

// DetectionStrategy returns the detection strategy with the id (DET0455)
// or name s.
func (c *Catalog) DetectionStrategy(s string) (*DetectionStrategy, bool) {
	i, ok := c.best(KindDetectionStrategy, s)
	return ptr(c.strategies, i, ok)
}

// Analytic returns the analytic with the id (AN0110) or name s.
func (c *Catalog) Analytic(s string) (*Analytic, bool) {
	i, ok := c.best(KindAnalytic, s)
	return ptr(c.analytics, i, ok)
}

// DataComponent returns the data component with the id (DC0084) or name s.
func (c *Catalog) DataComponent(s string) (*DataComponent, bool) {
	i, ok := c.best(KindDataComponent, s)
	return ptr(c.components, i, ok)
}

func ptr[T any](s []T, i int32, ok bool) (*T, bool) {
	if !ok {
		return nil, false
	}
	return &s[i], true
}

// Groups returns every group, revoked and deprecated ones included, by id.
func (c *Catalog) Groups() []*Group { return ptrs(c.groups) }

// Campaigns returns every campaign by id.
func (c *Catalog) Campaigns() []*Campaign { return ptrs(c.campaigns) }

// AllSoftware returns every malware and tool by id.
func (c *Catalog) AllSoftware() []*Software { return ptrs(c.software) }

// Mitigations returns every mitigation by id.
func (c *Catalog) Mitigations() []*Mitigation { return ptrs(c.mitigations) }

// DetectionStrategies returns every detection strategy by id.
func (c *Catalog) DetectionStrategies() []*DetectionStrategy { return ptrs(c.strategies) }

// Analytics returns every analytic by id.
func (c *Catalog) Analytics() []*Analytic { return ptrs(c.analytics) }

// DataComponents returns every data component by id.
func (c *Catalog) DataComponents() []*DataComponent { return ptrs(c.components) }

func ptrs[T any](s []T) []*T {
	out := make([]*T, len(s))
	for i := range s {
		out[i] = &s[i]
	}
	return out
}

// Lookup returns every object whose ATT&CK id, STIX id, name or alias is
// s (case-insensitive), and the tactics s spells; best first: by match
// (id, name, alias), kind (technique, tactic, group, campaign, software,
// mitigation, detection strategy, analytic, data component), current
// before revoked or deprecated, Enterprise first. No hit means unknown.
func (c *Catalog) Lookup(s string) []Hit {
	es := c.keys.get(fold(s))
	if e, ok := c.stix()[strings.TrimSpace(s)]; ok {
		es = append(es, e)
	}
	for _, i := range c.tacticKeys[debrief.TacticKey(s)] {
		if !slices.ContainsFunc(es, func(e entry) bool { return e.kind == KindTactic && e.index == i }) {
			es = append(es, entry{KindTactic, MatchAlias, i})
		}
	}
	slices.SortFunc(es, c.compare)
	hits := make([]Hit, len(es))
	for n, e := range es {
		hits[n] = c.hit(e, 0)
	}
	return hits
}

func (c *Catalog) hit(e entry, score int) Hit {
	v := c.view(e.kind, e.index)
	h := Hit{Kind: e.kind, ID: v.id, Name: v.name, Match: e.match, Score: score, Object: v.value}
	var revoked, deprecated bool
	switch o := v.value.(type) {
	case *Technique:
		revoked, deprecated, h.RevokedBy = o.Revoked, o.Deprecated, string(o.RevokedBy)
	case *Tactic:
		revoked, deprecated = o.Revoked, o.Deprecated
	case *Group:
		revoked, deprecated, h.RevokedBy = o.Revoked, o.Deprecated, o.RevokedBy
	case *Campaign:
		revoked, deprecated, h.RevokedBy = o.Revoked, o.Deprecated, o.RevokedBy
	case *Software:
		revoked, deprecated, h.RevokedBy = o.Revoked, o.Deprecated, o.RevokedBy
	case *Mitigation:
		revoked, deprecated, h.RevokedBy = o.Revoked, o.Deprecated, o.RevokedBy
	case *DetectionStrategy:
		revoked, deprecated = o.Revoked, o.Deprecated
	case *Analytic:
		revoked, deprecated = o.Revoked, o.Deprecated
	case *DataComponent:
		revoked, deprecated = o.Revoked, o.Deprecated
	}
	switch {
	case revoked:
		h.Status = "revoked"
	case deprecated:
		h.Status, h.RevokedBy = "deprecated", ""
	default:
		h.RevokedBy = ""
	}
	return h
}

// Search finds objects whose ATT&CK id, name or alias contains text
// (case-insensitive), ranked: current objects before revoked or
// deprecated ones; then a whole match before a prefix, a prefix before a
// word inside, a word before any substring; then as Lookup orders. Each
// object appears once, with its best match.
func (c *Catalog) Search(text string) []Hit {
	q := fold(text)
	if q == "" {
		return nil
	}
	type scored struct {
		e     entry
		score int
	}
	best := map[[2]int32]scored{}
	for key, h := range c.keys.heads {
		s := score(key, q)
		if s == 0 {
			continue
		}
		for n := h; n != 0; n = c.keys.nodes[n-1].next {
			e := c.keys.nodes[n-1].entry
			k := [2]int32{int32(e.kind), e.index}
			old, ok := best[k]
			if !ok || s > old.score || s == old.score && e.match < old.e.match {
				best[k] = scored{e, s}
			}
		}
	}
	found := make([]scored, 0, len(best))
	for _, s := range best {
		found = append(found, s)
	}
	slices.SortFunc(found, func(a, b scored) int {
		return cmp.Or(compareBool(c.view(a.e.kind, a.e.index).active, c.view(b.e.kind, b.e.index).active), b.score-a.score, c.compare(a.e, b.e))
	})
	hits := make([]Hit, len(found))
	for n, s := range found {
		hits[n] = c.hit(s.e, s.score)
	}
	return hits
}

func score(key, q string) int {
	switch i := strings.Index(key, q); {
	case i < 0:
		return 0
	case key == q:
		return 100
	case i == 0:
		return 75
	case wordStart(key, q):
		return 50
	}
	return 25
}

// wordStart reports whether q occurs in key right after a space or
// punctuation.
func wordStart(key, q string) bool {
	for i := strings.Index(key, q); i >= 0; {
		if i > 0 && strings.IndexByte(" -_./:(", key[i-1]) >= 0 {
			return true
		}
		j := strings.Index(key[i+1:], q)
		if j < 0 {
			break
		}
		i += j + 1
	}
	return false
}
