package debrief

import (
	"fmt"
	"time"
	"unicode/utf8"
)

// TechniqueStatus tells how a technique id on an alert relates to the ATT&CK
// catalog in use.
type TechniqueStatus string

// Technique statuses.
const (
	TechniqueKnown   TechniqueStatus = ""        // in the catalog, current
	TechniqueRevoked TechniqueStatus = "revoked" // the source used a revoked id; ID holds its replacement
	TechniqueUnknown TechniqueStatus = "unknown" // not in the catalog (e.g. a newer ATT&CK release); kept as is
)

// Technique is one ATT&CK technique an alert is labelled with.
type Technique struct {
	ID       TechniqueID     `json:"id"`
	Name     string          `json:"name,omitempty"`
	Tactics  []string        `json:"tactics,omitempty"`  // tactic shortnames in matrix order, e.g. "initial-access"
	Original string          `json:"original,omitempty"` // the id the source wrote, when it differs (revoked)
	Status   TechniqueStatus `json:"status,omitempty"`
}

// Entity is a thing an alert involves: a device, a user, a file …
type Entity struct {
	Kind       EntityKind        `json:"kind"`
	ID         string            `json:"id"` // stable key within its kind: device id, UPN, SHA-256, address …
	Name       string            `json:"name,omitempty"`
	Role       string            `json:"role,omitempty"` // e.g. "impacted", "attacker", "related"
	Verdict    string            `json:"verdict,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

// Key identifies an entity across alerts and sources: "device:abc".
func (e Entity) Key() string { return string(e.Kind) + ":" + e.ID }

// Alert is one detection raised by a product.
type Alert struct {
	ID              string      `json:"id"` // source-qualified
	Source          Source      `json:"source"`
	SourceID        string      `json:"source_id"`
	ProviderID      string      `json:"provider_id,omitempty"` // the detecting product's own id
	IncidentID      string      `json:"incident_id,omitempty"` // source-qualified
	Product         string      `json:"product,omitempty"`     // e.g. "Microsoft Defender for Endpoint"
	DetectionSource string      `json:"detection_source,omitempty"`
	RuleID          string      `json:"rule_id,omitempty"`
	RuleName        string      `json:"rule_name,omitempty"`
	Title           string      `json:"title"`
	Description     string      `json:"description,omitempty"`
	Category        string      `json:"category,omitempty"` // the vendor's category when it is not a tactic
	Severity        Severity    `json:"severity,omitempty"`
	Status          Status      `json:"status,omitempty"`
	Verdict         Verdict     `json:"verdict,omitempty"`
	Determination   string      `json:"determination,omitempty"`
	Techniques      []Technique `json:"techniques,omitempty"`
	Tactics         []string    `json:"tactics,omitempty"`      // as the source gives them until normalised; then shortnames
	ThreatNames     []string    `json:"threat_names,omitempty"` // threat family, actor or software names
	Entities        []Entity    `json:"entities,omitempty"`
	FirstActivity   time.Time   `json:"first_activity,omitzero"`
	LastActivity    time.Time   `json:"last_activity,omitzero"`
	Created         time.Time   `json:"created"`
	Updated         time.Time   `json:"updated,omitzero"`
	Resolved        time.Time   `json:"resolved,omitzero"`
	URL             string      `json:"url,omitempty"`
	Raw             []byte      `json:"-"`
}

// Reasonable bounds for timestamps: earlier or later is a decoding error.
var (
	minTime = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// PlausibleTime reports whether t is zero or within 1990–2200.
func PlausibleTime(t time.Time) bool {
	return t.IsZero() || !t.Before(minTime) && t.Before(maxTime)
}

// Validate checks the invariants every stored alert holds.
func (a *Alert) Validate() error {
	if a.Source == "" || a.SourceID == "" {
		return Errorf(EINVALID, "alert: source and source id are required")
	}
	if a.ID != QualifiedID(a.Source, a.SourceID) {
		return Errorf(EINVALID, "alert %q: id must be %q", a.ID, QualifiedID(a.Source, a.SourceID))
	}
	if a.Created.IsZero() {
		return Errorf(EINVALID, "alert %s: created time is required", a.ID)
	}
	for _, t := range []time.Time{a.FirstActivity, a.LastActivity, a.Created, a.Updated, a.Resolved} {
		if !PlausibleTime(t) {
			return Errorf(EINVALID, "alert %s: time %s is outside 1990–2200", a.ID, t.Format(time.RFC3339))
		}
	}
	if err := validEnums(a.Severity, a.Status, a.Verdict); err != nil {
		return fmt.Errorf("alert %s: %w", a.ID, err)
	}
	for _, s := range []string{a.ID, a.Title, a.Description, a.RuleName} {
		if !utf8.ValidString(s) {
			return Errorf(EINVALID, "alert %s: text is not valid UTF-8", a.ID)
		}
	}
	for _, t := range a.Techniques {
		if _, err := ParseTechniqueID(string(t.ID)); err != nil {
			return Errorf(EINVALID, "alert %s: %v", a.ID, err)
		}
	}
	for _, e := range a.Entities {
		if !e.Kind.valid() || e.ID == "" {
			return Errorf(EINVALID, "alert %s: entity %q of kind %q: want a known kind and an id", a.ID, e.ID, e.Kind)
		}
	}
	return nil
}
