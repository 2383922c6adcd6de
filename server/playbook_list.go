package server

import (
	"errors"
	"net/http"
	"path/filepath"
	"slices"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/playbook"
)

// PlaybookList is the answer to GET /api/v1/playbooks: the playbook files
// of the server's folder (--playbooks DIR), read afresh, and what the
// server does with them.
type PlaybookList struct {
	// Fire is what the server does when incidents are created or
	// updated: off, dry (records plans) or live (acts); the config's fire.
	Fire      string         `json:"fire"`
	Live      bool           `json:"live"` // the config allows live runs
	Playbooks []PlaybookInfo `json:"playbooks"`
	// Problems are the files that do not load, each with its file, line
	// and reason; the others are still listed.
	Problems []string `json:"problems"`
}

// PlaybookInfo is one playbook file. Steps show what they do, not their
// URLs, headers or bodies, which may hold secrets.
type PlaybookInfo struct {
	Name        string           `json:"name"`
	Description string           `json:"description,omitempty"`
	Owner       string           `json:"owner,omitempty"`
	Labels      []string         `json:"labels"`
	File        string           `json:"file"`   // its name in the folder
	Digest      string           `json:"digest"` // hex SHA-256 of the file, as its runs keep it
	Trigger     TriggerInfo      `json:"trigger"`
	Steps       []PlaybookStepIn `json:"steps"`
	Enabled     bool             `json:"enabled"` // the server fires it on its trigger's events
	DryRun      bool             `json:"dry_run"` // runs the server fires only plan
}

// TriggerInfo is a playbook's trigger: its events, matchers and CEL
// expression.
type TriggerInfo struct {
	Events []string           `json:"events"`
	All    []playbook.Matcher `json:"all"`
	Any    []playbook.Matcher `json:"any"`
	Expr   string             `json:"expr,omitempty"`
}

// nonNilMatchers is ms, or an empty list for none.
func nonNilMatchers(ms []playbook.Matcher) []playbook.Matcher {
	if ms == nil {
		return []playbook.Matcher{}
	}
	return ms
}

// PlaybookStepIn is one step of a playbook file.
type PlaybookStepIn struct {
	ID              string `json:"id"`
	Kind            string `json:"kind"`
	Action          string `json:"action,omitempty"` // graph actions
	Preset          string `json:"preset,omitempty"` // webhooks
	ForEach         string `json:"for_each,omitempty"`
	Approval        bool   `json:"approval"`
	ApprovalTimeout string `json:"approval_timeout,omitempty"`
}

// playbookList reads the playbook folder.
func (s *Server) playbookList() (*PlaybookList, error) {
	pc := s.cfg.Playbooks
	if pc == nil || pc.Dir == "" {
		return nil, debrief.Errorf(debrief.ECONFLICT, "playbooks are not configured: start the server with 'debrief serve --playbooks DIR'")
	}
	fire := or(pc.Config.Fire, playbook.FireOff)
	out := &PlaybookList{Fire: fire, Live: pc.Config.Live, Playbooks: []PlaybookInfo{}, Problems: []string{}}
	pbs, err := playbook.LoadDir(pc.Dir, playbook.Options{})
	out.Problems = problems(err)
	for _, pb := range pbs {
		out.Playbooks = append(out.Playbooks, playbookInfo(pb, fire, pc.Config.Live))
	}
	return out, nil
}

func playbookInfo(pb *playbook.Playbook, fire string, live bool) PlaybookInfo {
	t := pb.Trigger
	info := PlaybookInfo{Name: pb.Name(), Description: pb.Metadata.Description, Owner: pb.Metadata.Owner,
		Labels: nonNil(pb.Metadata.Labels), File: filepath.Base(pb.Path), Digest: pb.Digest,
		Trigger: TriggerInfo{Events: nonNil(t.Events), All: nonNilMatchers(t.All), Any: nonNilMatchers(t.Any), Expr: t.Expr},
		Steps:   make([]PlaybookStepIn, 0, len(pb.Steps)), Enabled: fire == playbook.FireDry || fire == playbook.FireLive,
		DryRun: !(fire == playbook.FireLive && live)}
	for _, sp := range pb.Steps {
		info.Steps = append(info.Steps, PlaybookStepIn{ID: sp.ID, Kind: sp.Kind, Action: sp.Action, Preset: sp.Preset,
			ForEach: sp.ForEach, Approval: sp.Approval == "required", ApprovalTimeout: sp.ApprovalWait})
	}
	return info
}

// problems flattens LoadDir's joined errors into one line each.
func problems(err error) []string {
	out := []string{}
	if err == nil {
		return out
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		var ps playbook.Problems
		if errors.As(e, &ps) {
			for _, p := range ps {
				p.File = filepath.Base(p.File) // the folder is the server's business
				out = append(out, p.Error())
			}
			continue
		}
		out = append(out, e.Error())
	}
	return slices.Compact(out)
}

func (s *Server) listPlaybooks(w http.ResponseWriter, _ *http.Request) error {
	l, err := s.playbookList()
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}
