package simulate

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// enc appends JSON to a byte slice. The writers build vendor records by
// hand with it: in a fixed member order, without reflection, and fast
// enough to write hundreds of thousands of alerts a second.
type enc struct {
	b     []byte
	comma bool   // the next member or element needs a comma
	stack []bool // comma state of the enclosing containers
}

func (e *enc) reset() {
	e.b, e.comma, e.stack = e.b[:0], false, e.stack[:0]
}

func (e *enc) sep() {
	if e.comma {
		e.b = append(e.b, ',')
	}
	e.comma = true
}

func (e *enc) key(k string) {
	e.sep()
	if k != "" {
		e.b = appendQuoted(e.b, k)
		e.b = append(e.b, ':')
	}
}

func (e *enc) open(k string, c byte) {
	e.key(k)
	e.b = append(e.b, c)
	e.stack = append(e.stack, e.comma)
	e.comma = false
}

func (e *enc) close(c byte) {
	e.b = append(e.b, c)
	e.comma = e.stack[len(e.stack)-1]
	e.stack = e.stack[:len(e.stack)-1]
}

// obj opens an object as member k ("" for an array element or the top).
func (e *enc) obj(k string) { e.open(k, '{') }
func (e *enc) end()         { e.close('}') }
func (e *enc) arr(k string) { e.open(k, '[') }
func (e *enc) endArr()      { e.close(']') }

func (e *enc) str(k, v string) {
	e.key(k)
	e.b = appendQuoted(e.b, v)
}

// strOrNull writes null for "".
func (e *enc) strOrNull(k, v string) {
	if v == "" {
		e.null(k)
		return
	}
	e.str(k, v)
}

func (e *enc) null(k string) {
	e.key(k)
	e.b = append(e.b, "null"...)
}

func (e *enc) int(k string, v int64) {
	e.key(k)
	e.b = strconv.AppendInt(e.b, v, 10)
}

func (e *enc) float(k string, v float64) {
	e.key(k)
	e.b = strconv.AppendFloat(e.b, v, 'f', -1, 64)
}

func (e *enc) bool(k string, v bool) {
	e.key(k)
	e.b = strconv.AppendBool(e.b, v)
}

// raw writes v, which must be JSON.
func (e *enc) raw(k string, v []byte) {
	e.key(k)
	e.b = append(e.b, v...)
}

// time writes t in the layout, or null when t is zero.
func (e *enc) time(k string, t time.Time, layout string) {
	if t.IsZero() {
		e.null(k)
		return
	}
	e.key(k)
	e.b = append(e.b, '"')
	e.b = t.UTC().AppendFormat(e.b, layout)
	e.b = append(e.b, '"')
}

// strs writes an array of strings.
func (e *enc) strs(k string, vs []string) {
	e.arr(k)
	for _, v := range vs {
		e.str("", v)
	}
	e.endArr()
}

// Time layouts of the exports.
const (
	layoutMicrosoft = "2006-01-02T15:04:05.0000000Z" // Defender, Graph, Sentinel: 7 fraction digits
	layoutMillis    = "2006-01-02T15:04:05.000Z"     // Elastic, OCSF *_dt
	layoutWazuh     = "2006-01-02T15:04:05.000-0700" // Wazuh: +0000
)

// appendQuoted appends s as a JSON string.
func appendQuoted(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 {
				b = append(b, s[start:i]...)
				b = append(b, `\ufffd`...)
				i += size
				start = i
				continue
			}
			i += size
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		}
		i++
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
