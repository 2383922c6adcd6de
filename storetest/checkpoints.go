package storetest

import (
	"testing"
	"time"

	"github.com/debrief-dev/debrief"
)

// RunCheckpoints runs the conformance suite of debrief.CheckpointStore on
// stores from open (each a new, empty store that implements it; a store
// from a second call must not see the first's checkpoints). It pins down:
// a missing checkpoint is not ok and no error, a set value replaces the
// earlier one, names are independent (and an empty value is a value), an
// empty name is debrief.EINVALID, the list is sorted by name with each
// one's update time, and a deleted checkpoint is gone (deleting a missing
// one is not ok and no error).
func RunCheckpoints(t *testing.T, open func(t *testing.T) debrief.Store) {
	runCapability(t, "debrief.CheckpointStore", open, []capTest[debrief.CheckpointStore]{
		{"SetAndReplace", testCheckpointSet},
		{"EmptyName", testCheckpointEmptyName},
		{"StoresApart", testCheckpointStoresApart},
		{"ListAndDelete", testCheckpointListDelete},
	})
}

func wantCheckpoint(t *testing.T, s debrief.CheckpointStore, name, want string, wantOK bool) {
	t.Helper()
	got, ok, err := s.Checkpoint(t.Context(), name)
	if err != nil {
		t.Fatalf("checkpoint %q: %v", name, err)
	}
	if got != want || ok != wantOK {
		t.Errorf("checkpoint %q = %q, %v; want %q, %v", name, got, ok, want, wantOK)
	}
}

func setCheckpoint(t *testing.T, s debrief.CheckpointStore, name, value string) {
	t.Helper()
	if err := s.SetCheckpoint(t.Context(), name, value); err != nil {
		t.Fatalf("set checkpoint %q: %v", name, err)
	}
}

func testCheckpointSet(t *testing.T, open func() debrief.CheckpointStore) {
	s := open()
	wantCheckpoint(t, s, "graph/incidents", "", false)
	steps := []struct{ name, value string }{
		{"graph/incidents", `{"deltaLink":"https://graph.microsoft.com/v1.0/security/incidents?$deltatoken=a"}`},
		{"graph/incidents", "2025-03-04T09:12:07.123456789Z"},
		{"defender/incidents", "924565"},
		{"elastic/alerts", ""},
	}
	for _, st := range steps {
		setCheckpoint(t, s, st.name, st.value)
	}
	wantCheckpoint(t, s, "graph/incidents", "2025-03-04T09:12:07.123456789Z", true)
	wantCheckpoint(t, s, "defender/incidents", "924565", true)
	wantCheckpoint(t, s, "elastic/alerts", "", true)
	wantCheckpoint(t, s, "Graph/Incidents", "", false) // names are case-sensitive
}

func testCheckpointEmptyName(t *testing.T, open func() debrief.CheckpointStore) {
	s := open()
	wantCode(t, "empty name", s.SetCheckpoint(t.Context(), "", "x"), debrief.EINVALID)
	wantCheckpoint(t, s, "", "", false)
}

func testCheckpointStoresApart(t *testing.T, open func() debrief.CheckpointStore) {
	a, b := open(), open()
	setCheckpoint(t, a, "graph/incidents", "a")
	setCheckpoint(t, b, "graph/incidents", "b")
	wantCheckpoint(t, a, "graph/incidents", "a", true)
	wantCheckpoint(t, b, "graph/incidents", "b", true)
}

func testCheckpointListDelete(t *testing.T, open func() debrief.CheckpointStore) {
	s, other := open(), open()
	ctx := t.Context()
	if cps, err := s.Checkpoints(ctx); err != nil || len(cps) != 0 {
		t.Fatalf("empty store lists %v (err %v), want none", cps, err)
	}
	before := time.Now().Add(-time.Second)
	for _, name := range []string{"graph/incidents", "defender/incidents", "graph/alerts", "elastic/.alerts-security.alerts-*"} {
		setCheckpoint(t, s, name, "v-"+name)
	}
	setCheckpoint(t, other, "sentinel/law/incidents", "x") // not in s's list
	cps, err := s.Checkpoints(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"defender/incidents", "elastic/.alerts-security.alerts-*", "graph/alerts", "graph/incidents"}
	if len(cps) != len(want) {
		t.Fatalf("lists %v, want %v", cps, want)
	}
	for i, cp := range cps {
		if cp.Name != want[i] || cp.Value != "v-"+want[i] || cp.Updated.Before(before) || cp.Updated.After(time.Now().Add(time.Second)) {
			t.Errorf("checkpoint %d = %+v, want %s = v-%s updated now", i, cp, want[i], want[i])
		}
	}
	steps := []struct {
		name   string
		wantOK bool
	}{
		{"graph/incidents", true},
		{"graph/incidents", false}, // gone already
		{"nothing/here", false},
		{"sentinel/law/incidents", false}, // another store's
	}
	for _, st := range steps {
		ok, err := s.DeleteCheckpoint(ctx, st.name)
		if err != nil || ok != st.wantOK {
			t.Errorf("delete %q: ok %v, err %v; want ok %v", st.name, ok, err, st.wantOK)
		}
	}
	wantCheckpoint(t, s, "graph/incidents", "", false)
	wantCheckpoint(t, s, "graph/alerts", "v-graph/alerts", true)
	wantCheckpoint(t, other, "sentinel/law/incidents", "x", true)
	setCheckpoint(t, s, "graph/incidents", "again") // a deleted name can be set again
	wantCheckpoint(t, s, "graph/incidents", "again", true)
	if cps, err := s.Checkpoints(ctx); err != nil || len(cps) != 4 {
		t.Errorf("after delete and set: %v (err %v), want 4 checkpoints", cps, err)
	}
}
