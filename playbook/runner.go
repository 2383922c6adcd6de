package playbook

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"net/smtp"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/debrief-dev/debrief"
)

// Runner plans and executes playbooks. Nil function fields get real
// defaults (time.Now, a timer, math/rand, net/smtp), except Getenv: when it
// is nil no secret is read from the environment. Tests inject fakes.
type Runner struct {
	Store  debrief.PlaybookStore // run and step states; required
	Audit  *Audit                // every plan, approval, request and outcome; nil: none
	Config Config
	HTTP   *http.Client // nil: a client without a global timeout (each try has the step's)

	Getenv   func(string) string // secrets from the environment
	SendMail func(addr string, a smtp.Auth, from string, to []string, msg []byte) error
	Now      func() time.Time
	Sleep    func(ctx context.Context, d time.Duration) error
	Rand     func() float64 // in [0,1), for jitter
	NewID    func() string

	mu     sync.Mutex
	tokens map[string]oauth2.TokenSource
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now().UTC()
	}
	return time.Now().UTC()
}

func (r *Runner) rand() float64 {
	if r.Rand != nil {
		return r.Rand()
	}
	return mrand.Float64()
}

func (r *Runner) getenv(k string) string {
	if r.Getenv == nil {
		return ""
	}
	return r.Getenv(k)
}

func (r *Runner) sleep(ctx context.Context, d time.Duration) error {
	if r.Sleep != nil {
		return r.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func (r *Runner) newID() string {
	if r.NewID != nil {
		return r.NewID()
	}
	var b [8]byte
	rand.Read(b[:])
	return "run-" + r.now().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:4])
}

func (r *Runner) sendMail(addr string, a smtp.Auth, from string, to []string, msg []byte) error {
	if r.SendMail != nil {
		return r.SendMail(addr, a, from, to, msg)
	}
	return smtp.SendMail(addr, a, from, to, msg)
}

func (r *Runner) httpClient() *http.Client {
	if r.HTTP != nil {
		return r.HTTP
	}
	return http.DefaultClient
}

// oauthClient returns a client that adds a client-credentials token for
// the audience ("graph" or "defender"); tokens are cached per audience.
func (r *Runner) oauthClient(audience string) (*http.Client, error) {
	g := r.Config.Graph
	r.mu.Lock()
	defer r.mu.Unlock()
	ts, ok := r.tokens[audience]
	if !ok {
		sec, err := secret(r.getenv, g.ClientSecretEnv, g.ClientSecretFile)
		if err != nil {
			return nil, fmt.Errorf("graph client secret: %w", err)
		}
		if g.ClientID == "" {
			return nil, debrief.Errorf(debrief.EINVALID, "graph.client_id is not configured")
		}
		scope := g.graphURL() + "/.default"
		if audience == "defender" {
			scope = g.defenderURL() + "/.default"
		}
		cc := clientcredentials.Config{ClientID: g.ClientID, ClientSecret: sec, TokenURL: g.tokenURL(), Scopes: []string{scope}}
		ts = cc.TokenSource(context.WithValue(context.Background(), oauth2.HTTPClient, r.httpClient()))
		if r.tokens == nil {
			r.tokens = map[string]oauth2.TokenSource{}
		}
		r.tokens[audience] = ts
	}
	return &http.Client{Transport: &oauth2.Transport{Source: ts, Base: r.httpClient().Transport}}, nil
}

// action returns the Action of a checked step.
func (r *Runner) action(s *step) Action {
	switch s.Kind {
	case KindWebhook:
		return webhook{s, r}
	case KindGraph:
		return graphAction{s, r}
	case KindEmail:
		return emailAction{s, r}
	case KindComment:
		return commentAction{s, r}
	}
	return execAction{s, r}
}

// Plan resolves every step of the playbook for the incident, in order.
func (r *Runner) Plan(ctx context.Context, pb *Playbook, in *debrief.Incident, runID string) ([]Step, error) {
	var out []Step
	for _, s := range pb.steps {
		act := r.action(s)
		ss, err := act.Plan(ctx, in, runID)
		if err != nil {
			return nil, err
		}
		for i := range ss {
			ss[i].act = act
		}
		out = append(out, ss...)
	}
	return out, nil
}

