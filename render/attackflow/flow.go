package attackflow

import (
	"cmp"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/review"
)

// Attack Flow 2.0 extension facts, as the Attack Flow project publishes
// them.
const (
	ExtensionID     = "extension-definition--fb9c968a-745b-4ade-9b25-c324172197f4"
	ExtensionSchema = "https://center-for-threat-informed-defense.github.io/attack-flow/stix/attack-flow-schema-2.0.0.json"
	ctidIdentity    = "identity--d673f8cb-c168-42da-8ed4-0cb26725f86c"
	ctidTime        = "2022-08-02T19:34:35.143Z"
)

// Renderer writes a review as an Attack Flow 2.0 STIX bundle. The zero
// value is ready to use.
type Renderer struct{}

// Name returns "attack-flow".
func (Renderer) Name() string { return "attack-flow" }

// MediaType returns the STIX 2.1 media type.
func (Renderer) MediaType() string { return "application/stix+json;version=2.1" }

// Ext returns ".flow.json".
func (Renderer) Ext() string { return ".flow.json" }

// Render writes the bundle of r as indented JSON.
func (Renderer) Render(w io.Writer, r *review.Review) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(FromReview(r)); err != nil {
		return fmt.Errorf("render attack flow: %w", err)
	}
	return nil
}

// Bundle is a STIX 2.1 bundle.
type Bundle struct {
	Type    string   `json:"type"` // "bundle"
	ID      string   `json:"id"`
	Objects []Object `json:"objects"`
}

// Object is a STIX object; each kind fills the fields it has.
type Object struct {
	Type           string              `json:"type"`
	SpecVersion    string              `json:"spec_version"`
	ID             string              `json:"id"`
	Created        string              `json:"created"`
	Modified       string              `json:"modified"`
	CreatedByRef   string              `json:"created_by_ref,omitempty"`
	Name           string              `json:"name,omitempty"`
	Description    string              `json:"description,omitempty"`
	IdentityClass  string              `json:"identity_class,omitempty"`  // identity
	Schema         string              `json:"schema,omitempty"`          // extension-definition
	Version        string              `json:"version,omitempty"`         // extension-definition
	ExtensionTypes []string            `json:"extension_types,omitempty"` // extension-definition
	Scope          string              `json:"scope,omitempty"`           // attack-flow
	StartRefs      []string            `json:"start_refs,omitempty"`      // attack-flow
	TechniqueID    string              `json:"technique_id,omitempty"`    // attack-action
	TacticID       string              `json:"tactic_id,omitempty"`       // attack-action
	ExecutionStart string              `json:"execution_start,omitempty"` // attack-action
	ExecutionEnd   string              `json:"execution_end,omitempty"`   // attack-action
	AssetRefs      []string            `json:"asset_refs,omitempty"`      // attack-action
	EffectRefs     []string            `json:"effect_refs,omitempty"`     // attack-action
	ExternalRefs   []ExternalReference `json:"external_references,omitempty"`
	Extensions     map[string]any      `json:"extensions,omitempty"`
}

// ExternalReference points outside STIX.
type ExternalReference struct {
	SourceName  string `json:"source_name"`
	Description string `json:"description,omitempty"`
	URL         string `json:"url,omitempty"`
	ExternalID  string `json:"external_id,omitempty"`
}

// stamp writes a STIX timestamp: UTC with milliseconds.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// ids makes deterministic STIX ids for one review.
type ids struct{ ns string }

// id is type--UUID, the UUID built from SHA-1 like a version 5 UUID.
func (x ids) id(typ, key string) string {
	h := sha1.Sum([]byte(x.ns + "\x00" + typ + "\x00" + key))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	s := hex.EncodeToString(h[:16])
	return fmt.Sprintf("%s--%s-%s-%s-%s-%s", typ, s[:8], s[8:12], s[12:16], s[16:20], s[20:32])
}

func newSDO(typ, id, at string) Object {
	return Object{Type: typ, SpecVersion: "2.1", ID: id, Created: at, Modified: at,
		Extensions: map[string]any{ExtensionID: map[string]string{"extension_type": "new-sdo"}}}
}

