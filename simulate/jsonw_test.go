package simulate

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
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

// TestAppendTime checks appendTime against time.Time.AppendFormat over
// years 1 to 9999, in and out of UTC, around leap days and the epoch.
func TestAppendTime(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	zones := []*time.Location{time.UTC, time.FixedZone("east", 13*3600+45*60), time.FixedZone("west", -11*3600)}
	times := []time.Time{
		time.Unix(0, 0), time.Unix(-1, 999_999_999), time.Date(2000, 2, 29, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 5, 10, 40, 43, 395_000_000, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 123_456_789, time.UTC),
	}
	lo, hi := times[5].Unix(), times[6].Unix()
	for range 100000 {
		times = append(times, time.Unix(lo+r.Int64N(hi-lo), r.Int64N(1e9)).In(zones[r.IntN(len(zones))]))
	}
	layouts := []struct {
		l   timeLayout
		std string
	}{
		{layoutMicrosoft, "2006-01-02T15:04:05.0000000Z"},
		{layoutMillis, "2006-01-02T15:04:05.000Z"},
		{layoutWazuh, "2006-01-02T15:04:05.000-0700"},
	}
	for _, tm := range times {
		for _, l := range layouts {
			want := tm.UTC().Format(l.std)
			if got := appendTime(nil, tm, l.l); string(got) != want {
				t.Fatalf("appendTime(%v, %v) = %s, want %s", tm, l.l, got, want)
			}
		}
	}
}

func BenchmarkAppendTime(b *testing.B) {
	t0 := time.Date(2026, 1, 5, 10, 40, 43, 395_000_000, time.UTC)
	var buf []byte
	for i := 0; b.Loop(); i++ {
		buf = appendTime(buf[:0], t0.Add(time.Duration(i)*time.Second), layoutMicrosoft)
	}
}

// BenchmarkAppendTimeStdlib is BenchmarkAppendTime's baseline:
// time.Time.AppendFormat.
func BenchmarkAppendTimeStdlib(b *testing.B) {
	t0 := time.Date(2026, 1, 5, 10, 40, 43, 395_000_000, time.UTC)
	var buf []byte
	for i := 0; b.Loop(); i++ {
		buf = t0.Add(time.Duration(i)*time.Second).AppendFormat(buf[:0], "2006-01-02T15:04:05.0000000Z")
	}
}