// Run plans the playbook on the incident, records the plan, and when live
// executes it. Live runs need Config.Live. Run does not look at the
// playbook's trigger; Start does.
func (r *Runner) Run(ctx context.Context, pb *Playbook, in *debrief.Incident, live bool) (*debrief.PlaybookRun, error) {
	return r.run(ctx, pb, in, live, "", "", nil)
}

// StartOptions are what Start may be given besides the playbook and the
// incident.
type StartOptions struct {
	Live bool // act, not just plan; needs Config.Live
	// Force runs the playbook although its trigger does not match the
	// incident; the audit log's run.start records it with the conditions
	// that failed.
	Force bool
}

// Start is Run for a person naming a playbook and an incident: it refuses
// (EINVALID) an incident the playbook's trigger, on any event, does not
// match, saying which conditions failed, unless o.Force.
func (r *Runner) Start(ctx context.Context, pb *Playbook, in *debrief.Incident, o StartOptions) (*debrief.PlaybookRun, error) {
	failed := pb.failed(NewFacts(in))
	if len(failed) > 0 && !o.Force {
		return nil, debrief.Errorf(debrief.EINVALID, "the trigger of %s does not match %s: %s; --force runs it anyway",
			pb.Name(), in.ID, strings.Join(failed, "; "))
	}
	return r.run(ctx, pb, in, o.Live, "", "", failed)
}

// run is Run with the run's ID ("": a new one), the event that fired it
// ("": none, a person started it), and the trigger's conditions that
// failed when a person forced it to run (nil: none).
func (r *Runner) run(ctx context.Context, pb *Playbook, in *debrief.Incident, live bool, id, event string, forced []string) (*debrief.PlaybookRun, error) {
	if live && !r.Config.Live {
		return nil, debrief.Errorf(debrief.EINVALID, "live runs are off: set live: true in the playbook config")
	}
	if r.Store == nil {
		return nil, debrief.Errorf(debrief.EINVALID, "playbook runs need a store")
	}
	now := r.now()
	if id == "" {
		id = r.newID()
	}
	run := &debrief.PlaybookRun{ID: id, Playbook: pb.Name(), Digest: pb.Digest, IncidentID: in.ID, Live: live,
		Status: debrief.RunPlanned, Created: now, Updated: now, Source: pb.Source}
	if live {
		run.Status = debrief.RunPending
	}
	steps, err := r.Plan(ctx, pb, in, run.ID)
	if err != nil {
		return nil, fmt.Errorf("plan %s on %s: %w", pb.Name(), in.ID, err)
	}
	start := map[string]any{"digest": pb.Digest, "steps": len(steps)}
	if event != "" {
		start["event"] = event
	}
	if len(forced) > 0 {
		start["forced"], start["unmatched"] = true, forced
	}
	if err := r.audit(run, "", "run.start", start); err != nil {
		return nil, err
	}
	if err := r.Store.SaveRun(ctx, *run); err != nil {
		return nil, fmt.Errorf("save run: %w", err)
	}
	for _, s := range steps {
		plan, _ := json.Marshal(s)
		st := debrief.PlaybookStep{RunID: run.ID, Key: s.Key, Kind: s.Kind, Status: run.Status,
			IdempotencyKey: s.IdempotencyKey, Plan: plan, Updated: now}
		if err := r.audit(run, s.Key, "plan", s); err != nil {
			return nil, err
		}
		if err := r.Store.SaveStep(ctx, st); err != nil {
			return nil, fmt.Errorf("save step %s: %w", s.Key, err)
		}
		run.Steps = append(run.Steps, st)
	}
	if !live {
		return run, nil
	}
	return r.execute(ctx, run, steps)
}

// ResumeOptions are what Resume may be given besides the run.
type ResumeOptions struct {
	// Playbook is a playbook file the user named. Nil: the copy the run
	// keeps (runs stored before debrief kept one need the file). A file
	// that is not the one the run started with is refused unless Force.
	Playbook *Playbook
	// Force runs the rest of the run with Playbook even though its digest
	// differs from the run's; the audit log records both digests.
	Force bool
	// Incident is the run's incident. Nil: read from the Store, which must
	// then also be a debrief.Store (or have its Incident method).
	Incident *debrief.Incident
}

