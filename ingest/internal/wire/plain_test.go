package wire

import (
	"math/rand/v2"
	"testing"
)

// plainRef is plainLong's contract written byte by byte: the index of the
// first quote, backslash, control character or byte from 0x80 at or after
// j, or len(b).
func plainRef(b []byte, j int) int {
	for ; j < len(b); j++ {
		if c := b[j]; c == '"' || c == '\\' || c < 0x20 || c >= 0x80 {
			return j
		}
	}
	return j
}

// checkPlain compares plainLong and plainGo with plainRef at every start
// in b, and plain with its own contract (the first special byte, or an
// index past the last whole eight bytes with none before it).
func checkPlain(t *testing.T, b []byte) {
	t.Helper()
	for j := 0; j <= len(b); j++ {
		want := plainRef(b, j)
		if got := plainLong(b, j); got != want {
			t.Fatalf("plainLong(%q, %d) = %d, want %d", b, j, got, want)
		}
		if got := plainGo(b, j); got != want {
			t.Fatalf("plainGo(%q, %d) = %d, want %d", b, j, got, want)
		}
		if got := plain(b, j); got != want && (got > want || got+8 <= len(b)) {
			t.Fatalf("plain(%q, %d) = %d, want %d", b, j, got, want)
		}
	}
	// A j outside b reads nothing.
	for _, j := range []int{-1, -16, len(b) + 1, len(b) + 16} {
		want := min(j, len(b))
		if got := plainLong(b, j); got != want {
			t.Fatalf("plainLong(%q, %d) = %d, want %d", b, j, got, want)
		}
		if got := plainGo(b, j); got != want {
			t.Fatalf("plainGo(%q, %d) = %d, want %d", b, j, got, want)
		}
	}
}

// TestPlainLong puts each kind of special byte, and the bytes either side of
// each kind's bounds, at every place of every length up to 100, each time
// at the end of its slice (so that a read past len(b) would show, as the
// slice's capacity is its length), and in random text.
func TestPlainLong(t *testing.T) {
	specials := []byte{'"', '\\', 0x00, 0x1f, 0x80, 0xc3, 0xff, 0x7f, ' ', '!', '#', '[', ']'}
	for n := 0; n <= 100; n++ {
		clean := make([]byte, n)
		for i := range clean {
			clean[i] = 'a' + byte(i%26)
		}
		checkPlain(t, clean[:n:n])
		for _, c := range specials {
			for at := 0; at < n; at++ {
				b := append([]byte(nil), clean...)
				b[at] = c
				checkPlain(t, b[:n:n])
			}
		}
	}
	for c := range 256 { // every byte value at every place of both halves and the overlapping tail
		b := make([]byte, 40)
		for i := range b {
			b[i] = 'a'
		}
		for at := range b {
			b[at] = byte(c)
			checkPlain(t, b)
			b[at] = 'a'
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		b := make([]byte, r.IntN(200))
		for i := range b {
			b[i] = ' ' + byte(r.IntN(95)) // printable ASCII, quotes and backslashes among it
			if r.IntN(50) == 0 {
				b[i] = byte(r.IntN(256))
			}
		}
		checkPlain(t, b)
	}
}

func FuzzPlainLong(f *testing.F) {
	for _, s := range []string{``, `abc"`, `0123456789abcdef0123456789abcdef"x`, "\xe6\x97\xa5 0123456789abcdef", `a\"b`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkPlain(t, b[:len(b):len(b)])
	})
}

// BenchmarkPlainLong finds the closing quotes of strings of the lengths
// an alert's string values have (enums, times, GUIDs, hashes, URLs,
// descriptions, command lines), one call a string as the scanner makes
// them.
func BenchmarkPlainLong(b *testing.B) { benchPlain(b, plainLong) }

// BenchmarkPlainLongBaseline is BenchmarkPlainLong with plainGo, eight
// bytes at a time in Go, as before plainLong and where there is no
// assembly.
func BenchmarkPlainLongBaseline(b *testing.B) { benchPlain(b, plainGo) }

// benchPlain finds the closing quotes of plainBenchText's strings with
// plain, one call a string.
func benchPlain(b *testing.B, plain func(b []byte, j int) int) {
	text, starts := plainBenchText(b)
	for b.Loop() {
		for _, i := range starts {
			if j := plain(text, i); text[j] != '"' {
				b.Fatalf("no quote at %d", j)
			}
		}
	}
}

// plainBenchText returns the strings of BenchmarkPlainLong, side by side,
// and where each one's text starts.
func plainBenchText(b *testing.B) (text []byte, starts []int) {
	for _, n := range []int{4, 6, 9, 12, 14, 20, 24, 28, 30, 36, 38, 44, 66, 90, 104, 200} {
		starts = append(starts, len(text)+1)
		text = append(text, '"')
		for i := range n {
			text = append(text, 'a'+byte(i%26))
		}
		text = append(text, '"', ',')
	}
	b.SetBytes(int64(len(text)))
	return text, starts
}
