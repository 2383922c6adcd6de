package playbook

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/debrief-dev/debrief"
)

// ReplayHit is one past incident on which playbooks would have fired. In
// JSON, Saved is saved_seconds, in whole seconds.
type ReplayHit struct {
	Incident  string        `json:"incident"`
	Title     string        `json:"title"`
	Created   time.Time     `json:"created"`
	Playbooks []string      `json:"playbooks"`
	Saved     time.Duration `json:"-"` // estimated time the playbooks would have saved
}

// MarshalJSON writes the hit with Saved in whole seconds.
func (h ReplayHit) MarshalJSON() ([]byte, error) {
	type fields ReplayHit
	return json.Marshal(struct {
		fields
		Saved int64 `json:"saved_seconds"`
	}{fields(h), wholeSeconds(h.Saved)})
}

// ReplayReport says what playbooks would have done on past incidents. In
// JSON, Saved and MedianSaved are saved_seconds and median_saved_seconds,
// in whole seconds.
type ReplayReport struct {
	Incidents   int            `json:"incidents"`
	Matched     int            `json:"matched"`
	PerPlaybook map[string]int `json:"per_playbook"`
	Saved       time.Duration  `json:"-"` // sum over matched incidents
	MedianSaved time.Duration  `json:"-"` // over matched incidents with an estimate
	Hits        []ReplayHit    `json:"hits"`
}

// MarshalJSON writes the report with its durations in whole seconds.
func (r ReplayReport) MarshalJSON() ([]byte, error) {
	type fields ReplayReport
	return json.Marshal(struct {
		fields
		Saved       int64 `json:"saved_seconds"`
		MedianSaved int64 `json:"median_saved_seconds"`
	}{fields(r), wholeSeconds(r.Saved), wholeSeconds(r.MedianSaved)})
}

// wholeSeconds rounds d to whole seconds.
func wholeSeconds(d time.Duration) int64 { return int64(d.Round(time.Second) / time.Second) }

// Replay matches past incidents against playbooks on the incident.created
// event. The time saved on an incident is estimated from its time model: a
// playbook that contains (isolates, disables, revokes, blocks) would have
// acted at creation, saving created → contained; one that only notifies
// saves created → first triage. An incident counts the larger estimate of
// its matching playbooks.
func Replay(pbs []*Playbook, incidents []debrief.Incident) ReplayReport {
	rep := ReplayReport{Incidents: len(incidents), PerPlaybook: map[string]int{}, Hits: []ReplayHit{}}
	var saved []time.Duration
	for i := range incidents {
		in := &incidents[i]
		f := NewFacts(in)
		hit := ReplayHit{Incident: in.ID, Title: in.Title, Created: in.Times.Created}
		for _, pb := range pbs {
			if !pb.Matches(f, EventCreated) {
				continue
			}
			hit.Playbooks = append(hit.Playbooks, pb.Name())
			rep.PerPlaybook[pb.Name()]++
			hit.Saved = max(hit.Saved, pb.saves(in))
		}
		if len(hit.Playbooks) == 0 {
			continue
		}
		rep.Matched++
		rep.Saved += hit.Saved
		if hit.Saved > 0 {
			saved = append(saved, hit.Saved)
		}
		rep.Hits = append(rep.Hits, hit)
	}
	if len(saved) > 0 {
		slices.Sort(saved)
		rep.MedianSaved = saved[len(saved)/2]
	}
	return rep
}

// containing graph actions.
var containing = map[string]bool{"isolate_device": true, "disable_user": true, "revoke_sessions": true, "add_indicator": true}

// saves estimates the time the playbook would have saved on the incident.
func (p *Playbook) saves(in *debrief.Incident) time.Duration {
	contains, notifies := false, false
	for _, s := range p.steps {
		switch {
		case s.Kind == KindGraph && containing[s.Action]:
			contains = true
		case s.Kind == KindWebhook, s.Kind == KindEmail:
			notifies = true
		}
	}
	if contains {
		if d, ok := in.Times.TimeToContain(); ok {
			return d
		}
	}
	if contains || notifies {
		if d, ok := in.Times.TimeToAcknowledge(); ok {
			return d
		}
	}
	return 0
}

// UsesEntities reports whether any trigger looks at entities, which need
// the incident's alerts loaded.
func UsesEntities(pbs []*Playbook) bool {
	for _, pb := range pbs {
		for _, m := range append(slices.Clone(pb.match.all), pb.match.any...) {
			if m.field == fieldEntities {
				return true
			}
		}
	}
	return false
}
