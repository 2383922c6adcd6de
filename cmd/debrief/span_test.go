package main

import (
	"testing"
	"time"

	"github.com/debrief-dev/debrief/internal/query"
)

// TestFormatSpan: spans print in the largest unit that holds them whole,
// as the window flags take them back.
func TestFormatSpan(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{90 * 24 * time.Hour, "90d"},
		{14 * 24 * time.Hour, "14d"},
		{36 * time.Hour, "36h"},
		{time.Hour, "1h"},
		{90 * time.Minute, "90m"},
		{90 * time.Second, "90s"},
		{1500 * time.Millisecond, "1.5s"},
	}
	for _, tc := range tests {
		got := formatSpan(tc.d)
		if got != tc.want {
			t.Errorf("formatSpan(%v) = %q, want %q", tc.d, got, tc.want)
		}
		if back, err := query.Span(got); err != nil || back != tc.d {
			t.Errorf("query.Span(%q) = %v, %v, want %v", got, back, err, tc.d)
		}
	}
}
