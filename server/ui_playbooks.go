package server

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/playbook"
)

// runsView is the playbook runs page.
type runsView struct {
	Runs       []runView
	Incident   string
	Configured bool // approvals are possible
	CanApprove bool // … and this user may give them
	Message    string
	Playbooks  *PlaybookList // the folder's playbooks; nil without one
}

type runView struct {
	debrief.PlaybookRun
	Steps []stepView
}

type stepView struct {
	debrief.PlaybookStep
	Summary  string
	Waiting  bool      // for an approval nobody gave yet
	Deadline time.Time // … until then
}

func (s *Server) runsPage(w http.ResponseWriter, r *http.Request) error {
	incident := r.URL.Query().Get("incident")
	runs, err := s.runs(r.Context(), incident)
	if err != nil {
		return err
	}
	v := runsView{Incident: incident, Configured: s.cfg.Playbooks != nil, Message: runMessages[r.URL.Query().Get("msg")]}
	if s.cfg.Playbooks != nil && s.cfg.Playbooks.Dir != "" {
		if v.Playbooks, err = s.playbookList(); err != nil {
			return err
		}
	}
	if p := principalOf(r); p != nil {
		v.CanApprove = v.Configured && p.token.Role.Allows(debrief.RoleAnalyst)
	}
	for _, run := range runs {
		rv := runView{PlaybookRun: run}
		for _, st := range run.Steps {
			var plan playbook.Step
			_ = json.Unmarshal(st.Plan, &plan) // a plan that does not decode shows no summary
			rv.Steps = append(rv.Steps, stepView{PlaybookStep: st, Summary: plan.Summary,
				Waiting: st.Status == debrief.RunWaiting && st.ApprovedBy == "", Deadline: playbook.Deadline(&st)})
		}
		v.Runs = append(v.Runs, rv)
	}
	return s.page(w, r, http.StatusOK, "playbooks", "Playbooks", v)
}

// decideForm approves or denies a step from the runs page's form, then
// goes back to the page with what happened.
func (s *Server) decideForm(deny bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := sameOrigin(r); err != nil {
			return err
		}
		if !equalSecret(principalOf(r).session.csrf, r.PostFormValue("csrf")) {
			return debrief.Errorf(EFORBIDDEN, "missing or wrong CSRF token")
		}
		a, err := s.decide(r, deny)
		if err != nil && (a == nil || a.Run == nil) {
			return err
		}
		msg := "approved"
		switch {
		case err != nil:
			msg, info(r).err = "failed", err // the access log keeps why
		case deny:
			msg = "denied"
		case a.Resumed:
			msg = "resumed"
		case a.Note != "":
			msg = "recorded"
			s.cfg.Log.InfoContext(r.Context(), "playbook approval recorded", "run", a.Run.ID, "note", a.Note)
		}
		http.Redirect(w, r, "/playbooks?msg="+msg, http.StatusSeeOther)
		return nil
	}
}

// runMessages are the runs page's notices by the code in its msg
// parameter, which decideForm's redirect sets: the page shows fixed
// texts, never one from the URL.
var runMessages = map[string]string{
	"approved": "Step approved.",
	"resumed":  "Step approved; the run went on (see its status below).",
	"denied":   "Step denied; the run ended.",
	"recorded": "Step approved and recorded, but the server cannot find the run's playbook to go on; continue it with 'debrief playbook run FILE --incident ID --resume RUN'.",
	"failed":   "Step approved; continuing the run failed (see the server log).",
}

// techniqueView is the page of a matrix cell: the incidents with the
// technique and the rules that cover it.
type techniqueView struct {
	ID        debrief.TechniqueID
	Name      string
	Unknown   bool // not in the ATT&CK catalog the server carries (kept as incidents name it)
	Since     string
	Note      string // the window ends at the store's latest incident
	Incidents []debrief.Incident
	Coverage  bool // rules are configured
	Score     float64
	Rules     []debrief.Rule
}

func (s *Server) techniquePage(w http.ResponseWriter, r *http.Request) error {
	id, err := debrief.ParseTechniqueID(r.PathValue("id"))
	if err != nil {
		return debrief.Errorf(debrief.EINVALID, "technique %q: want an ATT&CK id such as T1059 or T1059.001", r.PathValue("id"))
	}
	q := r.URL.Query()
	if !q.Has("since") {
		q.Set("since", "90d")
	}
	ctx := r.Context()
	end, err := s.windowEnd(ctx)
	if err != nil {
		return err
	}
	since, err := when(q, "since", end.End)
	if err != nil {
		return err
	}
	v := techniqueView{ID: id, Since: q.Get("since"), Note: end.Note()}
	if t, ok := s.cfg.Catalog.Technique(string(id)); ok {
		v.Name = t.Name
	} else {
		v.Unknown = true
	}
	if v.Incidents, err = s.store(ctx).Incidents(ctx, debrief.IncidentFilter{Since: since, Technique: id, Limit: 200}); err != nil {
		return err
	}
	if len(s.cfg.Rules) > 0 {
		rs, err := s.rules()
		if err != nil {
			return err
		}
		v.Coverage = true
		if t, ok := rs.result.Technique(id); ok {
			v.Score = t.Score
			for _, rid := range slices.Concat(t.Rules, t.SubRules) {
				if ru := rs.byID[rid]; ru != nil {
					v.Rules = append(v.Rules, *ru)
				}
			}
		}
	}
	return s.page(w, r, http.StatusOK, "technique", string(id)+" "+v.Name, v)
}