// FromReview makes the Attack Flow bundle of a review.
func FromReview(r *review.Review) *Bundle {
	var incidents []string
	for _, x := range r.Header.Incidents {
		incidents = append(incidents, x.ID)
	}
	x := ids{ns: "debrief review " + strings.Join(incidents, ",")}
	at := stamp(r.Generated)
	author := Object{Type: "identity", SpecVersion: "2.1", ID: x.id("identity", "debrief"), Created: at, Modified: at,
		Name: "debrief", IdentityClass: "system"}
	author.CreatedByRef = author.ID
	actions, assets := actionsOf(r, x, at, author.ID)
	flow := flowObject(r, x, at, author.ID, actions)
	objs := []Object{extension(), ctid(), author, flow}
	objs = append(objs, actions...)
	objs = append(objs, assets...)
	return &Bundle{Type: "bundle", ID: x.id("bundle", at), Objects: objs}
}

func extension() Object {
	return Object{
		Type: "extension-definition", SpecVersion: "2.1", ID: ExtensionID, Created: ctidTime, Modified: ctidTime,
		CreatedByRef: ctidIdentity, Name: "Attack Flow", Description: "Extends STIX 2.1 with features to create Attack Flows.",
		Schema: ExtensionSchema, Version: "2.0.0", ExtensionTypes: []string{"new-sdo"},
		ExternalRefs: []ExternalReference{
			{SourceName: "Documentation", Description: "Documentation for Attack Flow", URL: "https://center-for-threat-informed-defense.github.io/attack-flow"},
			{SourceName: "GitHub", Description: "Source code repository for Attack Flow", URL: "https://github.com/center-for-threat-informed-defense/attack-flow"},
		},
	}
}

func ctid() Object {
	return Object{Type: "identity", SpecVersion: "2.1", ID: ctidIdentity, Created: ctidTime, Modified: ctidTime,
		CreatedByRef: ctidIdentity, Name: "MITRE Center for Threat-Informed Defense", IdentityClass: "organization"}
}

func flowObject(r *review.Review, x ids, at, author string, actions []Object) Object {
	f := newSDO("attack-flow", x.id("attack-flow", "flow"), at)
	f.CreatedByRef = author
	f.Name = r.Header.Title
	f.Description = r.Summary.What
	f.Scope = "incident"
	if len(r.Header.Incidents) > 1 {
		f.Scope = "campaign"
	}
	f.StartRefs = []string{actions[0].ID}
	for _, in := range r.Header.Incidents {
		ref := ExternalReference{SourceName: string(sourceOf(in.ID)), ExternalID: in.ID, Description: in.Title}
		if strings.HasPrefix(in.URL, "https://") || strings.HasPrefix(in.URL, "http://") {
			ref.URL = in.URL
		}
		f.ExternalRefs = append(f.ExternalRefs, ref)
	}
	return f
}

func sourceOf(id string) debrief.Source {
	src, _, ok := debrief.SplitID(id)
	if !ok {
		return "debrief"
	}
	return src
}

// step is a technique that becomes an action, with the tactic it acts in
// and when.
type step struct {
	review.Technique
	tactic string    // the kill-chain stage where it is most specific; "" when in none
	at     time.Time // its first sighting, no earlier than that stage's
}

