package debrief

import (
	"fmt"
	"strings"
	"time"
)

// Source names a product or export format that records come from. It is the
// prefix of every source-qualified id ("defender:924565").
type Source string

// Sources debrief reads.
const (
	SourceDefender  Source = "defender" // Defender XDR incidents API and advanced hunting
	SourceSentinel  Source = "sentinel" // Microsoft Sentinel
	SourceElastic   Source = "elastic"  // Elastic Security
	SourceWazuh     Source = "wazuh"    // Wazuh
	SourceOCSF      Source = "ocsf"     // any OCSF producer
	SourceCorrelate Source = "debrief"  // incidents debrief built from alerts
)

// Sources lists the sources, debrief's own last.
var Sources = []Source{SourceDefender, SourceSentinel, SourceElastic, SourceWazuh, SourceOCSF, SourceCorrelate}

// QualifiedID joins a source and a source's own id: "defender:924565".
func QualifiedID(src Source, id string) string { return string(src) + ":" + id }

// SplitID splits a source-qualified id into source and source id.
func SplitID(id string) (Source, string, bool) {
	src, rest, ok := strings.Cut(id, ":")
	return Source(src), rest, ok && src != "" && rest != ""
}

// Times is the time model of an incident. Zero values mean "not known".
// Metrics are derived from it (see the Metric methods), never stored.
type Times struct {
	FirstActivity time.Time `json:"first_activity,omitzero"` // first malicious activity
	FirstAlert    time.Time `json:"first_alert,omitzero"`    // first alert raised
	Created       time.Time `json:"created,omitzero"`        // incident created
	FirstTriage   time.Time `json:"first_triage,omitzero"`   // first status change, assignment or comment
	Contained     time.Time `json:"contained,omitzero"`      // first containment action
	Resolved      time.Time `json:"resolved,omitzero"`       // resolved or closed
	LastActivity  time.Time `json:"last_activity,omitzero"`  // last malicious activity seen
	Updated       time.Time `json:"updated,omitzero"`        // last change at the source
}

func span(from, to time.Time) (time.Duration, bool) {
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return 0, false
	}
	return to.Sub(from), true
}

// TimeToDetect is first alert − first activity.
func (t Times) TimeToDetect() (time.Duration, bool) { return span(t.FirstActivity, t.FirstAlert) }

// TimeToAcknowledge is first triage − created.
func (t Times) TimeToAcknowledge() (time.Duration, bool) { return span(t.Created, t.FirstTriage) }

// TimeToContain is containment − created.
func (t Times) TimeToContain() (time.Duration, bool) { return span(t.Created, t.Contained) }

// TimeToResolve is resolved − created.
func (t Times) TimeToResolve() (time.Duration, bool) { return span(t.Created, t.Resolved) }

// DwellTime is first activity → containment (or resolution when there was
// no containment action).
func (t Times) DwellTime() (time.Duration, bool) {
	end := t.Contained
	if end.IsZero() {
		end = t.Resolved
	}
	return span(t.FirstActivity, end)
}

// Comment is a note a person or system left on an incident.
type Comment struct {
	At     time.Time `json:"at"`
	Author string    `json:"author,omitempty"`
	Text   string    `json:"text"`
}

// RecordsContainment reports whether the comment records a containment
// action. The sources have no field for one, so debrief reads the team's
// convention: a comment whose first word is "Contained" or "Containment",
// in any case ("Contained: isolated ws-042 from the network."). The first
// such comment of an incident gives Times.Contained.
func (c Comment) RecordsContainment() bool {
	s := strings.TrimLeft(c.Text, " \t\r\n")
	for _, w := range [...]string{"containment", "contained"} {
		if len(s) >= len(w) && strings.EqualFold(s[:len(w)], w) {
			rest := s[len(w):]
			return rest == "" || strings.ContainsRune(" \t\r\n:.,;-!", rune(rest[0]))
		}
	}
	return false
}

// Change is one recorded change of an incident's or alert's state: who
// changed which field, when, from what to what. History is kept so that
// reopenings and reclassifications stay visible.
type Change struct {
	At    time.Time `json:"at"`
	By    string    `json:"by,omitempty"`
	Field string    `json:"field"` // status, assignee, verdict, severity, determination
	From  string    `json:"from"`
	To    string    `json:"to"`
}

