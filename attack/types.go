package attack

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
)

// Kind is the type of an ATT&CK object.
type Kind uint8

// Object kinds, in the order lookups list them.
const (
	KindTechnique         Kind = iota + 1 // technique or sub-technique (attack-pattern)
	KindTactic                            // x-mitre-tactic
	KindGroup                             // intrusion-set
	KindCampaign                          // campaign
	KindSoftware                          // malware or tool
	KindMitigation                        // course-of-action
	KindDetectionStrategy                 // x-mitre-detection-strategy (DET…)
	KindAnalytic                          // x-mitre-analytic (AN…)
	KindDataComponent                     // x-mitre-data-component (DC…)
)

var kindNames = [...]string{
	KindTechnique:         "technique",
	KindTactic:            "tactic",
	KindGroup:             "group",
	KindCampaign:          "campaign",
	KindSoftware:          "software",
	KindMitigation:        "mitigation",
	KindDetectionStrategy: "detection-strategy",
	KindAnalytic:          "analytic",
	KindDataComponent:     "data-component",
}

// String returns the kind's name: "technique", "detection-strategy" …
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Domain is one ATT&CK domain a catalog holds.
type Domain struct {
	Name        string    // enterprise-attack, mobile-attack or ics-attack
	Title       string    // "Enterprise ATT&CK"
	Version     string    // ATT&CK release, e.g. "18.1"; "" when the bundle does not say (STIX 2.0 bundles of mitre/cti)
	Modified    time.Time // the collection's modified time, or the newest object's when there is no collection
	STIXVersion string    // "2.1" or "2.0"
	Counts      Counts    // objects of the domain, revoked and deprecated ones included
}

// Counts are numbers of objects in a domain. Groups, software, campaigns
// and data components shared by domains count in each.
type Counts struct {
	Techniques          int // not sub-techniques
	SubTechniques       int
	Tactics             int
	Groups              int
	Campaigns           int
	Software            int
	Mitigations         int
	DetectionStrategies int
	Analytics           int
	DataComponents      int
}

// Warnings are problems a bundle had that did not stop loading it:
// relationships or references to objects that are not in the bundle,
// objects without an ATT&CK id, repeated ids.
type Warnings struct {
	Count    int      // how many in all
	Examples []string // the first few, at most five
}

// String summarises the warnings in one line.
func (w Warnings) String() string {
	switch w.Count {
	case 0:
		return "no warnings"
	case 1:
		return "1 warning: " + strings.Join(w.Examples, "")
	}
	return fmt.Sprintf("%d warnings, e.g. %s", w.Count, strings.Join(w.Examples, "; "))
}

// Technique is an ATT&CK technique or sub-technique.
type Technique struct {
	ID         debrief.TechniqueID // T1059.001
	STIXID     string              // attack-pattern--…
	Name       string
	Domain     string   // enterprise-attack …
	Tactics    []string // tactic shortnames in matrix order ("execution")
	Platforms  []string
	Parent     debrief.TechniqueID   // the parent of a sub-technique, else ""
	Subs       []debrief.TechniqueID // the sub-techniques of a technique, by id
	Deprecated bool
	Revoked    bool
	RevokedBy  debrief.TechniqueID // the technique that replaced a revoked one (one step; see ResolveTechnique)
	URL        string
}

// Active reports whether t is neither revoked nor deprecated.
func (t *Technique) Active() bool { return !t.Revoked && !t.Deprecated }

// IsSub reports whether t is a sub-technique.
func (t *Technique) IsSub() bool { return t.Parent != "" || t.ID.IsSub() }

// Tactic is an ATT&CK tactic, a column of its domain's matrix.
type Tactic struct {
	ID         debrief.TacticID // TA0005
	STIXID     string
	Name       string // "Defense Evasion"
	Shortname  string // "defense-evasion", as techniques name their tactics
	Domain     string
	Order      int // position in the domain's matrix from 0; -1 when not in it (deprecated tactics)
	Deprecated bool
	Revoked    bool
	URL        string
}

// Active reports whether t is neither revoked nor deprecated.
func (t *Tactic) Active() bool { return !t.Revoked && !t.Deprecated }

// Group is an ATT&CK group (intrusion-set).
type Group struct {
	ID         string // G0016
	STIXID     string
	Name       string
	Aliases    []string
	Domains    []string
	Techniques []debrief.TechniqueID // techniques the group uses itself, by id
	Software   []string              // software the group uses, by Key
	Campaigns  []string              // campaigns attributed to the group, by Key
	Deprecated bool
	Revoked    bool
	RevokedBy  string // the group that replaced a revoked one
	URL        string
}

// Active reports whether g is neither revoked nor deprecated.
func (g *Group) Active() bool { return !g.Revoked && !g.Deprecated }

