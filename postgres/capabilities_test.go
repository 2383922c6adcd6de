package postgres_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/postgres"
	"github.com/debrief-dev/debrief/storetest"
)

var capabilitySuites = []struct {
	name string
	run  func(*testing.T, func(*testing.T) debrief.Store)
}{
	{"Tokens", storetest.RunTokens},
	{"Checkpoints", storetest.RunCheckpoints},
	{"Playbooks", storetest.RunPlaybooks},
}

// TestCapabilities runs the capability suites, each store in a fresh
// schema.
func TestCapabilities(t *testing.T) {
	testDSN(t)
	for _, tc := range capabilitySuites {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, func(t *testing.T) debrief.Store {
				return openStore(t, freshSchema(t), postgres.DefaultTenant)
			})
		})
	}
}

// TestCapabilitiesTenants runs the capability suites with every store a
// tenant of its own in one schema: tenants must not see each other's
// tokens, checkpoints or runs.
func TestCapabilitiesTenants(t *testing.T) {
	dsn := freshSchema(t)
	var n atomic.Int64
	for _, tc := range capabilitySuites {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, func(t *testing.T) debrief.Store {
				return openStore(t, dsn, fmt.Sprintf("customer-%d", n.Add(1)))
			})
		})
	}
}
