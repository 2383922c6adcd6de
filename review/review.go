package review

import (
	"time"

	"github.com/debrief-dev/debrief"
)

// SchemaVersion is the version of the Review JSON model, written into every
// review as schema_version. It follows semantic versioning: a new optional
// field is a minor change, a removed or retyped one a major change.
const SchemaVersion = "1.1.0"

// Review is the post-incident review of one incident or a set of incidents.
// Every output format renders from it; its JSON form is described by
// Schema.
type Review struct {
	SchemaVersion string         `json:"schema_version"`
	Generated     time.Time      `json:"generated"`
	Data          DataVersions   `json:"data"`
	Header        Header         `json:"header"`
	Summary       Summary        `json:"summary"`
	Impact        Impact         `json:"impact"`
	Timeline      []Event        `json:"timeline"`
	KillChain     []Stage        `json:"kill_chain"`
	Metrics       []Metric       `json:"metrics"`
	Baseline      BaselineWindow `json:"baseline"`
	Techniques    []Technique    `json:"techniques"`
	Questions     []Question     `json:"questions"`
	Actions       []Action       `json:"actions"`
	Sections      []Section      `json:"sections"`
}

// DataVersions names the reference data the review was built with.
type DataVersions struct {
	ATTACK string `json:"attack,omitempty"` // ATT&CK release, e.g. "18.1"
	D3FEND string `json:"d3fend,omitempty"` // D3FEND release, e.g. "1.2.0"
}

// Header identifies what the review is about.
type Header struct {
	Title         string           `json:"title"`
	Incidents     []IncidentRef    `json:"incidents"`
	Sources       []debrief.Source `json:"sources"`
	Severity      debrief.Severity `json:"severity,omitempty"` // the highest
	Status        debrief.Status   `json:"status,omitempty"`   // resolved only when all are
	Verdict       debrief.Verdict  `json:"verdict,omitempty"`  // the most serious decided verdict
	Determination string           `json:"determination,omitempty"`
	Assignees     []string         `json:"assignees,omitempty"`
	Tags          []string         `json:"tags,omitempty"`
	Alerts        int              `json:"alerts"`
	Start         time.Time        `json:"start,omitzero"` // the earliest time known (first activity or first alert)
	End           time.Time        `json:"end,omitzero"`   // the latest event on the timeline
}

// IncidentRef is one incident of the review.
type IncidentRef struct {
	ID       string           `json:"id"`
	Title    string           `json:"title"`
	Severity debrief.Severity `json:"severity,omitempty"`
	Status   debrief.Status   `json:"status,omitempty"`
	Verdict  debrief.Verdict  `json:"verdict,omitempty"`
	Assignee string           `json:"assignee,omitempty"`
	Created  time.Time        `json:"created,omitzero"`
	Alerts   int              `json:"alerts"`
	URL      string           `json:"url,omitempty"`
}

// Summary is the review in five sentences or fewer, generated from the
// facts.
type Summary struct {
	What        string   `json:"what"`
	Impact      string   `json:"impact"`
	Detection   string   `json:"detection"`
	Containment string   `json:"containment"`
	TopActions  []string `json:"top_actions"`
}

// Impact lists the entities the incidents involve.
type Impact struct {
	Counts   []EntityCount `json:"counts"`   // per kind, in debrief.EntityKinds order, kinds with none left out
	Entities []Entity      `json:"entities"` // by kind, then most alerts first, then id
}

// EntityCount is how many distinct entities of a kind the review involves.
type EntityCount struct {
	Kind  debrief.EntityKind `json:"kind"`
	Count int                `json:"count"`
}

// Entity is one entity and what the review knows of it.
type Entity struct {
	Key     string             `json:"key"` // kind:id, as debrief.Entity.Key
	Kind    debrief.EntityKind `json:"kind"`
	ID      string             `json:"id"`
	Name    string             `json:"name,omitempty"`
	Role    string             `json:"role,omitempty"`
	Verdict string             `json:"verdict,omitempty"`
	Alerts  int                `json:"alerts"`
	First   time.Time          `json:"first,omitzero"`
	Last    time.Time          `json:"last,omitzero"`
}

// Label is the entity's name, or its id when it has none.
func (e Entity) Label() string {
	if e.Name != "" {
		return e.Name
	}
	return e.ID
}

// EventKind is what a timeline event records.
type EventKind string

// Event kinds.
const (
	EventMilestone EventKind = "milestone" // a point of the time model
	EventAlert     EventKind = "alert"     // an alert was raised
	EventChange    EventKind = "change"    // a status, assignment or verdict change
	EventComment   EventKind = "comment"   // a comment
)

// Milestone is a point of the incident time model.
type Milestone string

