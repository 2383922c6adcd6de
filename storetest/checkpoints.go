package storetest

import (
	"testing"

	"github.com/debrief-dev/debrief"
)

// RunCheckpoints runs the conformance suite of debrief.CheckpointStore on
// stores from open (each a new, empty store that implements it; a store
// from a second call must not see the first's checkpoints). It pins down:
// a missing checkpoint is not ok and no error, a set value replaces the
// earlier one, names are independent (and an empty value is a value), and
// an empty name is debrief.EINVALID.
func RunCheckpoints(t *testing.T, open func(t *testing.T) debrief.Store) {
	runCapability(t, "debrief.CheckpointStore", open, []capTest[debrief.CheckpointStore]{
		{"SetAndReplace", testCheckpointSet},
		{"EmptyName", testCheckpointEmptyName},
		{"StoresApart", testCheckpointStoresApart},
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
