package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/debrief-dev/debrief/sqlite"
)

func TestCheckpoint(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cp.db")
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := st.Checkpoint(ctx, "graph/incidents"); err != nil || ok {
		t.Fatalf("empty store: ok %v, err %v; want no checkpoint", ok, err)
	}
	steps := []struct{ name, value string }{
		{"graph/incidents", "a"},
		{"graph/incidents", "b"},
		{"defender/incidents", "c"},
	}
	for _, s := range steps {
		if err := st.SetCheckpoint(ctx, s.name, s.value); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SetCheckpoint(ctx, "", "x"); err == nil {
		t.Error("empty name accepted")
	}
	st.Close()
	st, err = sqlite.Open(ctx, path) // survives a reopen
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	want := map[string]string{"graph/incidents": "b", "defender/incidents": "c"}
	for name, v := range want {
		got, ok, err := st.Checkpoint(ctx, name)
		if err != nil || !ok || got != v {
			t.Errorf("%s = %q, %v, %v; want %q", name, got, ok, err, v)
		}
	}
}
