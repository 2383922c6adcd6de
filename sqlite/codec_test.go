package sqlite

import (
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/debrief-dev/debrief"
	"github.com/debrief-dev/debrief/internal/storecodec"
)

var awkward = []string{"", "plain", `quote " inside`, `back\slash`, "tab\tnew\nline", "\x00\x1f control",
	"ünïcødé ✓ 🛡", `{"json":"inside"}`, "<html>&amp;", "\u2028\u2029", `\u0041`, `trailing \`}

// TestColumnRoundTrip checks that what the encoder writes, the readers
// (fast path or fallback) give back.
func TestColumnRoundTrip(t *testing.T) {
	for _, s := range awkward {
		checkRoundTrip(t, s)
	}
}

func FuzzColumnRoundTrip(f *testing.F) {
	for _, s := range awkward {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip("stored text is valid UTF-8 (invalid bytes become U+FFFD)")
		}
		checkRoundTrip(t, s)
	})
}

func checkRoundTrip(t *testing.T, s string) {
	t.Helper()
	var e encoder
	ts := []debrief.Technique{{ID: "T1059.001", Name: s, Tactics: []string{s, "execution"}, Original: s, Status: "revoked"}, {ID: "T1027"}}
	es := []debrief.Entity{{Kind: debrief.EntityFile, ID: s, Name: s, Role: s, Verdict: s,
		Attributes: map[string]string{s: s, "path": s + "/x"}}, {Kind: debrief.EntityIP, ID: "192.0.2.1"}}
	list := []string{s, "x", s}

	gotT, err := storecodec.ParseTechniques(e.Techniques(ts).(string))
	if err != nil || !reflect.DeepEqual(gotT, ts) {
		t.Errorf("techniques with %q: got %+v, %v; want %+v", s, gotT, err, ts)
	}
	gotE, err := storecodec.ParseEntities(e.Entities(es).(string))
	if err != nil || !reflect.DeepEqual(gotE, es) {
		t.Errorf("entities with %q: got %+v, %v; want %+v", s, gotE, err, es)
	}
	gotL, err := storecodec.ParseList(e.Strings(list).(string))
	if err != nil || !reflect.DeepEqual(gotL, list) {
		t.Errorf("list with %q: got %q, %v; want %q", s, gotL, err, list)
	}
}

func TestReaderFallback(t *testing.T) {
	for _, c := range []struct {
		name, in string
		want     []string
	}{
		{"spaces", ` [ "a" , "b" ] `, []string{"a", "b"}},
		{"escaped solidus", `["a\/b"]`, []string{"a/b"}},
		{"surrogate pair", `["\ud83d\udee1"]`, []string{"🛡"}},
		{"empty", `[]`, nil},
	} {
		got, err := storecodec.ParseList(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: storecodec.ParseList(%s) = %q, %v; want %q", c.name, c.in, got, err, c.want)
		}
	}
	if _, err := storecodec.ParseList(`["unterminated`); err == nil {
		t.Error("parseList of broken JSON: no error")
	}
}