// Campaign is an ATT&CK campaign.
type Campaign struct {
	ID         string // C0024
	STIXID     string
	Name       string
	Aliases    []string
	Domains    []string
	FirstSeen  time.Time // zero when unknown
	LastSeen   time.Time
	Groups     []string              // groups the campaign is attributed to, by Key
	Techniques []debrief.TechniqueID // techniques the campaign uses itself
	Software   []string              // software the campaign uses, by Key
	// Citations are the reports that support the campaign: the
	// source names of its external references (but ATT&CK's own and
	// alias entries), the "(Citation: X)" names of its description and
	// first and last seen citations, and the citations of its uses and
	// attributed-to relationships; sorted. See Catalog.WithoutCitedOnly.
	Citations  []string
	Deprecated bool
	Revoked    bool
	RevokedBy  string
	URL        string
}

// Active reports whether c is neither revoked nor deprecated.
func (c *Campaign) Active() bool { return !c.Revoked && !c.Deprecated }

// Software is an ATT&CK software entry: malware or a tool.
type Software struct {
	ID         string // S0154
	STIXID     string
	Name       string
	Type       string // "malware" or "tool"
	Aliases    []string
	Platforms  []string
	Domains    []string
	Techniques []debrief.TechniqueID // techniques the software uses
	Deprecated bool
	Revoked    bool
	RevokedBy  string
	URL        string
}

// Active reports whether s is neither revoked nor deprecated.
func (s *Software) Active() bool { return !s.Revoked && !s.Deprecated }

// Key is the group's ATT&CK id, or its STIX id when it has none (in-house
// intelligence in a user's bundle). Lists of groups hold keys; Catalog.Group
// finds a group by either.
func (g *Group) Key() string { return cmp.Or(g.ID, g.STIXID) }

// Key is the campaign's ATT&CK id, or its STIX id when it has none.
func (c *Campaign) Key() string { return cmp.Or(c.ID, c.STIXID) }

// Key is the software's ATT&CK id, or its STIX id when it has none (a
// user's in-house malware), so that lists never hold an empty id.
func (s *Software) Key() string { return cmp.Or(s.ID, s.STIXID) }

// Mitigation is an ATT&CK mitigation (course-of-action). Current ones have
// M ids; deprecated Enterprise ones carry the T id of the technique they
// once belonged to, so look mitigations up with Mitigation, not Technique.
type Mitigation struct {
	ID         string // M1038
	STIXID     string
	Name       string
	Domains    []string
	Techniques []debrief.TechniqueID // techniques it mitigates
	Deprecated bool
	Revoked    bool
	RevokedBy  string
	URL        string
}

// Active reports whether m is neither revoked nor deprecated.
func (m *Mitigation) Active() bool { return !m.Revoked && !m.Deprecated }

// DetectionStrategy is an ATT&CK detection strategy (v18 detection model):
// it detects techniques by means of analytics.
type DetectionStrategy struct {
	ID         string // DET0455
	STIXID     string
	Name       string
	Domains    []string
	Techniques []debrief.TechniqueID // techniques it detects
	Analytics  []string              // its analytics, by id
	Deprecated bool
	Revoked    bool
	URL        string
}

// Active reports whether s is neither revoked nor deprecated.
func (s *DetectionStrategy) Active() bool { return !s.Revoked && !s.Deprecated }

// Analytic is one platform-specific way a detection strategy detects,
// with the log sources it reads.
type Analytic struct {
	ID         string // AN0110
	STIXID     string
	Name       string
	Domains    []string
	Platforms  []string
	LogSources []LogSource // each naming the data component it belongs to
	Strategies []string    // detection strategies that list it, by id
	Deprecated bool
	Revoked    bool
	URL        string
}

// Active reports whether a is neither revoked nor deprecated.
func (a *Analytic) Active() bool { return !a.Revoked && !a.Deprecated }

// DataComponent is an ATT&CK data component: a kind of telemetry.
type DataComponent struct {
	ID         string // DC0084
	STIXID     string
	Name       string // "Active Directory Credential Request"
	Domains    []string
	LogSources []LogSource // where to find it (x_mitre_log_sources); DataComponent is ""
	// Techniques it helps detect: through the analytics of detection
	// strategies (v18), or by a detects relationship (older bundles).
	Techniques []debrief.TechniqueID
	Deprecated bool
	Revoked    bool
	URL        string
}

// Active reports whether d is neither revoked nor deprecated.
func (d *DataComponent) Active() bool { return !d.Revoked && !d.Deprecated }

// LogSource names a log and a channel in it, e.g. "WinEventLog:Security"
// and "EventCode=4769".
type LogSource struct {
	DataComponent string // the data component's id, for an analytic's log sources
	Name          string
	Channel       string
}
