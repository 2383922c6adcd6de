package wire

import (
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// validEnd must never accept what jsontext (with the splitter's options)
// rejects, nor invalid UTF-8; it may give up on what jsontext accepts.
func checkValidEnd(t *testing.T, in string) (ok, incomplete bool) {
	t.Helper()
	end, ok, incomplete := validEnd([]byte(in), 0, nil)
	if ok {
		v := jsontext.Value(in[:end])
		if !v.IsValid(jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true)) || !utf8.ValidString(in[:end]) {
			t.Errorf("validEnd(%q) accepts %q, which jsontext or UTF-8 rejects", in, in[:end])
		}
		if ok && incomplete {
			t.Errorf("validEnd(%q): ok and incomplete", in)
		}
	}
	return ok, incomplete
}

func TestValidEnd(t *testing.T) {
	tests := []struct {
		in             string
		ok, incomplete bool
	}{
		{`{}`, true, false},
		{` {"a" : [1, -2.5e+3, 0, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9"], "b":{}} `, true, false},
		{`{"a":"é日本"}`, true, false},
		{`[]`, true, false},
		{`{"a":1}{"b":2}`, true, false}, // the first value
		{`{"a":01}`, false, false},
		{`{"a":1.}`, false, false},
		{`{"a":1e}`, false, false},
		{`{"a":-}`, false, false},
		{`{"a":tru}`, false, false},
		{`{"a":nulll}`, false, false},
		{`{"a" 1}`, false, false},
		{`{a:1}`, false, false},
		{`{"a":1,}`, false, false},
		{`[1,]`, false, false},
		{`[1}`, false, false},
		{`{"a":1]`, false, false},
		{"{\"a\":\"\x01\"}", false, false},
		{"{\"a\":\"\xff\"}", false, false},
		{`{"a":"\x"}`, false, false},
		{`{"a":"\u12G4"}`, false, false},
		{`{"a":"\ud83d\ude00"}`, false, false}, // surrogates: jsontext decides
		{`{"a":`, false, true},
		{`{"a":"abc`, false, true},
		{`{"a":"\u00`, false, true},
		{`{"a":12`, false, true},
		{`{"a":tr`, false, true},
		{"{\"a\":\"\xe6\x97", false, true},
		{`{"a":[1,2`, false, true},
		{strings.Repeat("[", 66) + strings.Repeat("]", 66), false, false},
	}
	for _, tc := range tests {
		ok, incomplete := checkValidEnd(t, tc.in)
		if ok != tc.ok || incomplete != tc.incomplete {
			t.Errorf("validEnd(%q) = ok %v incomplete %v, want %v %v", tc.in, ok, incomplete, tc.ok, tc.incomplete)
		}
	}
}

func FuzzValidEnd(f *testing.F) {
	for _, s := range []string{`{"a":[1,-2.5e+3,true,null,"x\u00e9"]}`, `[{"b":{}}, "\\"]`, "{\"a\":\"\xe6\x97\xa5\"}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		ok, incomplete := checkValidEnd(t, in)
		if incomplete && !ok {
			// Cutting a valid value short must say incomplete, not bad.
			return
		}
		if !ok && jsontext.Value(in).IsValid(jsontext.AllowDuplicateNames(true)) && strings.TrimSpace(in) != "" &&
			!strings.Contains(in, `\u`) && !strings.Contains(in, strings.Repeat("[", 64)) && !strings.Contains(in, strings.Repeat("{", 64)) {
			// Not wrong, but every other valid input should take the fast path.
			t.Logf("validEnd gives up on valid %q", in)
		}
	})
}

// parseUTC must agree with time.Parse(RFC3339Nano) on everything it
// accepts, to the representation.
func checkParseUTC(t *testing.T, s string) {
	t.Helper()
	if tt, text, err := ParseTimeText(s); err == nil && text != "" && text != tt.Format(time.RFC3339Nano) {
		t.Fatalf("ParseTimeText(%q) gives the text %q, formatted %q", s, text, tt.Format(time.RFC3339Nano))
	}
	got, ok := parseUTC(s)
	if !ok {
		return
	}
	want, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatalf("parseUTC(%q) accepts what time.Parse rejects: %v", s, err)
	}
	want = want.UTC()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("parseUTC(%q) = %#v, want %#v", s, got, want)
	}
}

