package storecodec

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/debrief-dev/debrief"
)

func TestSortedKeys(t *testing.T) {
	many := map[string]string{}
	for i := range 40 {
		many[fmt.Sprintf("k%02d", (i*17)%40)] = ""
	}
	for _, m := range []map[string]string{nil, {"a": "1"}, {"sha256": "x", "command_line": "y", "pid": "z"}, many} {
		scratch := []string{"stale", "entries"}
		got := sortedKeys(scratch, m)
		if want := slices.Sorted(maps.Keys(m)); !slices.Equal(got, want) {
			t.Errorf("sortedKeys(%v) = %v, want %v", m, got, want)
		}
	}
}

// TestEntitiesAttributesSorted checks that an entity's attributes are
// encoded and hashed in key order, whatever order the map gives.
func TestEntitiesAttributesSorted(t *testing.T) {
	es := []debrief.Entity{{Kind: debrief.EntityProcess, ID: "1",
		Attributes: map[string]string{"sha256": "ab", "command_line": "x -y", "parent": "explorer.exe"}}}
	var enc Encoder
	want := `[{"kind":"process","id":"1","attributes":{"command_line":"x -y","parent":"explorer.exe","sha256":"ab"}}]`
	h := NewHasher()
	first := h.Alert(&debrief.Alert{ID: "a", Entities: es})
	for range 20 {
		if got := enc.Entities(es); got != want {
			t.Fatalf("Entities = %s, want %s", got, want)
		}
		if got := h.Alert(&debrief.Alert{ID: "a", Entities: es}); got != first {
			t.Fatalf("hash %s, then %s", first, got)
		}
	}
}
