package storetest

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
)

// playbookStore is what the playbook suite uses: the capability, and Write
// and Incident for AddComment.
type playbookStore interface {
	debrief.Store
	debrief.PlaybookStore
}

// RunPlaybooks runs the conformance suite of debrief.PlaybookStore on
// stores from open (each a new, empty store that implements it; a store
// from a second call must not see the first's runs). It pins down: a run
// and its steps round-trip (nanosecond times, the plan byte for byte);
// steps come back in the order first saved, and saving a step again keeps
// its place and, when saved without a plan, its plan; saving a run again
// updates its status and updated time; Runs lists newest first (then by
// ID descending), all or one incident's, without steps or source; a run's
// source round-trips byte for byte and a second save keeps it; a step's
// deadline round-trips; Waiting lists the waiting steps of every run,
// oldest deadline first; DecideStep saves a decision only on a step that
// still waits unapproved, before its deadline (a timeout: at or after it;
// no deadline stored: either), and of decisions made at once exactly one
// lands; SucceededKey looks across runs at succeeded steps
// only; AddComment adds a comment once, and is debrief.ENOTFOUND for an
// incident not stored; a missing run is debrief.ENOTFOUND.
func RunPlaybooks(t *testing.T, open func(t *testing.T) debrief.Store) {
	runCapability(t, "debrief.PlaybookStore", open, []capTest[playbookStore]{
		{"RoundTrip", testPlaybookRoundTrip},
		{"StepUpdates", testPlaybookStepUpdates},
		{"RunUpdates", testPlaybookRunUpdates},
		{"Runs", testPlaybookRuns},
		{"Source", testPlaybookSource},
		{"Waiting", testPlaybookWaiting},
		{"DecideStep", testPlaybookDecide},
		{"DecideStepRace", testPlaybookDecideRace},
		{"SucceededKey", testPlaybookSucceededKey},
		{"AddComment", testPlaybookComment},
		{"StoresApart", testPlaybookStoresApart},
	})
}

func sampleRun(id, incident string, created time.Time) debrief.PlaybookRun {
	return debrief.PlaybookRun{ID: id, Playbook: "isolate-and-reset", Digest: "sha256:5d41402abc4b2a76b9719d911017c592",
		IncidentID: incident, Live: true, Status: debrief.RunRunning, Created: created, Updated: created}
}

func sampleStep(run, key string, status debrief.RunStatus) debrief.PlaybookStep {
	return debrief.PlaybookStep{RunID: run, Key: key, Kind: "webhook", Status: status, IdempotencyKey: run + "/" + key,
		Plan: []byte(`{"url":"https://soar.example/isolate","headers":{"Authorization":"***"}}`), Updated: at(time.Minute)}
}

func saveRun(t *testing.T, s debrief.PlaybookStore, r debrief.PlaybookRun) {
	t.Helper()
	if err := s.SaveRun(t.Context(), r); err != nil {
		t.Fatalf("save run %s: %v", r.ID, err)
	}
}

func saveStep(t *testing.T, s debrief.PlaybookStore, st debrief.PlaybookStep) {
	t.Helper()
	if err := s.SaveStep(t.Context(), st); err != nil {
		t.Fatalf("save step %s/%s: %v", st.RunID, st.Key, err)
	}
}

func readRun(t *testing.T, s debrief.PlaybookStore, id string) debrief.PlaybookRun {
	t.Helper()
	r, err := s.Run(t.Context(), id)
	if err != nil {
		t.Fatalf("run %s: %v", id, err)
	}
	return *r
}

func sameRun(got, want debrief.PlaybookRun) bool {
	return got.ID == want.ID && got.Playbook == want.Playbook && got.Digest == want.Digest &&
		got.IncidentID == want.IncidentID && got.Live == want.Live && got.Status == want.Status &&
		got.Created.Equal(want.Created) && got.Updated.Equal(want.Updated) && string(got.Source) == string(want.Source)
}

func sameStep(got, want debrief.PlaybookStep) bool {
	return got.RunID == want.RunID && got.Key == want.Key && got.Kind == want.Kind && got.Status == want.Status &&
		got.IdempotencyKey == want.IdempotencyKey && got.Attempts == want.Attempts &&
		string(got.Plan) == string(want.Plan) && got.Result == want.Result && got.Error == want.Error &&
		got.ApprovedBy == want.ApprovedBy && got.ApprovedAt.Equal(want.ApprovedAt) && got.Deadline.Equal(want.Deadline) &&
		got.Updated.Equal(want.Updated)
}

