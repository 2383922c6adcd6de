package wire_test

import (
	"strings"
	"testing"

	"github.com/debrief-dev/debrief/ingest/internal/wire"
)

// TestLower compares Lower with strings.ToLower: every byte value at every
// place of strings of each length up to 17, and some text.
func TestLower(t *testing.T) {
	for n := 1; n <= 17; n++ {
		for at := range n {
			for c := range 256 {
				b := []byte(strings.Repeat("a", n))
				b[at] = byte(c)
				if got, want := wire.Lower(string(b)), strings.ToLower(string(b)); got != want {
					t.Fatalf("Lower(%q) = %q, want %q", b, got, want)
				}
			}
		}
	}
	for _, s := range []string{"", "9785001b0dcf755eddb8af294a373c0b87b2498660f724e76c4d53f9c217c7a3",
		"WKS-0042.Fabrikam.example", "already lower.example", "ÉCOLE", "straße@corp", "@[`{"} {
		if got, want := wire.Lower(s), strings.ToLower(s); got != want {
			t.Errorf("Lower(%q) = %q, want %q", s, got, want)
		}
	}
}