// Resume continues a live run: steps that succeeded are not repeated; a
// step left running by a crash runs again with the same idempotency key; a
// step whose approval is overdue is denied. It plans the rest from the
// playbook the run keeps, unless o names another.
func (r *Runner) Resume(ctx context.Context, runID string, o ResumeOptions) (*debrief.PlaybookRun, error) {
	run, err := r.Store.Run(ctx, runID)
	if err != nil {
		return nil, err
	}
	switch {
	case !run.Live:
		return run, debrief.Errorf(debrief.EINVALID, "run %s is a dry run; start a live run instead", runID)
	case !r.Config.Live:
		return nil, debrief.Errorf(debrief.EINVALID, "live runs are off: set live: true in the playbook config")
	case run.Status.Final():
		return run, nil
	}
	pb, forced, err := r.resumePlaybook(run, o)
	if err != nil {
		return run, err
	}
	in := o.Incident
	if in == nil {
		if in, err = r.incident(ctx, run.IncidentID); err != nil {
			return run, err
		}
	}
	if run.IncidentID != in.ID {
		return run, debrief.Errorf(debrief.EINVALID, "run %s is on incident %s, not %s", runID, run.IncidentID, in.ID)
	}
	steps, err := r.Plan(ctx, pb, in, run.ID)
	if err != nil {
		return nil, fmt.Errorf("plan %s on %s: %w", pb.Name(), in.ID, err)
	}
	detail := map[string]any{"digest": pb.Digest}
	if forced {
		detail["forced"], detail["run_digest"] = true, run.Digest
	}
	if err := r.audit(run, "", "run.resume", detail); err != nil {
		return nil, err
	}
	return r.execute(ctx, run, steps)
}

// resumePlaybook picks the playbook a resume plans from: the run's own
// copy, or the user's file when it is the same or forced.
func (r *Runner) resumePlaybook(run *debrief.PlaybookRun, o ResumeOptions) (pb *Playbook, forced bool, err error) {
	if o.Playbook != nil {
		switch {
		case o.Playbook.Digest == run.Digest:
			return o.Playbook, false, nil
		case !o.Force:
			return nil, false, debrief.Errorf(debrief.ECONFLICT,
				"%s (sha256 %.12s…) is not the playbook run %s started with (%s, sha256 %.12s…): it changed since; "+
					"resume without the file to use the run's own copy, or pass --force to run the rest with this file",
				o.Playbook.Path, o.Playbook.Digest, run.ID, run.Playbook, run.Digest)
		}
		return o.Playbook, true, nil
	}
	if len(run.Source) == 0 {
		return nil, false, debrief.Errorf(debrief.EINVALID,
			"run %s was stored without its playbook (by an older debrief): name the playbook file of %s to resume it", run.ID, run.Playbook)
	}
	sum := sha256.Sum256(run.Source)
	if hex.EncodeToString(sum[:]) != run.Digest {
		return nil, false, debrief.Errorf(debrief.ECONFLICT, "run %s: the stored playbook does not match the run's digest %s (the store was changed)", run.ID, run.Digest)
	}
	pb, err = Parse(run.Source, "run "+run.ID+" playbook "+run.Playbook, Options{})
	if err != nil {
		return nil, false, fmt.Errorf("run %s: stored playbook: %w", run.ID, err)
	}
	return pb, false, nil
}

// incident reads a run's incident from the store.
func (r *Runner) incident(ctx context.Context, id string) (*debrief.Incident, error) {
	st, ok := r.Store.(interface {
		Incident(ctx context.Context, id string) (*debrief.Incident, error)
	})
	if !ok {
		return nil, debrief.Errorf(debrief.EINVALID, "resume: name the run's incident %s (the store cannot read incidents)", id)
	}
	in, err := st.Incident(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("run's incident %s: %w", id, err)
	}
	return in, nil
}