func wantRun(t *testing.T, what string, got, want debrief.PlaybookRun) {
	t.Helper()
	if !sameRun(got, want) {
		t.Errorf("%s: run %+v, want %+v", what, got, want)
	}
	if len(got.Steps) != len(want.Steps) {
		t.Fatalf("%s: %d steps %+v, want %d", what, len(got.Steps), got.Steps, len(want.Steps))
	}
	for i := range want.Steps {
		if !sameStep(got.Steps[i], want.Steps[i]) {
			t.Errorf("%s: step %d is %+v, want %+v", what, i, got.Steps[i], want.Steps[i])
		}
	}
}

func testPlaybookRoundTrip(t *testing.T, open func() playbookStore) {
	s := open()
	run := sampleRun("run-1", "defender:924565", t0)
	saveRun(t, s, run)
	approve := sampleStep("run-1", "approve", debrief.RunWaiting)
	approve.Kind, approve.Plan, approve.Deadline = "approval", nil, at(24*time.Hour)
	isolate := sampleStep("run-1", "isolate#device:ws-0042", debrief.RunSucceeded)
	isolate.Attempts, isolate.Result = 2, `{"status":202}`
	isolate.ApprovedBy, isolate.ApprovedAt = "amy.lee@contoso.com", at(30*time.Second)
	failed := sampleStep("run-1", "notify", debrief.RunFailed)
	failed.Attempts, failed.Error = 3, "POST https://chat.example/hook: 503 Service Unavailable"
	run.Steps = []debrief.PlaybookStep{isolate, approve, failed} // saved in this order, not by key
	for _, st := range run.Steps {
		saveStep(t, s, st)
	}
	wantRun(t, "read back", readRun(t, s, "run-1"), run)

	dry := debrief.PlaybookRun{ID: "run-2", Playbook: "notify", Digest: "sha256:0", IncidentID: "defender:924565",
		Status: debrief.RunPlanned, Created: at(time.Hour), Updated: at(time.Hour)}
	saveRun(t, s, dry)
	wantRun(t, "dry run without steps", readRun(t, s, "run-2"), dry)
	_, err := s.Run(t.Context(), "run-404")
	wantCode(t, "missing run", err, debrief.ENOTFOUND)
}

func testPlaybookStepUpdates(t *testing.T, open func() playbookStore) {
	s := open()
	saveRun(t, s, sampleRun("run-1", "defender:924565", t0))
	b, a, c := sampleStep("run-1", "b", debrief.RunPending), sampleStep("run-1", "a", debrief.RunPending),
		sampleStep("run-1", "c", debrief.RunPending)
	for _, st := range []debrief.PlaybookStep{b, a, c} {
		saveStep(t, s, st)
	}
	// b runs and succeeds; its update carries no plan, which keeps the first.
	plan := b.Plan
	b.Status, b.Attempts, b.Result, b.Plan, b.Updated = debrief.RunSucceeded, 1, "ok", nil, at(2*time.Minute)
	saveStep(t, s, b)
	a.Status, a.Attempts, a.Error, a.Plan = debrief.RunFailed, 3, "timeout", []byte(`{"replanned":true}`)
	saveStep(t, s, a)
	b.Plan = plan
	got := readRun(t, s, "run-1")
	wantRun(t, "after updates", got, debrief.PlaybookRun{ID: "run-1", Playbook: "isolate-and-reset",
		Digest: "sha256:5d41402abc4b2a76b9719d911017c592", IncidentID: "defender:924565", Live: true,
		Status: debrief.RunRunning, Created: t0, Updated: t0, Steps: []debrief.PlaybookStep{b, a, c}})
}

func testPlaybookRunUpdates(t *testing.T, open func() playbookStore) {
	s := open()
	run := sampleRun("run-1", "defender:924565", t0)
	saveRun(t, s, run)
	saveStep(t, s, sampleStep("run-1", "a", debrief.RunSucceeded))
	run.Status, run.Updated = debrief.RunSucceeded, at(time.Hour)
	saveRun(t, s, run)
	got := readRun(t, s, "run-1")
	if !sameRun(got, run) || len(got.Steps) != 1 {
		t.Errorf("after a second save: %+v, want %+v with its step", got, run)
	}
}

