package postgres_test

import (
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/postgres"
	"github.com/debrief-dev/debrief/storetest"
)

func TestHandling(t *testing.T) {
	testDSN(t)
	storetest.RunHandling(t, func(t *testing.T) debrief.Store {
		return openStore(t, freshSchema(t), postgres.DefaultTenant)
	})
}