// Incident is a group of alerts a team handles as one case.
type Incident struct {
	ID            string        `json:"id"` // source-qualified
	Source        Source        `json:"source"`
	SourceID      string        `json:"source_id"`
	Title         string        `json:"title"`
	Description   string        `json:"description,omitempty"`
	Severity      Severity      `json:"severity,omitempty"`
	Status        Status        `json:"status,omitempty"`
	Verdict       Verdict       `json:"verdict,omitempty"`
	Determination string        `json:"determination,omitempty"` // the vendor's finer reason, e.g. "MultiStagedAttack"
	Assignee      string        `json:"assignee,omitempty"`
	Tags          []string      `json:"tags,omitempty"`
	Comments      []Comment     `json:"comments,omitempty"`
	RedirectTo    string        `json:"redirect_to,omitempty"` // source-qualified id of the incident this one merged into
	URL           string        `json:"url,omitempty"`
	Times         Times         `json:"times"`
	Techniques    []TechniqueID `json:"techniques,omitempty"` // union over its alerts and its own, sorted (filled by stores)
	Tactics       []string      `json:"tactics,omitempty"`    // union over its alerts and its own (filled by stores)
	// OwnTechniques and OwnTactics are what the incident's own record
	// names, apart from its alerts (Sentinel's additionalData.techniques
	// and tactics), so that an incident exported without its alerts is
	// still labelled. Decoders fill them as the source writes them; the
	// ingest run normalises them as an alert's (ingest.NormaliseIncident):
	// then OwnTechniques holds ids (revoked ones replaced, unknown ones
	// kept, sub-techniques with their parent) and OwnTactics shortnames in
	// matrix order, its techniques' tactics included. Stores keep them as
	// written and add them into Techniques and Tactics.
	OwnTechniques []TechniqueID `json:"own_techniques,omitempty"`
	OwnTactics    []string      `json:"own_tactics,omitempty"`
	AlertIDs      []string      `json:"alert_ids,omitempty"` // source-qualified ids of its alerts
	Alerts        []Alert       `json:"alerts,omitempty"`    // the alerts, when loaded
	History       []Change      `json:"history,omitempty"`
	// Placeholder marks an incident debrief built from its alerts (see
	// ingest.Placeholders) because the alerts name it and its own record
	// has not been ingested (a Graph alerts_v2 export has none). Stores
	// write a placeholder only where no incident with its id is stored,
	// keep no versions or history of it, and let the incident's own
	// record, when it comes, replace it whole as a new incident.
	Placeholder bool   `json:"placeholder,omitempty"`
	Raw         []byte `json:"-"` // the source record as read
}

// Validate checks the invariants every stored incident holds.
func (in *Incident) Validate() error {
	if in.SourceID == "" || in.Source == "" {
		return Errorf(EINVALID, "incident: source and source id are required")
	}
	if in.ID != QualifiedID(in.Source, in.SourceID) {
		return Errorf(EINVALID, "incident %q: id must be %q", in.ID, QualifiedID(in.Source, in.SourceID))
	}
	if err := validEnums(in.Severity, in.Status, in.Verdict); err != nil {
		return fmt.Errorf("incident %s: %w", in.ID, err)
	}
	for _, id := range in.OwnTechniques {
		if _, err := ParseTechniqueID(string(id)); err != nil {
			return Errorf(EINVALID, "incident %s: %v", in.ID, err)
		}
	}
	for i := range in.Alerts {
		if err := in.Alerts[i].Validate(); err != nil {
			return fmt.Errorf("incident %s: %w", in.ID, err)
		}
	}
	return nil
}

func validEnums(sev Severity, st Status, v Verdict) error {
	if sev != SeverityUnknown && sev.Rank() == 0 {
		return Errorf(EINVALID, "severity %q is not one of %v", sev, Severities)
	}
	if _, ok := ParseStatus(string(st)); !ok {
		return Errorf(EINVALID, "status %q is not one of %v", st, Statuses)
	}
	if _, ok := ParseVerdict(string(v)); !ok {
		return Errorf(EINVALID, "verdict %q is not one of %v", v, Verdicts)
	}
	return nil
}