func runIDs(t *testing.T, s debrief.PlaybookStore, incident string) []string {
	t.Helper()
	runs, err := s.Runs(t.Context(), incident)
	if err != nil {
		t.Fatalf("runs of %q: %v", incident, err)
	}
	var ids []string
	for _, r := range runs {
		if len(r.Steps) != 0 {
			t.Errorf("runs of %q: run %s has steps %+v, want none", incident, r.ID, r.Steps)
		}
		if r.Source != nil {
			t.Errorf("runs of %q: run %s has its source, want none in a list", incident, r.ID)
		}
		ids = append(ids, r.ID)
	}
	return ids
}

func testPlaybookRuns(t *testing.T, open func() playbookStore) {
	s := open()
	if ids := runIDs(t, s, ""); len(ids) != 0 {
		t.Errorf("empty store lists runs %v", ids)
	}
	for _, r := range []debrief.PlaybookRun{
		sampleRun("r1", "defender:1", at(time.Hour)),
		sampleRun("r2", "defender:2", at(3*time.Hour)),
		sampleRun("r3", "defender:1", at(2*time.Hour)),
		sampleRun("r4", "defender:1", at(2*time.Hour)),
	} {
		r.Source = []byte("apiVersion: debrief/v1\n")
		saveRun(t, s, r)
		saveStep(t, s, sampleStep(r.ID, "a", debrief.RunPending))
	}
	tests := []struct {
		incident string
		want     []string
	}{
		{"", []string{"r2", "r4", "r3", "r1"}},
		{"defender:1", []string{"r4", "r3", "r1"}},
		{"defender:2", []string{"r2"}},
		{"defender:3", nil},
	}
	for _, tc := range tests {
		if got := runIDs(t, s, tc.incident); !slices.Equal(got, tc.want) {
			t.Errorf("runs of %q: %v, want %v", tc.incident, got, tc.want)
		}
	}
}

func wantSucceeded(t *testing.T, s debrief.PlaybookStore, key string, want bool) {
	t.Helper()
	got, err := s.SucceededKey(t.Context(), key)
	if err != nil {
		t.Fatalf("succeeded key %q: %v", key, err)
	}
	if got != want {
		t.Errorf("succeeded key %q = %v, want %v", key, got, want)
	}
}

func testPlaybookSucceededKey(t *testing.T, open func() playbookStore) {
	s := open()
	saveRun(t, s, sampleRun("run-1", "defender:1", t0))
	saveRun(t, s, sampleRun("run-2", "defender:2", at(time.Hour)))
	steps := []debrief.PlaybookStep{
		sampleStep("run-1", "reset", debrief.RunSucceeded),
		sampleStep("run-1", "isolate", debrief.RunFailed),
		sampleStep("run-2", "isolate", debrief.RunRunning),
		sampleStep("run-2", "notify", debrief.RunSkipped),
	}
	steps[2].IdempotencyKey = "isolate:ws-0042"
	steps[3].IdempotencyKey = "run-1/reset" // skipped because run-1's reset succeeded
	for _, st := range steps {
		saveStep(t, s, st)
	}
	wantSucceeded(t, s, "run-1/reset", true)
	wantSucceeded(t, s, "run-1/isolate", false)
	wantSucceeded(t, s, "isolate:ws-0042", false)
	steps[2].Status = debrief.RunSucceeded
	saveStep(t, s, steps[2])
	wantSucceeded(t, s, "isolate:ws-0042", true)
	wantSucceeded(t, s, "unknown", false)
}

func testPlaybookComment(t *testing.T, open func() playbookStore) {
	s := open()
	in := phishing()
	write(t, s, incRec(in))
	c := debrief.Comment{At: at(5 * time.Hour), Author: "debrief playbook isolate-and-reset", Text: "Isolated ws-0042 (run run-1)."}
	for range 2 {
		if err := s.AddComment(t.Context(), in.ID, c); err != nil {
			t.Fatalf("add comment: %v", err)
		}
	}
	got := incident(t, s, in.ID)
	want := append(slices.Clone(in.Comments), c)
	slices.SortStableFunc(want, func(a, b debrief.Comment) int { return a.At.Compare(b.At) })
	if !slices.EqualFunc(got.Comments, want, sameComment) {
		t.Errorf("comments %+v, want %+v", got.Comments, want)
	}
	wantCode(t, "comment on a missing incident",
		s.AddComment(t.Context(), "defender:404", debrief.Comment{At: t0, Text: "x"}), debrief.ENOTFOUND)
	// A later version of the incident keeps the added comment.
	in.Times.Updated = at(6 * time.Hour)
	in.Status = debrief.StatusResolved
	write(t, s, incRec(in))
	if got := incident(t, s, in.ID); !slices.ContainsFunc(got.Comments, func(x debrief.Comment) bool { return sameComment(x, c) }) {
		t.Errorf("after a new version, comments %+v lack %+v", got.Comments, c)
	}
}

