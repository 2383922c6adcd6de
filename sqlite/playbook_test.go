package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/sqlite"
)

func TestPlaybookStore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "pb.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	run := debrief.PlaybookRun{ID: "run-1", Playbook: "p", Digest: "d", IncidentID: "defender:1", Live: true,
		Status: debrief.RunRunning, Created: at, Updated: at}
	if err := st.SaveRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"b", "a"} {
		if err := st.SaveStep(ctx, debrief.PlaybookStep{RunID: "run-1", Key: k, Kind: "webhook", Status: debrief.RunPending,
			IdempotencyKey: "idem-" + k, Plan: []byte(`{"k":1}`), Updated: at}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SaveStep(ctx, debrief.PlaybookStep{RunID: "run-1", Key: "b", Kind: "webhook", Status: debrief.RunSucceeded,
		IdempotencyKey: "idem-b", Attempts: 2, Result: "ok", ApprovedBy: "lead", ApprovedAt: at, Updated: at}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	// Reopen: the state survives the process.
	st, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got, err := st.Run(ctx, "run-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Steps) != 2 || got.Steps[0].Key != "b" || got.Steps[0].Status != debrief.RunSucceeded || got.Steps[0].Attempts != 2 ||
		string(got.Steps[0].Plan) != `{"k":1}` || !got.Steps[0].ApprovedAt.Equal(at) || !got.Created.Equal(at) || !got.Live {
		t.Errorf("run read back as %+v", got)
	}
	if ok, _ := st.SucceededKey(ctx, "idem-b"); !ok {
		t.Error("idem-b succeeded")
	}
	if ok, _ := st.SucceededKey(ctx, "idem-a"); ok {
		t.Error("idem-a has not succeeded")
	}
	if _, err := st.Run(ctx, "nope"); debrief.ErrorCode(err) != debrief.ENOTFOUND {
		t.Errorf("missing run: %v", err)
	}
	runs, err := st.Runs(ctx, "defender:1")
	if err != nil || len(runs) != 1 {
		t.Errorf("runs %v %v", runs, err)
	}
	if err := st.AddComment(ctx, "defender:404", debrief.Comment{At: at, Text: "x"}); debrief.ErrorCode(err) != debrief.ENOTFOUND {
		t.Errorf("comment on a missing incident: %v", err)
	}
}
