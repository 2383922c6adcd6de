package simulate

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/go-json-experiment/json"

	"github.com/debrief-dev/debrief"
)

// TruthSchema names the version of the ground-truth format.
const TruthSchema = "debrief-simulate-ground-truth/1"

// GroundTruth is what a simulation planted: ground-truth.json. See
// GROUND_TRUTH.md for the meaning of every field.
type GroundTruth struct {
	Schema          string          `json:"schema"`
	Scenario        string          `json:"scenario"`
	Seed            uint64          `json:"seed"`
	Start           time.Time       `json:"start"`
	End             time.Time       `json:"end"` // exclusive
	Days            int             `json:"days"`
	IncidentsPerDay float64         `json:"incidents_per_day"`
	ATTACK          string          `json:"attack_version"`
	Formats         []string        `json:"formats"`
	Organisation    TruthOrg        `json:"organisation"`
	Actors          []TruthActor    `json:"actors"`
	Analysts        []TruthAnalyst  `json:"analysts"`
	Gaps            []TruthSkill    `json:"gaps"`
	Strengths       []TruthSkill    `json:"strengths"`
	Trends          []TruthTrend    `json:"trends"`
	Coverage        []TruthCoverage `json:"coverage"`
	Incidents       []TruthIncident `json:"incidents"`
	Clusters        []TruthCluster  `json:"clusters"`
	Counts          TruthCounts     `json:"counts"`
}

// TruthOrg sizes the organisation.
type TruthOrg struct {
	Name    string `json:"name"`
	Domain  string `json:"domain"`
	Users   int    `json:"users"`
	Devices int    `json:"devices"`
	Servers int    `json:"servers"`
}

// TruthActor is an ATT&CK group or campaign intrusions follow.
type TruthActor struct {
	Kind       string `json:"kind"` // group or campaign
	ID         string `json:"id"`
	Name       string `json:"name"`
	Group      string `json:"group"`              // the group, or the campaign's attributed group
	Campaign   string `json:"campaign,omitempty"` // for campaigns
	Techniques int    `json:"techniques"`         // size of its kill-chain profile
	Software   int    `json:"software"`
}

// TruthActorRef names the actor behind an incident.
type TruthActorRef struct {
	Group    string `json:"group"`
	Campaign string `json:"campaign,omitempty"`
	Name     string `json:"name"`
}

// TruthAnalyst is a member of the SOC.
type TruthAnalyst struct {
	Name     string  `json:"name"`
	Email    string  `json:"email"`
	Tier     int     `json:"tier"`
	Shift    string  `json:"shift"`
	Speed    float64 `json:"speed"`
	Accuracy float64 `json:"accuracy"`
}

// TruthSkill is a planted skill gap or strength.
type TruthSkill struct {
	Name         string              `json:"name"`
	Kind         string              `json:"kind"`               // gap or strength
	Analysts     []string            `json:"analysts,omitempty"` // emails; empty: the whole team
	Tactic       string              `json:"tactic,omitempty"`   // shortname
	Technique    debrief.TechniqueID `json:"technique,omitempty"`
	Acknowledge  float64             `json:"acknowledge_factor,omitempty"`
	Resolve      float64             `json:"resolve_factor,omitempty"`
	WrongVerdict float64             `json:"wrong_verdict,omitempty"`
	Reopen       float64             `json:"reopen,omitempty"`
	Escalate     float64             `json:"escalate,omitempty"`
}

// TruthTrend is a planted trend.
type TruthTrend struct {
	Name       string                `json:"name"`
	Kind       string                `json:"kind"` // emerge, fade, seasonal
	Source     string                `json:"source"`
	Technique  debrief.TechniqueID   `json:"technique,omitempty"`
	Techniques []debrief.TechniqueID `json:"techniques"` // every technique of the source
	StartDay   int                   `json:"start_day"`
	EndDay     int                   `json:"end_day"`
	StartDate  string                `json:"start_date"`
	EndDate    string                `json:"end_date"`
	From       float64               `json:"from_per_day"`
	To         float64               `json:"to_per_day"`
	Period     float64               `json:"period_days,omitempty"`
	Amplitude  float64               `json:"amplitude,omitempty"`
}