func sameComment(a, b debrief.Comment) bool {
	return a.At.Equal(b.At) && a.Author == b.Author && a.Text == b.Text
}

func testPlaybookStoresApart(t *testing.T, open func() playbookStore) {
	a, b := open(), open()
	saveRun(t, a, sampleRun("run-1", "defender:1", t0))
	saveStep(t, a, sampleStep("run-1", "reset", debrief.RunSucceeded))
	_, err := b.Run(t.Context(), "run-1")
	wantCode(t, "other store's run", err, debrief.ENOTFOUND)
	wantSucceeded(t, b, "run-1/reset", false)
	if ids := runIDs(t, b, ""); len(ids) != 0 {
		t.Errorf("other store lists runs %v", ids)
	}
}

// playbookSource is a playbook file as a run keeps it: line ends, a BOM,
// non-ASCII text and a trailing space are all part of its digest.
const playbookSource = "\ufeffapiVersion: debrief/v1\r\nkind: Playbook\r\nmetadata: {name: isolate-and-reset, " +
	"description: \"Gerät isolieren — 隔離\"}\r\n# trailing space \n"

func testPlaybookSource(t *testing.T, open func() playbookStore) {
	s := open()
	run := sampleRun("run-1", "defender:1", t0)
	run.Source = []byte(playbookSource)
	saveRun(t, s, run)
	wantRun(t, "with source", readRun(t, s, "run-1"), run)
	// Saving the run again (as a runner does, with or without the source)
	// keeps the source.
	again := run
	again.Source, again.Status, again.Updated = nil, debrief.RunWaiting, at(time.Minute)
	saveRun(t, s, again)
	again.Source = run.Source
	wantRun(t, "saved again without source", readRun(t, s, "run-1"), again)
	old := sampleRun("run-2", "defender:1", t0) // a run stored before sources were kept
	saveRun(t, s, old)
	if got := readRun(t, s, "run-2"); got.Source != nil {
		t.Errorf("run without source reads back %q, want nil", got.Source)
	}
}

func testPlaybookWaiting(t *testing.T, open func() playbookStore) {
	s := open()
	got, err := s.Waiting(t.Context())
	if err != nil || len(got) != 0 {
		t.Fatalf("empty store: waiting %+v, %v; want none", got, err)
	}
	saveRun(t, s, sampleRun("run-1", "defender:1", t0))
	saveRun(t, s, sampleRun("run-2", "defender:2", at(time.Hour)))
	late := sampleStep("run-1", "isolate", debrief.RunWaiting)
	late.Deadline = at(48 * time.Hour)
	soon := sampleStep("run-2", "disable", debrief.RunWaiting)
	soon.Deadline = at(2 * time.Hour)
	legacy := sampleStep("run-2", "revoke", debrief.RunWaiting) // no deadline stored: first
	for _, st := range []debrief.PlaybookStep{late, sampleStep("run-1", "notify", debrief.RunSucceeded), soon,
		legacy, sampleStep("run-2", "reset", debrief.RunDenied)} {
		saveStep(t, s, st)
	}
	want := []debrief.PlaybookStep{legacy, soon, late}
	if got, err = s.Waiting(t.Context()); err != nil {
		t.Fatalf("waiting: %v", err)
	}
	if !slices.EqualFunc(got, want, sameStep) {
		t.Errorf("waiting %+v, want %+v", got, want)
	}
	soon.Status, soon.Error = debrief.RunDenied, "approval timed out"
	saveStep(t, s, soon)
	if got, _ = s.Waiting(t.Context()); !slices.EqualFunc(got, []debrief.PlaybookStep{legacy, late}, sameStep) {
		t.Errorf("after a denial, waiting %+v, want %+v", got, []debrief.PlaybookStep{legacy, late})
	}
}

func decide(t *testing.T, s debrief.PlaybookStore, st debrief.PlaybookStep, now time.Time, timeout bool) bool {
	t.Helper()
	ok, err := s.DecideStep(t.Context(), st, now, timeout)
	if err != nil {
		t.Fatalf("decide %s/%s: %v", st.RunID, st.Key, err)
	}
	return ok
}

