package storetest

import (
	"testing"

	"github.com/debrief-dev/debrief"
)

// capTest is one test of a capability suite.
type capTest[C any] struct {
	name string
	fn   func(t *testing.T, open func() C)
}

// runCapability runs the tests of a capability C (an interface a
// debrief.Store may implement besides Store) on stores from open, closing
// each when its test ends. A store that lacks C fails the test.
func runCapability[C any](t *testing.T, what string, open func(t *testing.T) debrief.Store, tests []capTest[C]) {
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, func() C { return openCapability[C](t, what, open) })
		})
	}
}

func openCapability[C any](t *testing.T, what string, open func(t *testing.T) debrief.Store) C {
	t.Helper()
	s := open(t)
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	c, ok := s.(C)
	if !ok {
		t.Fatalf("store %T does not implement %s", s, what)
	}
	return c
}
