package sqlite_test

import (
	"testing"

	"github.com/debrief-dev/debrief/storetest"
)

func TestHandling(t *testing.T) { storetest.RunHandling(t, openMemory) }
