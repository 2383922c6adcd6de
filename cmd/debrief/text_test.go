package main

import (
	"bytes"
	"errors"
	"testing"

	"github.com/debrief-dev/debrief"
)

func TestTerminalSafe(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text, ünïcode → ok", "plain text, ünïcode → ok"},
		{"a\nb\r\tc", `a\nb\r\tc`},
		{"\x00\x07\x1b[31m\x7f", `\x00\x07\x1b[31m\x7f`},
		{"c1 \u0085 \u009b", `c1 \x85 \x9b`},
		{"bidi \u202a\u202e\u2066\u2069 \u200f", `bidi \u202a\u202e\u2066\u2069 ` + "\u200f"},
		{"bad utf-8 \x9b\xff", `bad utf-8 \x9b\xff`},
		{"replacement \ufffd kept", "replacement \ufffd kept"},
	}
	for _, tc := range tests {
		if got := terminalSafe(tc.in); got != tc.want {
			t.Errorf("terminalSafe(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTextf(t *testing.T) {
	var b bytes.Buffer
	textf(&b, "%s\t%s %v %d %s\n", "x\ny", debrief.Severity("high\x1b"), []debrief.TechniqueID{"T1\n"}, 7, errors.New("e\x07"))
	if got, want := b.String(), "x\\ny\thigh\\x1b [T1\\n] 7 e\\x07\n"; got != want {
		t.Errorf("textf wrote %q, want %q", got, want)
	}
}
