package graph

import (
	"bytes"
	"reflect"
	"testing"
)

// TestPassesAgree: the two ways a record is decoded give the same
// alerts and incidents: checked and decoded in one pass (the scanner in
// strict mode, names matched where its shapes expect them), and checked
// by the splitter first, then decoded with the string ends it found.
// Each record of the inputs goes the same way as the one before, so the
// shapes have learned the layout by the second record.
func TestPassesAgree(t *testing.T) {
	for name, data := range map[string][]byte{
		"alerts_v2": generateAlerts(50),
		"incidents": generateIncidents(10, 5),
	} {
		one, oneErrs := decodeAll(t, bytes.NewReader(data), name)
		singlePass = false
		two, twoErrs := decodeAll(t, bytes.NewReader(data), name)
		singlePass = true
		if len(oneErrs) != 0 || len(twoErrs) != 0 {
			t.Fatalf("%s: errors %v and %v", name, oneErrs, twoErrs)
		}
		if len(one) == 0 || !reflect.DeepEqual(one, two) {
			t.Errorf("%s: one pass gives %d records, two passes %d, and they differ", name, len(one), len(two))
		}
	}
}
