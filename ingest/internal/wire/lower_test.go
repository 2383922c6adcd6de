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

// TestAppendLower compares AppendLower with strings.ToLower, as
// TestLower does Lower, after what dst holds.
func TestAppendLower(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := string(wire.AppendLower([]byte("Before:"), s)), "Before:"+strings.ToLower(s); got != want {
			t.Fatalf("AppendLower(%q) = %q, want %q", s, got, want)
		}
	}
	for n := 1; n <= 17; n++ {
		for at := range n {
			for c := range 256 {
				b := []byte(strings.Repeat("A", n))
				b[at] = byte(c)
				check(string(b))
			}
		}
	}
	for _, s := range []string{"", "microsoftDefenderForEndpoint", "MICROSOFTDEFENDERFOROFFICE365", "O\u0130fficeATP", "ÉCOLE", "straße@corp", "@[`{"} {
		check(s)
	}
}

// TestTrimSpace: TrimSpace trims as strings.TrimSpace does, Unicode
// white space and control characters included.
func TestTrimSpace(t *testing.T) {
	for _, s := range []string{"", " ", "a", " a", "a ", "\ta\n", "abc", "\u00a0a", "a\u00a0", "\u2003x\u2003", "\x01a\x01", "a\x7f", "\u0085", "é", " é ", "\r\n", "a b"} {
		if got, want := wire.TrimSpace(s), strings.TrimSpace(s); got != want {
			t.Errorf("TrimSpace(%q) = %q, want %q", s, got, want)
		}
	}
}