// approved and timedOut are the decisions on a waiting step.
func approved(st debrief.PlaybookStep, now time.Time) debrief.PlaybookStep {
	st.ApprovedBy, st.ApprovedAt, st.Updated = "lead (token tok-1)", now, now
	return st
}

func timedOut(st debrief.PlaybookStep, now time.Time) debrief.PlaybookStep {
	st.Status, st.Error, st.Updated = debrief.RunDenied, "approval timed out", now
	return st
}

func testPlaybookDecide(t *testing.T, open func() playbookStore) {
	deadline := at(2 * time.Hour)
	before, after := deadline.Add(-time.Nanosecond), deadline
	tests := []struct {
		name     string
		stored   func(debrief.PlaybookStep) debrief.PlaybookStep // the step as stored before the decision
		decision func(debrief.PlaybookStep, time.Time) debrief.PlaybookStep
		now      time.Time
		timeout  bool
		want     bool
	}{
		{"approve before the deadline", nil, approved, before, false, true},
		{"approve at the deadline", nil, approved, after, false, false},
		{"time out at the deadline", nil, timedOut, after, true, true},
		{"time out before the deadline", nil, timedOut, before, true, false},
		{"time out an approved step", func(st debrief.PlaybookStep) debrief.PlaybookStep { return approved(st, before) },
			timedOut, after, true, false},
		{"approve an approved step", func(st debrief.PlaybookStep) debrief.PlaybookStep { return approved(st, before) },
			approved, before, false, false},
		{"approve a denied step", func(st debrief.PlaybookStep) debrief.PlaybookStep { return timedOut(st, after) },
			approved, before, false, false},
		{"approve without a stored deadline", func(st debrief.PlaybookStep) debrief.PlaybookStep {
			st.Deadline = time.Time{}
			return st
		}, approved, after, false, true},
		{"time out without a stored deadline", func(st debrief.PlaybookStep) debrief.PlaybookStep {
			st.Deadline = time.Time{}
			return st
		}, timedOut, before, true, true},
	}
	for _, tc := range tests {
		s := open()
		saveRun(t, s, sampleRun("run-1", "defender:1", t0))
		st := sampleStep("run-1", "isolate", debrief.RunWaiting)
		st.Deadline = deadline
		if tc.stored != nil {
			st = tc.stored(st)
		}
		saveStep(t, s, st)
		d := tc.decision(st, tc.now)
		if got := decide(t, s, d, tc.now, tc.timeout); got != tc.want {
			t.Errorf("%s: decided %v, want %v", tc.name, got, tc.want)
			continue
		}
		want := st
		if tc.want {
			want = d
		}
		if got := readRun(t, s, "run-1").Steps; len(got) != 1 || !sameStep(got[0], want) {
			t.Errorf("%s: stored %+v, want %+v", tc.name, got, want)
		}
	}
}

// testPlaybookDecideRace: approvals and timeouts of one step at once, at
// its deadline as each side's clock reads it: exactly one lands, and the
// step ends either approved and waiting or denied, never both.
func testPlaybookDecideRace(t *testing.T, open func() playbookStore) {
	s := open()
	deadline := at(2 * time.Hour)
	for round := range 5 {
		run := fmt.Sprintf("run-%d", round)
		saveRun(t, s, sampleRun(run, "defender:1", t0))
		st := sampleStep(run, "isolate", debrief.RunWaiting)
		st.Deadline = deadline
		saveStep(t, s, st)
		var wg sync.WaitGroup
		var won atomic.Int32
		for i := range 8 {
			wg.Go(func() {
				d, now, timeout := approved(st, deadline.Add(-time.Millisecond)), deadline.Add(-time.Millisecond), false
				if i%2 == 1 {
					d, now, timeout = timedOut(st, deadline), deadline, true
				}
				ok, err := s.DecideStep(t.Context(), d, now, timeout)
				if err != nil {
					t.Errorf("decide: %v", err)
				}
				if ok {
					won.Add(1)
				}
			})
		}
		wg.Wait()
		if n := won.Load(); n != 1 {
			t.Errorf("%s: %d decisions landed, want 1", run, n)
		}
		got := readRun(t, s, run).Steps[0]
		if ok := (got.Status == debrief.RunWaiting && got.ApprovedBy != "") ||
			(got.Status == debrief.RunDenied && got.ApprovedBy == ""); !ok {
			t.Errorf("%s: step ends %s approved by %q: want approved and waiting, or denied", run, got.Status, got.ApprovedBy)
		}
	}
}
