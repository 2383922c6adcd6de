package sqlite_test

import (
	"testing"

	"github.com/debrief-dev/debrief/storetest"
)

func TestScanIncidents(t *testing.T) { storetest.RunScanner(t, openMemory) }
