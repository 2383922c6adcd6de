package sqlite_test

import (
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/sqlite"
	"github.com/debrief-dev/debrief/storetest"
)

// openMemory opens a private in-memory store for the capability suites.
func openMemory(t *testing.T) debrief.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), sqlite.Memory)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return s
}

func TestCapabilities(t *testing.T) {
	tests := []struct {
		name string
		run  func(*testing.T, func(*testing.T) debrief.Store)
	}{
		{"Tokens", storetest.RunTokens},
		{"Checkpoints", storetest.RunCheckpoints},
		{"Playbooks", storetest.RunPlaybooks},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, openMemory) })
	}
}
