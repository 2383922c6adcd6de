package postgres_test

import (
	"testing"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/postgres"
	"github.com/debrief-dev/debrief/storetest"
)

func TestScanIncidents(t *testing.T) {
	testDSN(t)
	storetest.RunScanner(t, func(t *testing.T) debrief.Store {
		return openStore(t, freshSchema(t), postgres.DefaultTenant)
	})
}