// TruthCoverage is the true chance that a step with the technique raises
// an alert.
type TruthCoverage struct {
	Technique   debrief.TechniqueID `json:"technique"`
	Name        string              `json:"name"`
	Tactics     []string            `json:"tactics"`
	Probability float64             `json:"probability"`
	Product     string              `json:"product"`
}

// TruthIncident is one incident (or one intrusion nobody detected).
type TruthIncident struct {
	N             int64           `json:"n"` // incident sequence number; 0 when undetected
	Kind          string          `json:"kind"`
	Source        string          `json:"source"` // the actor's id, the script's or the noise's name
	Detected      bool            `json:"detected"`
	IDs           *FormatIDs      `json:"ids,omitempty"` // source-qualified incident id per format
	Actor         *TruthActorRef  `json:"actor,omitempty"`
	Cluster       string          `json:"cluster,omitempty"`
	Verdict       debrief.Verdict `json:"true_verdict"`
	Determination string          `json:"true_determination"`
	FirstActivity time.Time       `json:"first_activity"`
	LastActivity  time.Time       `json:"last_activity"`
	Techniques    []string        `json:"techniques"` // the true technique set, undetected ones included, sorted
	Steps         []TruthStep     `json:"steps"`
	Alerts        []TruthAlert    `json:"alerts,omitempty"`
	Handling      *TruthHandling  `json:"handling,omitempty"`
}

// TruthStep is one thing the adversary (or the benign actor) did.
type TruthStep struct {
	At        time.Time           `json:"at"`
	Technique debrief.TechniqueID `json:"technique"`
	Tactic    string              `json:"tactic"`
	Detected  bool                `json:"detected"`
	Alert     int                 `json:"alert,omitempty"` // 1-based index into the incident's alerts
	Software  string              `json:"software,omitempty"`
}

// TruthAlert is one alert as written.
type TruthAlert struct {
	N          int64                 `json:"n"` // alert sequence number
	Created    time.Time             `json:"created"`
	Techniques []debrief.TechniqueID `json:"techniques"`
	IDs        FormatIDs             `json:"ids"` // source-qualified alert id per format
}

// FormatIDs are the source-qualified ids of an incident or an alert in
// each format written, as the decoders make them. Formats not written, and
// incidents in formats that have none (Elastic, Wazuh, OCSF), are empty.
type FormatIDs struct {
	Defender string `json:"defender,omitempty"`
	Graph    string `json:"graph,omitempty"`
	Sentinel string `json:"sentinel,omitempty"`
	Elastic  string `json:"elastic,omitempty"`
	Wazuh    string `json:"wazuh,omitempty"`
	OCSF     string `json:"ocsf,omitempty"`
}

// Get returns the id in a format (FormatGraph …), "" when there is none.
func (f *FormatIDs) Get(format string) string {
	if f == nil {
		return ""
	}
	switch format {
	case FormatDefender:
		return f.Defender
	case FormatGraph:
		return f.Graph
	case FormatSentinel:
		return f.Sentinel
	case FormatElastic:
		return f.Elastic
	case FormatWazuh:
		return f.Wazuh
	case FormatOCSF:
		return f.OCSF
	}
	return ""
}

// TruthHandling is what the SOC did.
type TruthHandling struct {
	Analyst      string          `json:"analyst"`
	EscalatedTo  string          `json:"escalated_to,omitempty"`
	Created      time.Time       `json:"created"`
	FirstTriage  time.Time       `json:"first_triage,omitzero"`
	Contained    time.Time       `json:"contained,omitzero"`
	FirstClosed  time.Time       `json:"first_closed,omitzero"`
	Resolved     time.Time       `json:"resolved,omitzero"`
	FirstVerdict debrief.Verdict `json:"first_verdict,omitempty"`
	FinalVerdict debrief.Verdict `json:"final_verdict,omitempty"`
	WrongVerdict bool            `json:"wrong_verdict"`
	Reopened     bool            `json:"reopened"`
	Escalated    bool            `json:"escalated"`
	Skills       []string        `json:"skills,omitempty"` // gaps and strengths that applied
	Load         int             `json:"load"`             // open incidents of the analyst when it came
}