func TestParseUTC(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"2024-05-01T10:00:00Z", true},
		{"2020-09-06T14:46:57.0733333Z", true},
		{"2024-02-29T23:59:59.999999999Z", true},
		{"2000-02-29T00:00:00.1Z", true},
		{"1990-01-01T00:00:00Z", true},
		{"2199-12-31T23:59:59Z", true},
		{"2023-02-29T00:00:00Z", false},
		{"1900-02-29T00:00:00Z", false},
		{"2024-13-01T00:00:00Z", false},
		{"2024-04-31T00:00:00Z", false},
		{"2024-05-01T24:00:00Z", false},
		{"2024-05-01T10:00:60Z", false},
		{"2024-05-01T10:00:00.Z", false},
		{"2024-05-01T10:00:00.1234567890Z", false},
		{"2024-05-01T10:00:00+00:00", false},
		{"2024-05-01 10:00:00Z", false},
		{"1989-12-31T23:59:59Z", false},
		{"2200-01-01T00:00:00Z", false},
		{"2024-0a-01T00:00:00Z", false},
	} {
		_, ok := parseUTC(tc.in)
		if ok != tc.ok {
			t.Errorf("parseUTC(%q) ok = %v, want %v", tc.in, ok, tc.ok)
		}
		checkParseUTC(t, tc.in)
	}
}

func FuzzParseUTC(f *testing.F) {
	f.Add("2020-09-06T14:46:57.0733333Z")
	f.Add("2024-02-29T23:59:59Z")
	f.Fuzz(func(t *testing.T, s string) { checkParseUTC(t, s) })
}

// TestPlain checks plain's eight-byte test against a byte loop: each pair
// of byte values side by side at each place of a run of plain bytes, so
// that a borrow of the byte before cannot hide or fake a mark.
func TestPlain(t *testing.T) {
	stop := func(c byte) bool { return c == '"' || c == '\\' || c < 0x20 || c >= 0x80 }
	b := make([]byte, 20)
	for c := range 256 {
		for before := range 256 {
			for at := 2; at < 18; at++ {
				for k := range b {
					b[k] = 'a'
				}
				b[at-1], b[at] = byte(before), byte(c)
				want := 1
				for want < len(b) && !stop(b[want]) {
					want++
				}
				if want == len(b) {
					want = 17 // past the last whole eight bytes from 1
				}
				if got := plain(b, 1); got != want {
					t.Fatalf("byte %#x at %d after %#x: plain = %d, want %d", c, at, before, got, want)
				}
			}
		}
	}
}

// checkStrictSkip: a strict Scanner's Skip of the value of a member
// passes what validEnd passes and stops where it stops (its shortcuts for
// literals and empty containers included), and gives up on the rest.
func checkStrictSkip(t *testing.T, value string) {
	t.Helper()
	in := `{"k":` + value + `}`
	end, ok, _ := validEnd([]byte(in), 0, nil)
	var s Scanner
	s.ResetStrict([]byte(in))
	err := s.Object(func([]byte) error { return s.Skip() })
	if (err == nil) != ok || ok && s.Pos() != end {
		t.Errorf("strict Skip of %q: error %v at %d; validEnd ok %v at %d", value, err, s.Pos(), ok, end)
	}
}

func TestStrictSkip(t *testing.T) {
	for _, v := range []string{
		`null`, `true`, `false`, `0`, `-12.5e+3`, `22631`, `"x"`, `[]`, `{}`, `[ ]`, `{ }`, `[1,"a",{"b":null}]`, `{"a":[]}`,
		`nul`, `nulll`, `tru`, `fals`, `01`, `1.`, `-`, `1e`, `[}`, `{]`, `[`, `{`, `[1,]`, `"\x"`, "\"\xff\"", `x`, ``,
	} {
		checkStrictSkip(t, v)
	}
}

func FuzzStrictSkip(f *testing.F) {
	for _, v := range []string{`null`, `-1.5e3`, `[]`, `{"a":[true,false]}`, `"é"`} {
		f.Add(v)
	}
	f.Fuzz(checkStrictSkip)
}

// TestValidStringRunes checks validString on text in other scripts, which
// it reads rune after rune without plainLong, against jsontext: runs that
// end at the closing quote, at an escape, at ASCII, at invalid UTF-8 and
// at the end of the input.
func TestValidStringRunes(t *testing.T) {
	for _, s := range []string{
		`"日本語"`, `"日本語\n"`, `"日本語abc"`, `"é"`, `"aé日"`, `"日本\u00e9語"`, `"ñ\"ñ"`,
		"\"日\xff本\"", "\"日\xe6\x97\"", "\"日\xe6\x97", `"日本`, "\"日\x01\"",
	} {
		end, ok, _ := validString([]byte(s), 0)
		want := jsontext.Value(s).IsValid()
		if ok != want || ok && end != len(s) {
			t.Errorf("validString(%q) = %d, %v; jsontext says valid %v", s, end, ok, want)
		}
		if !ok && end < 0 != (s[len(s)-1] != '"') {
			t.Errorf("validString(%q) = %d: a negative index is for input that ends inside the string", s, end)
		}
	}
}
