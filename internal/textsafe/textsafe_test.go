package textsafe

import "testing"

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text, ünïcode → ok", "plain text, ünïcode → ok"},
		{"a\nb\r\tc", `a\nb\r\tc`},
		{"\x00\x07\x1b[31m\x7f", `\x00\a\x1b[31m\x7f`},
		{"c1 \u0085 \u009b", `c1 \u0085 \u009b`},
		{"bidi \u202a\u202e\u2066\u2069 \u200f", `bidi \u202a\u202e\u2066\u2069 ` + "\u200f"},
		{"bad utf-8 \x9b\xff", `bad utf-8 \x9b\xff`},
		{"replacement \ufffd kept", "replacement \ufffd kept"},
	}
	for _, tc := range tests {
		if got := Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