// steps are the techniques that become actions, first seen first: those
// the kill chain shows, in the first stage where no sub-technique of
// theirs is beside them (as the Markdown flow draws them: a parent seen in
// its own alert of a later stage acts there, even if an earlier stage saw
// a sub-technique of it), and those in no stage that have no sub-technique
// in the review.
func steps(r *review.Review) []step {
	hasSub := func(ids []debrief.TechniqueID, id debrief.TechniqueID) bool {
		return slices.ContainsFunc(ids, func(s debrief.TechniqueID) bool { return s.IsSub() && s.Parent() == id && s != id })
	}
	all := make([]debrief.TechniqueID, len(r.Techniques))
	for i, t := range r.Techniques {
		all[i] = t.ID
	}
	var out []step
	for _, t := range r.Techniques {
		staged, leaf := false, -1
		for i, st := range r.KillChain {
			if slices.Contains(st.Techniques, t.ID) {
				staged = true
				if !hasSub(st.Techniques, t.ID) {
					leaf = i
					break
				}
			}
		}
		switch {
		case leaf >= 0:
			st := r.KillChain[leaf]
			out = append(out, step{Technique: t, tactic: st.Tactic, at: latest(t.FirstSeen, st.First)})
		case !staged && !hasSub(all, t.ID):
			out = append(out, step{Technique: t, at: t.FirstSeen})
		}
	}
	slices.SortStableFunc(out, func(a, b step) int {
		return cmp.Or(a.at.Compare(b.at), strings.Compare(string(a.ID), string(b.ID)))
	})
	return out
}

func actionsOf(r *review.Review, x ids, at, author string) (actions, assets []Object) {
	tacticIDs := map[string]string{}
	for _, st := range r.KillChain {
		tacticIDs[st.Tactic] = string(st.TacticID)
	}
	entities := map[string]review.Entity{}
	for _, e := range r.Impact.Entities {
		entities[e.Key] = e
	}
	assetIDs := map[string]string{}
	for _, t := range steps(r) {
		a := action(t.Technique, t.tactic, x, at, author, tacticIDs)
		for _, key := range t.Entities {
			if _, ok := assetIDs[key]; !ok {
				assetIDs[key] = x.id("attack-asset", key)
				assets = append(assets, asset(entities[key], key, assetIDs[key], at, author))
			}
			a.AssetRefs = append(a.AssetRefs, assetIDs[key])
		}
		actions = append(actions, a)
	}
	if len(actions) == 0 {
		a := newSDO("attack-action", x.id("attack-action", "none"), at)
		a.CreatedByRef, a.Name = author, r.Header.Title
		a.Description = "No ATT&CK technique was recorded for this incident."
		actions = append(actions, a)
	}
	for i := range actions[:len(actions)-1] {
		actions[i].EffectRefs = []string{actions[i+1].ID}
	}
	return actions, assets
}

func action(t review.Technique, tactic string, x ids, at, author string, tacticIDs map[string]string) Object {
	a := newSDO("attack-action", x.id("attack-action", string(t.ID)), at)
	a.CreatedByRef, a.Name, a.TechniqueID = author, t.Name, string(t.ID)
	if tactic == "" && len(t.Tactics) > 0 {
		tactic = t.Tactics[0]
	}
	if tactic != "" {
		a.TacticID = cmp.Or(tacticIDs[tactic], tactic)
	}
	a.Description = fmt.Sprintf("%d alert%s from %s; tactics %s.", t.Alerts, plural(t.Alerts),
		cmp.Or(strings.Join(t.Sources, ", "), "an unnamed source"), cmp.Or(strings.Join(t.Tactics, ", "), "unknown"))
	if !t.FirstSeen.IsZero() {
		a.ExecutionStart = stamp(t.FirstSeen)
		a.ExecutionEnd = stamp(latest(t.FirstSeen, t.LastSeen))
	}
	if strings.HasPrefix(t.URL, "https://") {
		a.ExternalRefs = []ExternalReference{{SourceName: "mitre-attack", ExternalID: string(t.ID), URL: t.URL}}
	}
	return a
}

func asset(e review.Entity, key, id, at, author string) Object {
	a := newSDO("attack-asset", id, at)
	a.CreatedByRef = author
	a.Name = cmp.Or(e.Label(), key)
	parts := []string{string(e.Kind)}
	if e.Role != "" {
		parts = append(parts, "role "+e.Role)
	}
	if e.Name != "" && e.Name != e.ID {
		parts = append(parts, "id "+e.ID)
	}
	parts = append(parts, fmt.Sprintf("%d alert%s", e.Alerts, plural(e.Alerts)))
	a.Description = strings.Join(parts, "; ")
	return a
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
