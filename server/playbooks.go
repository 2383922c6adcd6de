package server

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/playbook"
)

// Playbooks is how the server approves playbook steps: approvals go
// through a playbook.Runner with Config and Audit, and an approved run
// continues at once from the playbook it keeps (or, for a run stored
// without one, from its file in Dir). Steps waiting for approval past
// their deadline are denied when runs are listed, and by a sweep every
// Sweep while the server runs; when Config.Fire says so, the sweep also
// fires Dir's playbooks on the incidents created and updated since.
//
// A server of every tenant (Config.Tenants) keeps each tenant's runs in
// its store and its audit entries in its own log (TenantAudit), and its
// sweep visits every tenant the store lists (a postgres.Store: those with
// API tokens or playbook runs).
type Playbooks struct {
	Dir    string          // playbook files (*.yaml, *.yml): fired on incident events, and for runs stored without their playbook
	Config playbook.Config // the runner's config (live mode, endpoints, secrets)
	Audit  *playbook.Audit // nil: approvals are not audited; not used with Config.Tenants
	// TenantAudit returns a tenant's audit log, with Config.Tenants (the
	// server asks once per tenant); nil: approvals are not audited.
	TenantAudit func(tenant string) (*playbook.Audit, error)
	Sweep       time.Duration // how often overdue approvals are denied; 0: every minute
}

// Approval is the answer to an approve or deny: the run as it stands
// after it, and whether the server continued it.
type Approval struct {
	Run     *debrief.PlaybookRun `json:"run"`
	Resumed bool                 `json:"resumed"`
	Note    string               `json:"note,omitempty"` // why it was not continued
}

// playbookStore is st's run keeping, or a conflict.
func playbookStore(st debrief.Store) (debrief.PlaybookStore, error) {
	ps, ok := st.(debrief.PlaybookStore)
	if !ok {
		return nil, debrief.Errorf(debrief.ECONFLICT, "the store (%T) does not keep playbook runs", st)
	}
	return ps, nil
}

// runner returns the playbook runner on st (the request's tenant's store,
// see Server.store) and its audit log, or a conflict when the server was
// started without playbooks.
func (s *Server) runner(st debrief.Store) (*playbook.Runner, error) {
	if s.cfg.Playbooks == nil {
		return nil, debrief.Errorf(debrief.ECONFLICT, "playbooks are not configured: start the server with 'debrief serve --playbooks DIR'")
	}
	ps, err := playbookStore(st)
	if err != nil {
		return nil, err
	}
	audit, err := s.audit(st)
	if err != nil {
		return nil, err
	}
	return &playbook.Runner{Store: ps, Audit: audit, Config: s.cfg.Playbooks.Config,
		Getenv: os.Getenv, Now: s.cfg.Now}, nil
}

// tenanted is a store of one tenant (a postgres.Store).
type tenanted interface{ Tenant() string }

// audit returns the audit log of st's runs: Playbooks.Audit, or with
// Config.Tenants the tenant's (Playbooks.TenantAudit, opened once).
func (s *Server) audit(st debrief.Store) (*playbook.Audit, error) {
	pc := s.cfg.Playbooks
	if s.cfg.Tenants == nil {
		return pc.Audit, nil
	}
	ts, ok := st.(tenanted)
	if !ok {
		return nil, fmt.Errorf("server: the store (%T) names no tenant for its audit log", st)
	}
	if pc.TenantAudit == nil {
		return nil, nil
	}
	tenant := ts.Tenant()
	if a, ok := s.audits.Load(tenant); ok {
		return a.(*playbook.Audit), nil
	}
	s.auditMu.Lock() // one open per tenant
	defer s.auditMu.Unlock()
	if a, ok := s.audits.Load(tenant); ok {
		return a.(*playbook.Audit), nil
	}
	a, err := pc.TenantAudit(tenant)
	if err != nil {
		return nil, fmt.Errorf("audit log of tenant %s: %w", tenant, err)
	}
	s.audits.Store(tenant, a)
	return a, nil
}

