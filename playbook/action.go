package playbook

import (
	"context"
	"encoding/json"
	"math"
	"time"

	"github.com/debrief-dev/debrief"
)

// Action plans and executes one step of a playbook. Plan resolves the
// step's targets and inputs for an incident (one Step per entity under
// for_each) and never acts; Execute acts on one planned Step. A Runner
// records every Plan and calls Execute only on live runs.
type Action interface {
	Plan(ctx context.Context, in *debrief.Incident, runID string) ([]Step, error)
	Execute(ctx context.Context, s Step) (Outcome, error)
}

// Step is one planned action: what would be done, with secrets masked. In
// JSON its durations are numbers of seconds (approval_timeout_seconds,
// timeout_seconds), as elsewhere in debrief's JSON.
type Step struct {
	Key             string        `json:"key"` // step id, plus "#" and the entity key under for_each
	Incident        string        `json:"incident"`
	StepID          string        `json:"step"`
	Kind            string        `json:"kind"`
	Action          string        `json:"action,omitempty"` // graph action or webhook preset
	Entity          string        `json:"entity,omitempty"` // kind:id under for_each
	Summary         string        `json:"summary"`
	Request         *Request      `json:"request,omitempty"` // masked
	Argv            []string      `json:"argv,omitempty"`
	Mail            *Mail         `json:"mail,omitempty"`
	Comment         string        `json:"comment,omitempty"`
	Approval        bool          `json:"approval,omitempty"`
	ApprovalTimeout time.Duration `json:"-"` // approval_timeout_seconds
	IdempotencyKey  string        `json:"idempotency_key"`
	Timeout         time.Duration `json:"-"` // timeout_seconds
	Retry           RetryPolicy   `json:"retry"`

	live *Request // the unmasked request; never serialised
	act  Action   // the action that planned it
}

// Request is an HTTP request a step makes.
type Request struct {
	Method   string            `json:"method"`
	URL      string            `json:"url"`
	Header   map[string]string `json:"header,omitempty"`
	Body     json.RawMessage   `json:"body,omitempty"`
	Audience string            `json:"audience,omitempty"` // "graph" or "defender": sent with an OAuth2 token
}

// Mail is an email a step sends.
type Mail struct {
	To      []string `json:"to"`
	Subject string   `json:"subject"`
	Body    string   `json:"body"`
}

// Outcome is what executing a step did.
type Outcome struct {
	Status   int    `json:"status,omitempty"` // last HTTP status, or the exit code of exec
	Attempts int    `json:"attempts"`
	Result   string `json:"result,omitempty"` // short: an id the service returned, "sent", …
	Note     string `json:"note,omitempty"`   // e.g. "reply is not JSON"
}

// stepFields is Step without its JSON methods.
type stepFields Step

// stepJSON is Step as JSON, its durations in seconds.
type stepJSON struct {
	stepFields
	ApprovalTimeout float64 `json:"approval_timeout_seconds,omitempty"`
	Timeout         float64 `json:"timeout_seconds"`
}

// MarshalJSON writes the step with its durations in seconds.
func (s Step) MarshalJSON() ([]byte, error) {
	return json.Marshal(stepJSON{stepFields(s), s.ApprovalTimeout.Seconds(), s.Timeout.Seconds()})
}

// UnmarshalJSON reads a step MarshalJSON wrote.
func (s *Step) UnmarshalJSON(b []byte) error {
	var j stepJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*s = Step(j.stepFields)
	s.ApprovalTimeout, s.Timeout = seconds(j.ApprovalTimeout), seconds(j.Timeout)
	return nil
}

// RetryPolicy is a checked RetrySpec. In JSON its durations are numbers of
// seconds (backoff_seconds, max_backoff_seconds).
type RetryPolicy struct {
	Attempts   int           `json:"attempts"`
	Backoff    time.Duration `json:"-"` // backoff_seconds
	MaxBackoff time.Duration `json:"-"` // max_backoff_seconds
}

// retryFields is RetryPolicy without its JSON methods.
type retryFields RetryPolicy

// retryJSON is RetryPolicy as JSON, its durations in seconds.
type retryJSON struct {
	retryFields
	Backoff    float64 `json:"backoff_seconds"`
	MaxBackoff float64 `json:"max_backoff_seconds"`
}

// MarshalJSON writes the policy with its durations in seconds.
func (p RetryPolicy) MarshalJSON() ([]byte, error) {
	return json.Marshal(retryJSON{retryFields(p), p.Backoff.Seconds(), p.MaxBackoff.Seconds()})
}

// UnmarshalJSON reads a policy MarshalJSON wrote.
func (p *RetryPolicy) UnmarshalJSON(b []byte) error {
	var j retryJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*p = RetryPolicy(j.retryFields)
	p.Backoff, p.MaxBackoff = seconds(j.Backoff), seconds(j.MaxBackoff)
	return nil
}

// seconds converts a number of seconds, as JSON gives durations, to a
// time.Duration.
func seconds(s float64) time.Duration { return time.Duration(math.Round(s * float64(time.Second))) }

// base fills the fields every kind shares.
func (s *step) base(v *scope) Step {
	st := Step{Key: s.ID, StepID: s.ID, Incident: v.inc.ID, Kind: s.Kind, Approval: s.approval, ApprovalTimeout: s.approvalWait,
		Timeout: s.timeout, Retry: s.retry}
	if v.entity != nil {
		st.Entity = v.entity.Key()
		st.Key = s.ID + "#" + st.Entity
	}
	if t, ok := s.tpl["idempotency_key"]; ok && len(t.parts) > 0 {
		st.IdempotencyKey = oneLine(t.render(v, nil))
	} else {
		st.IdempotencyKey = v.runID + "/" + st.Key
	}
	return st
}

// scopes lists the template scopes of a step: one per entity of the
// for_each kind (distinct by key, in first-seen order), or one.
func (s *step) scopes(in *debrief.Incident, runID, playbook string) []*scope {
	if s.ForEach == "" {
		return []*scope{{inc: in, runID: runID, playbook: playbook, stepID: s.ID}}
	}
	var out []*scope
	seen := map[string]bool{}
	for i := range in.Alerts {
		for j := range in.Alerts[i].Entities {
			e := &in.Alerts[i].Entities[j]
			if string(e.Kind) != s.ForEach || seen[e.Key()] {
				continue
			}
			seen[e.Key()] = true
			out = append(out, &scope{inc: in, entity: e, runID: runID, playbook: playbook, stepID: s.ID})
		}
	}
	return out
}