// TruthCluster is one of our own campaign clusters.
type TruthCluster struct {
	ID       string         `json:"id"`
	Actor    *TruthActorRef `json:"actor,omitempty"`
	Script   string         `json:"script,omitempty"`
	First    string         `json:"first_day"`
	Last     string         `json:"last_day"`
	Victims  []string       `json:"victims"`
	IPs      []string       `json:"ips"`
	Domains  []string       `json:"domains"`
	Senders  []string       `json:"senders"`
	Files    []TruthFile    `json:"files"`
	OAuthApp string         `json:"oauth_app"`
}

// TruthFile is a file an actor dropped in a cluster.
type TruthFile struct {
	Name     string `json:"name"`
	SHA256   string `json:"sha256"`
	Software string `json:"software,omitempty"`
}

// TruthCounts totals what was generated.
type TruthCounts struct {
	Incidents            int   `json:"incidents"`
	Alerts               int64 `json:"alerts"`
	Intrusions           int   `json:"intrusions"`
	IntrusionsUndetected int   `json:"intrusions_undetected"`
	Scripted             int   `json:"scripted"`
	ScriptedUndetected   int   `json:"scripted_undetected"`
	Noise                int   `json:"noise"`
	Snapshots            int64 `json:"snapshots"` // incident versions exported (one per incident per day it changed)
}

var truthOptions = json.JoinOptions(json.Deterministic(true), json.FormatNilSliceAsNull(false))

// ReadGroundTruth reads a ground-truth.json file whole; for tests and
// moderate sizes.
func ReadGroundTruth(path string) (*GroundTruth, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read ground truth: %w", err)
	}
	defer f.Close()
	var gt GroundTruth
	if err := json.UnmarshalRead(bufio.NewReader(f), &gt); err != nil {
		return nil, fmt.Errorf("read ground truth %s: %w", path, err)
	}
	return &gt, nil
}

// truthWriter streams a ground truth: the header, then one incident per
// line, then clusters and counts.
type truthWriter struct {
	w     *bufio.Writer
	first bool
	buf   []byte     // the incident being rendered
	parts truthParts // and what it is made of
}

func newTruthWriter(w io.Writer, head *GroundTruth) (*truthWriter, error) {
	tw := &truthWriter{w: bufio.NewWriterSize(w, 1<<16), first: true}
	h := *head
	h.Incidents, h.Clusters = nil, nil
	b, err := json.Marshal(struct {
		GroundTruth
		Incidents []TruthIncident `json:"incidents,omitempty"`
		Clusters  []TruthCluster  `json:"clusters,omitempty"`
		Counts    *TruthCounts    `json:"counts,omitempty"`
	}{GroundTruth: h}, truthOptions)
	if err != nil {
		return nil, fmt.Errorf("ground truth: %w", err)
	}
	b = b[:len(b)-1] // drop "}"
	tw.w.Write(b)
	_, err = tw.w.WriteString(",\n\"incidents\":[\n")
	return tw, err
}

// incident appends one rendered incident.
func (tw *truthWriter) incident(b []byte) error {
	if !tw.first {
		tw.w.WriteString(",\n")
	}
	tw.first = false
	_, err := tw.w.Write(b)
	return err
}

func (tw *truthWriter) close(clusters []TruthCluster, counts TruthCounts) error {
	tw.w.WriteString("\n],\n\"clusters\":")
	for _, v := range []any{clusters, counts} {
		b, err := json.Marshal(v, truthOptions)
		if err != nil {
			return fmt.Errorf("ground truth: %w", err)
		}
		tw.w.Write(b)
		if _, ok := v.([]TruthCluster); ok {
			tw.w.WriteString(",\n\"counts\":")
		}
	}
	tw.w.WriteString("}\n")
	return tw.w.Flush()
}
