package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/sqlite"
	"github.com/debrief-dev/debrief/storetest"
)

func openStore(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	return s
}

func TestStoreFile(t *testing.T) {
	storetest.Run(t, func(t *testing.T) debrief.Store {
		return openStore(t, filepath.Join(t.TempDir(), "debrief.db"))
	})
}

func TestStoreMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) debrief.Store { return openStore(t, sqlite.Memory) })
}