// Milestones, in the order they normally happen.
const (
	MilestoneFirstActivity Milestone = "first_activity"
	MilestoneFirstAlert    Milestone = "first_alert"
	MilestoneCreated       Milestone = "created"
	MilestoneFirstTriage   Milestone = "first_triage"
	MilestoneContained     Milestone = "contained"
	MilestoneResolved      Milestone = "resolved"
)

// Event is one entry of the timeline.
type Event struct {
	At         time.Time             `json:"at"`
	Kind       EventKind             `json:"kind"`
	Milestone  Milestone             `json:"milestone,omitempty"`
	IncidentID string                `json:"incident_id,omitempty"`
	AlertID    string                `json:"alert_id,omitempty"`
	Title      string                `json:"title"`
	Detail     string                `json:"detail,omitempty"`
	Actor      string                `json:"actor,omitempty"` // who changed or commented; the product for alerts
	Severity   debrief.Severity      `json:"severity,omitempty"`
	Activity   time.Time             `json:"activity,omitzero"` // an alert's first malicious activity
	Techniques []debrief.TechniqueID `json:"techniques,omitempty"`
	Tactics    []string              `json:"tactics,omitempty"`
}

// StageStatus says whether a kill-chain stage was seen.
type StageStatus string

// Stage statuses.
const (
	StageSeen    StageStatus = "seen"     // an alert carries the tactic, or the incident's own record names it
	StageGap     StageStatus = "gap"      // not seen, but between the first and last stage seen: a likely blind spot
	StageNotSeen StageStatus = "not_seen" // not seen, before the first or after the last stage seen
)

// Stage is one tactic of the Enterprise matrix, in kill-chain order.
type Stage struct {
	TacticID   debrief.TacticID      `json:"tactic_id"`
	Tactic     string                `json:"tactic"` // shortname, e.g. "initial-access"
	Name       string                `json:"name"`
	URL        string                `json:"url,omitempty"`
	Status     StageStatus           `json:"status"`
	Alerts     int                   `json:"alerts"`
	Techniques []debrief.TechniqueID `json:"techniques,omitempty"`
	First      time.Time             `json:"first,omitzero"` // earliest activity (or alert) of the stage
}

// Technique is one ATT&CK technique the review's alerts carry.
type Technique struct {
	ID              debrief.TechniqueID     `json:"id"`
	Name            string                  `json:"name"` // with its parent's name for a sub-technique
	Tactics         []string                `json:"tactics"`
	Status          debrief.TechniqueStatus `json:"status,omitempty"`
	URL             string                  `json:"url,omitempty"`
	Alerts          int                     `json:"alerts"`
	FirstSeen       time.Time               `json:"first_seen,omitzero"`
	LastSeen        time.Time               `json:"last_seen,omitzero"`
	Sources         []string                `json:"detection_sources"` // detection sources or products that reported it
	Entities        []string                `json:"entities"`          // keys of the entities its alerts involve
	Mitigations     []Mitigation            `json:"mitigations"`
	Countermeasures []Countermeasure        `json:"countermeasures"`
}

// Mitigation is an ATT&CK mitigation of a technique.
type Mitigation struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// Countermeasure is a D3FEND countermeasure of a technique.
type Countermeasure struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Tactic     string `json:"tactic"` // D3FEND tactic: Model, Harden, Detect, Isolate, Deceive, Evict, Restore
	URL        string `json:"url,omitempty"`
	Via        string `json:"via,omitempty"`         // the artifact link, e.g. "accesses Authentication Service; terminates Process"
	FromParent bool   `json:"from_parent,omitempty"` // the parent technique's countermeasure
}

// Question is one of the NIST SP 800-61 lessons-learned questions.
type Question struct {
	ID     string   `json:"id"`
	Text   string   `json:"text"`
	Facts  []string `json:"facts"`  // what debrief knows that bears on it
	Answer string   `json:"answer"` // the team's answer; empty until they write it
}

// ActionType is the kind of an action item.
type ActionType string

// Action types.
const (
	ActionPrevent  ActionType = "prevent"
	ActionDetect   ActionType = "detect"
	ActionRespond  ActionType = "respond"
	ActionProcess  ActionType = "process"
	ActionTraining ActionType = "training"
)

// Action is an action item the review suggests, with the evidence behind
// it.
type Action struct {
	ID       string     `json:"id"` // A1, A2 … in order of priority
	Type     ActionType `json:"type"`
	Title    string     `json:"title"`
	Reason   string     `json:"reason"` // the evidence
	Owner    string     `json:"owner"`  // a suggested role, or the incident's assignee
	Due      time.Time  `json:"due"`
	CSF      string     `json:"csf"`       // NIST CSF 2.0 outcome, e.g. "ID.IM-01"
	CSFTitle string     `json:"csf_title"` // the outcome's text
	Refs     []string   `json:"refs,omitempty"`
}
