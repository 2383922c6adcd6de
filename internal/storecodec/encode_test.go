package storecodec

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

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

// TestAppendJSONString checks the quoting against json.Marshal (with
// invalid UTF-8 allowed and replaced, as the encoder did before).
func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", `C:\Windows\System32\cmd.exe`, `say "hi"`, "tab\there\nnew\x00nul\x1f",
		"<script>&amp;</script>", "Grüße, 世界 🌟", "\u2028\u2029", "bad \xff\xfe utf-8", "\xed\xa0\x80 surrogate",
		"ends in a partial rune \xe4\xb8"} {
		want, err := json.Marshal(s)
		if err != nil {
			want, _ = json.Marshal(s, jsontext.AllowInvalidUTF8(true))
		}
		if got := AppendJSONString([]byte("x"), s, nil); string(got) != "x"+string(want) {
			t.Errorf("AppendJSONString(%q) = %s, want x%s", s, got, want)
		}
	}
}
