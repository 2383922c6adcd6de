package sqlite_test

import (
	"testing"

	"github.com/debrief-dev/debrief/storetest"
)

func TestAggregates(t *testing.T) { storetest.RunAggregates(t, openMemory) }
