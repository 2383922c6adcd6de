package simulate

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
)

func TestAppendQuoted(t *testing.T) {
	tests := []struct{ name, in string }{
		{"empty", ""},
		{"plain", "Suspicious PowerShell command line"},
		{"quote late", `C:\Windows\System32\cmd.exe /c "whoami"`},
		{"controls", "a\tb\nc\rd\x01e\x1ff"},
		{"utf8", "Prüfung – Übersicht 数据"},
		{"invalid utf8", "abcdefgh\xffijklmnop\xc3"},
		{"json in text", `[{"$id":"1","Type":"host","HostName":"ws-0042"}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(tt.in); err != nil {
				t.Fatal(err)
			}
			want.Truncate(want.Len() - 1)
			if got := appendQuoted(nil, tt.in); string(got) != want.String() {
				t.Errorf("appendQuoted(%q) = %s, want %s", tt.in, got, want.String())
			}
			if got := appendQuoted(nil, []byte(tt.in)); string(got) != want.String() {
				t.Errorf("appendQuoted([]byte %q) = %s, want %s", tt.in, got, want.String())
			}
		})
	}
}

// TestPlain8 checks the eight-byte test against the table byte by byte.
func TestPlain8(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte{0, 1, 0x1f, 0x20, '!', '"', '#', '[', '\\', ']', 'a', 0x7e, 0x7f, 0x80, 0xc3, 0xff}
	for range 200000 {
		var v uint64
		want := true
		for k := range 8 {
			c := alphabet[r.IntN(len(alphabet))]
			if r.IntN(4) > 0 {
				c = byte(0x20 + r.IntN(0x60))
			}
			want = want && plain[c]
			v |= uint64(c) << (8 * k)
		}
		if got := plain8(v); got != want {
			t.Fatalf("plain8(%#016x) = %v, want %v", v, got, want)
		}
	}
}

// TestEncCat checks that cat writes what str writes for the joined
// parts, plain and inside a text member.
func TestEncCat(t *testing.T) {
	parts := []string{"https://security.microsoft.com/alerts/", `da"1\2`, "?tid=", "tenant\n✓"}
	var joined string
	for _, p := range parts {
		joined += p
	}
	for _, nested := range []bool{false, true} {
		var got, want enc
		for _, e := range []*enc{&got, &want} {
			e.obj("")
			if nested {
				e.text("t")
			}
		}
		got.cat("k", parts...)
		want.str("k", joined)
		if !bytes.Equal(got.b, want.b) {
			t.Errorf("nested %v: cat wrote %s, str %s", nested, got.b, want.b)
		}
	}
}

// TestEncRaw checks that raw writes what the members written one by one
// write, plain and inside a text member.
func TestEncRaw(t *testing.T) {
	for _, nested := range []bool{false, true} {
		var got, want enc
		for _, e := range []*enc{&got, &want} {
			e.obj("")
			if nested {
				e.text("t")
				e.obj("")
			}
			e.str("first", `a"b`)
		}
		got.raw(`"verdict":"unknown","roles":["x\"y"],"tags":[]`)
		want.str("verdict", "unknown")
		want.strs("roles", []string{`x"y`})
		want.strs("tags", nil)
		for _, e := range []*enc{&got, &want} {
			e.str("last", "z")
		}
		if !bytes.Equal(got.b, want.b) {
			t.Errorf("nested %v: raw wrote %s, members %s", nested, got.b, want.b)
		}
	}
}

// quotedBench are strings like the ones the Graph writer quotes most.
var quotedBench = []string{
	"https://security.microsoft.com/alerts/da638402874381234567_-1234567", "ws-0042.corp.contoso.com",
	`powershell.exe -NoProfile -ExecutionPolicy Bypass -EncodedCommand SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoA`,
	"A process was created that resembles a known malicious tool, observed on the device.",
	"S-1-5-21-1004336348-1177238915-682003330-1042", "Suspicious PowerShell", `C:\Windows\System32\cmd.exe`,
}

func BenchmarkAppendQuoted(b *testing.B) {
	var buf []byte
	for b.Loop() {
		buf = buf[:0]
		for _, s := range quotedBench {
			buf = appendQuoted(buf, s)
		}
	}
}

// BenchmarkAppendQuotedStdlib is BenchmarkAppendQuoted's baseline: the
// same strings quoted by encoding/json.
func BenchmarkAppendQuotedStdlib(b *testing.B) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for b.Loop() {
		buf.Reset()
		for _, s := range quotedBench {
			if err := enc.Encode(s); err != nil {
				b.Fatal(err)
			}
		}
	}
}
