package debrief

import (
	"context"
	"time"
)

// CheckpointStore keeps the position of each live source (how far a pull
// or a stream has read), so that a later run resumes where the last one
// stopped. A store that supports live sources implements it next to Store;
// consumers get it by type assertion.
//
// A checkpoint is an opaque string owned by its source, named for example
// "graph/incidents". Callers set it only after the records it covers are
// stored, so a run killed at any moment resumes without losing records.
type CheckpointStore interface {
	// Checkpoint returns the value stored under name; ok is false when
	// there is none.
	Checkpoint(ctx context.Context, name string) (value string, ok bool, err error)
	// SetCheckpoint stores value under name, replacing any earlier one.
	SetCheckpoint(ctx context.Context, name, value string) error
	// Checkpoints lists every checkpoint, sorted by name.
	Checkpoints(ctx context.Context) ([]Checkpoint, error)
	// DeleteCheckpoint removes the checkpoint under name, so that the
	// source's next run starts afresh; ok is false when there was none.
	DeleteCheckpoint(ctx context.Context, name string) (ok bool, err error)
}

// Checkpoint is one stored checkpoint.
type Checkpoint struct {
	Name    string    `json:"name"`
	Value   string    `json:"value"`
	Updated time.Time `json:"updated"` // when it was last set
}