// execute runs the steps in order, from their stored states.
func (r *Runner) execute(ctx context.Context, run *debrief.PlaybookRun, steps []Step) (*debrief.PlaybookRun, error) {
	states := map[string]*debrief.PlaybookStep{}
	for i := range run.Steps {
		states[run.Steps[i].Key] = &run.Steps[i]
	}
	run.Status = debrief.RunRunning
	if err := r.saveRun(ctx, run); err != nil { // a crash from here on leaves it running
		return run, err
	}
	for _, s := range steps {
		st := states[s.Key]
		if st == nil {
			return run, debrief.Errorf(debrief.ECONFLICT, "run %s has no step %s", run.ID, s.Key)
		}
		next, err := r.step(ctx, run, s, st)
		if err != nil {
			r.saveRun(ctx, run)
			return run, err
		}
		if next != debrief.RunSucceeded {
			run.Status = next
			return run, r.saveRun(ctx, run)
		}
	}
	run.Status = debrief.RunSucceeded
	if err := r.audit(run, "", "run.end", nil); err != nil {
		return run, err
	}
	return run, r.saveRun(ctx, run)
}

func (r *Runner) saveRun(ctx context.Context, run *debrief.PlaybookRun) error {
	run.Updated = r.now()
	if err := r.Store.SaveRun(ctx, *run); err != nil {
		return fmt.Errorf("save run %s: %w", run.ID, err)
	}
	return nil
}

func (r *Runner) saveStep(ctx context.Context, run *debrief.PlaybookRun, st *debrief.PlaybookStep, event string, detail any) error {
	st.Updated = r.now()
	if err := r.audit(run, st.Key, event, detail); err != nil {
		return err
	}
	if err := r.Store.SaveStep(ctx, *st); err != nil {
		return fmt.Errorf("save step %s: %w", st.Key, err)
	}
	return nil
}

// step brings one step forward. It returns RunSucceeded to go on with the
// next step, or the status the run stops at.
func (r *Runner) step(ctx context.Context, run *debrief.PlaybookRun, s Step, st *debrief.PlaybookStep) (debrief.RunStatus, error) {
	switch st.Status {
	case debrief.RunSucceeded, debrief.RunSkipped:
		return debrief.RunSucceeded, nil
	case debrief.RunFailed, debrief.RunDenied:
		return st.Status, nil
	}
	if st.Status != debrief.RunRunning {
		done, err := r.Store.SucceededKey(ctx, s.IdempotencyKey)
		if err != nil {
			return "", err
		}
		if done {
			st.Status, st.Result = debrief.RunSkipped, "idempotency key succeeded before"
			return debrief.RunSucceeded, r.saveStep(ctx, run, st, "skip", map[string]string{"reason": st.Result})
		}
	}
	if s.Approval && st.ApprovedBy == "" {
		return r.awaitApproval(ctx, run, s, st)
	}
	st.Status = debrief.RunRunning
	st.Attempts++
	if err := r.saveStep(ctx, run, st, "execute", s); err != nil {
		return "", err
	}
	out, err := s.act.Execute(ctx, s)
	st.Attempts += max(out.Attempts, 1) - 1
	if err != nil && ctx.Err() != nil {
		// Interrupted: leave the step running for Resume.
		return "", fmt.Errorf("step %s: %w", s.Key, ctx.Err())
	}
	if err != nil {
		st.Status, st.Error = debrief.RunFailed, err.Error()
		return debrief.RunFailed, r.saveStep(context.WithoutCancel(ctx), run, st, "outcome", map[string]any{"outcome": out, "error": st.Error})
	}
	st.Status, st.Result = debrief.RunSucceeded, out.Result
	if out.Note != "" {
		st.Result += " (" + out.Note + ")"
	}
	return debrief.RunSucceeded, r.saveStep(context.WithoutCancel(ctx), run, st, "outcome", map[string]any{"outcome": out})
}

func (r *Runner) audit(run *debrief.PlaybookRun, step, event string, detail any) error {
	if r.Audit == nil {
		return nil
	}
	d, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("audit %s: %w", event, err)
	}
	err = r.Audit.Append(AuditEntry{At: r.now(), Event: event, Run: run.ID, Playbook: run.Playbook,
		Incident: run.IncidentID, Step: step, Live: run.Live, Detail: d})
	if err != nil {
		return fmt.Errorf("audit %s: %w", event, err)
	}
	return nil
}
