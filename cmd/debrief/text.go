package main

import (
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// textf is fmt.Fprintf for the human-readable output of stored data: each
// string argument (of any string type, alone or in a slice, or an error's
// text) is passed through terminalSafe first, so that what an alert or
// incident carries cannot move the cursor, set the window title, colour
// the terminal, forge lines or table cells, or reorder text. The format is
// the program's own and is written as it is. JSON output does not need
// this: JSON escapes control characters.
func textf(w io.Writer, format string, args ...any) {
	for i, v := range args {
		args[i] = safeArg(v)
	}
	fmt.Fprintf(w, format, args...)
}

func safeArg(v any) any {
	switch v := v.(type) {
	case string:
		return terminalSafe(v)
	case error:
		return terminalSafe(v.Error())
	}
	rv := reflect.ValueOf(v)
	switch {
	case rv.Kind() == reflect.String:
		return terminalSafe(rv.String())
	case rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.String:
		out := make([]string, rv.Len())
		for i := range out {
			out[i] = terminalSafe(rv.Index(i).String())
		}
		return out
	}
	return v
}

// terminalSafe escapes, as Go string literals do (\n, \x1b, \u202e), the
// C0 and C1 control characters, DEL, the Unicode bidirectional overrides
// and isolates (U+202A–U+202E, U+2066–U+2069) and bytes that are not
// UTF-8.
func terminalSafe(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\x` + strconv.FormatUint(uint64(s[i])|0x100, 16)[1:])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case unsafeRune(r) && r < 0x100:
			b.WriteString(`\x` + strconv.FormatUint(uint64(r)|0x100, 16)[1:])
		case unsafeRune(r):
			b.WriteString(`\u` + strconv.FormatUint(uint64(r), 16))
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func needsEscape(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || unsafeRune(r) {
			return true
		}
	}
	return false
}

func unsafeRune(r rune) bool {
	return r < 0x20 || r >= 0x7f && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}
