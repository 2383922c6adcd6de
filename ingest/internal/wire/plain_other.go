//go:build !amd64 || purego

package wire

// plainLong returns the index of the first byte at or after j that a
// string cannot hold as it is (a quote, a backslash, a control character)
// or that is not ASCII, or len(b) when there is none: plain for the rest
// of a long string. It needs 0 <= j <= len(b).
func plainLong(b []byte, j int) int {
	return plainGo(b, j)
}
