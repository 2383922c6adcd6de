//go:build !purego

package wire

// plainLong returns the index of the first byte at or after j that a
// string cannot hold as it is (a quote, a backslash, a control character)
// or that is not ASCII, or len(b) when there is none: plain for the rest
// of a long string, sixteen bytes at a time (plain_amd64.s). It needs
// 0 <= j <= len(b).
//
//go:noescape
func plainLong(b []byte, j int) int
