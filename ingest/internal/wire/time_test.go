package wire

import (
	"strings"
	"testing"
	"time"
)

// TestParseUTCForms: parseUTC takes every length of fraction, each
// digit at each place, and agrees with time.Parse (checkParseUTC); it
// gives up on a byte out of place anywhere.
func TestParseUTCForms(t *testing.T) {
	for k := 0; k <= 9; k++ {
		s := "2024-02-29T23:59:58Z"
		if k > 0 {
			s = "2024-02-29T23:59:58." + "123456789"[:k] + "Z"
		}
		if _, ok := parseUTC(s); !ok {
			t.Errorf("parseUTC(%q) gives up", s)
		}
		checkParseUTC(t, s)
		for i := range len(s) - 1 {
			for c := range 256 {
				b := []byte(s)
				b[i] = byte(c)
				checkParseUTC(t, string(b))
			}
		}
	}
	for _, s := range []string{
		"2024-02-29T23:59:58.1234567890Z", "2024-02-29T23:59:58.Z", "2024-02-29T23:59:58,5Z",
		"2024-02-29T23:59:58Z " + strings.Repeat("0", 10), "2024-02-29T23:59:5Z",
	} {
		if _, ok := parseUTC(s); ok {
			t.Errorf("parseUTC(%q) accepts it", s)
		}
	}
}

// TestParseUTCDays: every day of the years parseUTC reads, at a time of
// day with a fraction, as time.Parse reads it.
func TestParseUTCDays(t *testing.T) {
	for d := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2200; d = d.AddDate(0, 0, 1) {
		s := d.Add(13*time.Hour + 7*time.Minute + 9*time.Second + 50*time.Millisecond).Format(time.RFC3339Nano)
		got, ok := parseUTC(s)
		if want, _ := time.Parse(time.RFC3339Nano, s); !ok || !got.Equal(want) {
			t.Fatalf("parseUTC(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
}
