// Package textsafe keeps text from alerts and incidents from driving what
// shows it: a terminal (escape sequences move the cursor, set the window
// title, colour text) or a reader (line breaks forge rows; bidirectional
// overrides reorder what is read).
package textsafe

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Unsafe reports whether r is a control character (C0, DEL, C1) or a
// Unicode bidirectional embedding, override or isolate (U+202A–U+202E,
// U+2066–U+2069).
func Unsafe(r rune) bool {
	return r < 0x20 || r >= 0x7f && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// Escape writes the unsafe runes of s, and bytes that are not UTF-8, as
// Go string literals do (\n, \x1b, \u202e); the rest stays as it is.
func Escape(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i])|0x100, 16)[1:])
		case Unsafe(r):
			b.WriteString(EscapeRune(r))
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// EscapeRune returns r as a Go string literal writes it when it is
// Unsafe, else r itself.
func EscapeRune(r rune) string {
	if !Unsafe(r) {
		return string(r)
	}
	q := strconv.QuoteRuneToASCII(r)
	return q[1 : len(q)-1]
}

func needsEscape(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || Unsafe(r) {
			return true
		}
	}
	return false
}
