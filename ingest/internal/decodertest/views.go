package decodertest

import (
	"maps"
	"slices"
	"testing"
	"unsafe"

	"github.com/debrief-dev/debrief"
)

// NoRememberedViews checks that no string of a device or user entity of
// the alerts of recs (the entities decoders remember and share between
// alerts) is a view of the raw JSON of an alert of all: a remembered view
// would keep its record's buffer alive as long as the memo.
func NoRememberedViews(t testing.TB, recs, all []debrief.Record) {
	t.Helper()
	for _, rec := range recs {
		for _, e := range rec.Alerts() {
			for _, en := range e.Entities {
				if en.Kind != debrief.EntityDevice && en.Kind != debrief.EntityUser {
					continue // not remembered
				}
				for _, s := range append([]string{en.ID, en.Name}, slices.Collect(maps.Values(en.Attributes))...) {
					for _, other := range all {
						if other.Alert != nil && viewOf(s, other.Alert.Raw) {
							t.Errorf("%s %q is a view of a record: %s", en.Kind, s, other.Alert.Raw)
						}
					}
				}
			}
		}
	}
}

// viewOf reports whether s is a view of b.
func viewOf(s string, b []byte) bool {
	if s == "" || len(b) == 0 {
		return false
	}
	p, start := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(&b[0]))
	return p >= start && p < start+uintptr(len(b))
}