// runs lists the runs on an incident ("" for all), newest first, with
// their steps. With playbooks configured, overdue approvals are denied
// first (and audited); without, runs are only read.
func (s *Server) runs(ctx context.Context, incident string) ([]debrief.PlaybookRun, error) {
	if s.cfg.Playbooks != nil {
		rn, err := s.runner(s.store(ctx))
		if err != nil {
			return nil, err
		}
		return rn.Runs(ctx, incident)
	}
	ps, err := playbookStore(s.store(ctx))
	if err != nil {
		return nil, err
	}
	list, err := ps.Runs(ctx, incident)
	if err != nil {
		return nil, err
	}
	out := make([]debrief.PlaybookRun, 0, len(list))
	for _, l := range list {
		run, err := ps.Run(ctx, l.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, *run)
	}
	return out, nil
}

func (s *Server) listRuns(w http.ResponseWriter, r *http.Request) error {
	runs, err := s.runs(r.Context(), r.URL.Query().Get("incident"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, runs)
	return nil
}

func (s *Server) approveStep(w http.ResponseWriter, r *http.Request) error {
	a, err := s.decide(r, false)
	if err != nil && (a == nil || a.Run == nil) {
		return err
	}
	if err != nil { // the approval stands: say so, and why the run stopped
		a.Note, info(r).err = "recorded; continuing the run failed: "+message(err, codeOf(err)), err // the access log keeps why
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *Server) denyStep(w http.ResponseWriter, r *http.Request) error {
	a, err := s.decide(r, true)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

// decide approves or denies the step of the request's path in the name of
// its token, then continues an approved run when its playbook is at hand.
// What would refuse to continue the run (live runs off, a stored playbook
// that does not check, a plan that fails, a missing incident) refuses the
// approval before it is recorded: an error answer records nothing.
func (s *Server) decide(r *http.Request, deny bool) (*Approval, error) {
	ctx, runID := r.Context(), r.PathValue("run")
	rn, err := s.runner(s.store(ctx))
	if err != nil {
		return nil, err
	}
	var next resumption
	if !deny {
		if next, err = s.resumption(ctx, rn, runID); err != nil {
			return nil, err
		}
	}
	p := principalOf(r)
	by := p.token.Name + " (token " + p.token.ID + ")"
	if p.token.Name == "" {
		by = "token " + p.token.ID
	}
	if err := rn.Approve(ctx, runID, r.PathValue("step"), by, deny); err != nil {
		return nil, err
	}
	run, err := rn.Store.Run(ctx, runID)
	if err != nil {
		return nil, err
	}
	a := &Approval{Run: run}
	if deny || next.in == nil {
		a.Note = next.note
		return a, nil
	}
	resumed, err := rn.Resume(ctx, runID, playbook.ResumeOptions{Playbook: next.pb, Incident: next.in})
	if resumed != nil {
		a.Run, a.Resumed = resumed, true
	}
	return a, err
}

// resumption is how an approved run continues: from pb on in, or, when
// in is nil, not at all, for the reason in note.
type resumption struct {
	pb   *playbook.Playbook
	in   *debrief.Incident
	note string
}

// resumption checks, before an approval is recorded, what Runner.Resume
// would refuse after it, and returns the playbook (the run's own copy, or
// its file in the folder) and the incident to resume with. A run that is
// not live or has ended is left to Approve to refuse.
func (s *Server) resumption(ctx context.Context, rn *playbook.Runner, runID string) (resumption, error) {
	run, err := rn.Store.Run(ctx, runID)
	if err != nil {
		return resumption{}, err
	}
	if !run.Live || run.Status.Final() {
		return resumption{}, nil
	}
	if !rn.Config.Live {
		return resumption{}, debrief.Errorf(debrief.EINVALID, "live runs are off: set live: true in the playbook config")
	}
	var pb *playbook.Playbook
	if len(run.Source) == 0 {
		var note string
		if pb, note = s.playbookOf(run); pb == nil {
			return resumption{note: note}, nil
		}
	} else if pb, err = storedPlaybook(run); err != nil {
		return resumption{}, err
	}
	in, err := s.store(ctx).Incident(ctx, run.IncidentID)
	if err != nil {
		return resumption{}, fmt.Errorf("run's incident %s: %w", run.IncidentID, err)
	}
	if _, err := rn.Plan(ctx, pb, in, run.ID); err != nil {
		return resumption{}, fmt.Errorf("plan %s on %s: %w", pb.Name(), in.ID, err)
	}
	return resumption{pb: pb, in: in}, nil
}

// storedPlaybook parses the playbook a run keeps, as Runner.Resume does,
// refusing a copy that does not match the run's digest.
func storedPlaybook(run *debrief.PlaybookRun) (*playbook.Playbook, error) {
	pb, err := playbook.Parse(run.Source, "run "+run.ID+" playbook "+run.Playbook, playbook.Options{})
	if err != nil {
		return nil, fmt.Errorf("run %s: stored playbook: %w", run.ID, err)
	}
	if pb.Digest != run.Digest {
		return nil, debrief.Errorf(debrief.ECONFLICT, "run %s: the stored playbook does not match the run's digest %s (the store was changed)", run.ID, run.Digest)
	}
	return pb, nil
}

// playbookOf finds the file of a run stored without its playbook in the
// playbook folder by its digest, or says why it cannot.
func (s *Server) playbookOf(run *debrief.PlaybookRun) (*playbook.Playbook, string) {
	const resume = "; continue it with 'debrief playbook run FILE --incident ID --resume RUN'"
	dir := s.cfg.Playbooks.Dir
	if dir == "" {
		return nil, "recorded; the server has no playbook folder" + resume
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, "recorded; the playbook folder cannot be read" + resume
	}
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		pb, err := playbook.LoadFile(filepath.Join(dir, e.Name()), playbook.Options{})
		if err == nil && pb.Digest == run.Digest {
			return pb, ""
		}
	}
	return nil, "recorded; no file in the playbook folder has this run's playbook (digest " + run.Digest + ")" + resume
}

// sweepPlaybooks, every Playbooks.Sweep until ctx ends, denies overdue
// approvals and, when the config says fire: dry or live, fires the
// playbooks of Dir on the incidents created or updated since the sweep
// before: in the configured store, or with Config.Tenants in each
// tenant's. Serve runs it. A failed sweep is logged and tried again.
func (s *Server) sweepPlaybooks(ctx context.Context) {
	if s.cfg.Playbooks == nil {
		return
	}
	t := time.NewTicker(or(s.cfg.Playbooks.Sweep, time.Minute))
	defer t.Stop()
	last := s.cfg.Now()
	for {
		now := s.cfg.Now()
		for _, st := range s.sweptStores(ctx) {
			s.expireApprovals(ctx, st)
			s.firePlaybooks(ctx, st, last)
		}
		last = now
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// tenantLister lists the tenants a server of every tenant sweeps (a
// postgres.Store).
type tenantLister interface {
	Tenants(ctx context.Context) ([]string, error)
}

// sweptStores are the stores a sweep visits: the configured one, or each
// tenant's; only those that keep playbook runs.
func (s *Server) sweptStores(ctx context.Context) []debrief.Store {
	if s.cfg.Tenants == nil {
		if _, ok := s.cfg.Store.(debrief.PlaybookStore); ok {
			return []debrief.Store{s.cfg.Store}
		}
		return nil
	}
	tl, ok := s.cfg.Tenants.(tenantLister)
	if !ok {
		s.cfg.Log.Warn("playbook sweep: the store cannot list its tenants", "store", fmt.Sprintf("%T", s.cfg.Tenants))
		return nil
	}
	tenants, err := tl.Tenants(ctx)
	if err != nil {
		if ctx.Err() == nil {
			s.cfg.Log.Warn("playbook sweep: list tenants", "err", err)
		}
		return nil
	}
	var out []debrief.Store
	for _, tenant := range tenants {
		st, err := s.tenantStore(tenant)
		if err != nil {
			s.cfg.Log.Warn("playbook sweep: tenant store", "tenant", tenant, "err", err)
			continue
		}
		if _, ok := st.(debrief.PlaybookStore); ok {
			out = append(out, st)
		}
	}
	return out
}

// fireWindow is how far back incident.updated looks for incidents created
// before: one updated since the last sweep but created earlier than this
// does not fire.
const fireWindow = 90 * 24 * time.Hour

// firePlaybooks plays incident.created on the incidents created since
// "since" and incident.updated on those updated since, on the playbooks of
// Dir, as the config's fire mode says. Each playbook fires once per event
// and incident version (playbook.Runner.Fire), so overlapping sweeps are
// harmless.
func (s *Server) firePlaybooks(ctx context.Context, st debrief.Store, since time.Time) {
	pc := s.cfg.Playbooks
	if pc.Dir == "" || (pc.Config.Fire != playbook.FireDry && pc.Config.Fire != playbook.FireLive) {
		return
	}
	rn, err := s.runner(st)
	if err != nil {
		return
	}
	pbs, err := playbook.LoadDir(pc.Dir, playbook.Options{})
	if err != nil {
		s.cfg.Log.Warn("playbook folder", "dir", pc.Dir, "err", err) // the good playbooks still fire
	}
	if len(pbs) == 0 {
		return
	}
	tenant := s.tenantOf(st)
	recent, err := st.Incidents(ctx, debrief.IncidentFilter{Since: since.Add(-fireWindow)})
	if err != nil {
		s.cfg.Log.Warn("playbook fire: list incidents", "tenant", tenant, "err", err)
		return
	}
	live := pc.Config.Fire == playbook.FireLive
	for _, in := range recent {
		var evs []string
		if !in.Times.Created.Before(since) {
			evs = append(evs, playbook.EventCreated)
		}
		if !in.Times.Updated.Before(since) && in.Times.Updated.After(in.Times.Created) {
			evs = append(evs, playbook.EventUpdated)
		}
		if len(evs) == 0 {
			continue
		}
		full, err := st.Incident(ctx, in.ID)
		if err != nil {
			s.cfg.Log.Warn("playbook fire: read incident", "tenant", tenant, "incident", in.ID, "err", err)
			continue
		}
		for _, ev := range evs {
			fired, err := rn.Fire(ctx, pbs, full, ev, live)
			for _, f := range fired {
				if f.Run != nil {
					s.cfg.Log.Info("playbook fired", "tenant", tenant, "playbook", f.Playbook, "incident", f.Incident, "event", f.Event,
						"run", f.Run.ID, "status", f.Run.Status)
				}
			}
			if err != nil {
				s.cfg.Log.Warn("playbook fire", "tenant", tenant, "incident", in.ID, "event", ev, "err", err)
			}
		}
	}
}

// tenantOf names st's tenant in logs of a server of every tenant; "" for
// a server of one.
func (s *Server) tenantOf(st debrief.Store) string {
	if ts, ok := st.(tenanted); ok && s.cfg.Tenants != nil {
		return ts.Tenant()
	}
	return ""
}

// expireApprovals runs one sweep of st and logs what it denied.
func (s *Server) expireApprovals(ctx context.Context, st debrief.Store) {
	rn, err := s.runner(st)
	if err != nil {
		s.cfg.Log.Warn("playbook approval sweep", "tenant", s.tenantOf(st), "err", err)
		return
	}
	ex, err := rn.ExpireApprovals(ctx)
	for _, e := range ex {
		s.cfg.Log.Info("playbook approval timed out", "tenant", s.tenantOf(st), "run", e.Run, "step", e.Step, "playbook", e.Playbook,
			"incident", e.Incident, "deadline", e.Deadline)
	}
	if err != nil && ctx.Err() == nil {
		s.cfg.Log.Warn("playbook approval sweep", "tenant", s.tenantOf(st), "err", err)
	}
}
