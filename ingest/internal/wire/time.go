package wire

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/go-json-experiment/json/jsontext"
)

// jsonUnquote decodes a JSON string literal.
func jsonUnquote(v jsontext.Value, s *string) error {
	dec := jsontext.NewDecoder(strings.NewReader(string(v)))
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	*s = tok.String()
	return nil
}

var layouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700", // Wazuh: +0000
	"2006-01-02T15:04:05.999999999",      // no zone: UTC
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z07",
	"1/2/2006, 3:04:05.999999999 PM", // Log Analytics exports
	"1/2/2006 3:04:05.999999999 PM",
}

// ParseTime reads the timestamps vendors write: RFC 3339 with up to nine
// fraction digits, "+0000" offsets, a space instead of "T", no zone at all
// (taken as UTC). The result is in UTC. An empty string gives the zero time.
// Years outside 1990–2200 are an error: they are always a bug upstream.
func ParseTime(s string) (time.Time, error) {
	if t, ok := parseUTC(s); ok { // what needs no trim, as mostly
		return t, nil
	}
	s = TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, ok := parseUTC(s); ok {
		return t, nil
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return plausible(t.UTC(), s)
		}
	}
	return time.Time{}, fmt.Errorf("want an RFC 3339 timestamp, got %q", clip(s))
}

// ParseTimeText is ParseTime that also returns the timestamp's text when
// it is written as t.Format(time.RFC3339Nano) writes it (UTC, "Z", no
// trailing zero in its fraction), as vendors that write RFC 3339 in UTC
// mostly do, else "": a caller that writes the time in that form (an id,
// say) may then use the text rather than format t again.
func ParseTimeText(s string) (t time.Time, text string, err error) {
	s = TrimSpace(s)
	if t, ok := parseUTC(s); ok {
		if n := len(s); n == 20 || s[n-2] != '0' { // parseUTC checked the rest of the form
			return t, s, nil
		}
		return t, "", nil
	}
	t, err = ParseTime(s)
	return t, "", err
}

// Epoch reads a Unix timestamp whose unit is guessed from its size:
// seconds, milliseconds, microseconds or nanoseconds (OCSF producers write
// milliseconds, some write seconds).
func Epoch(v float64) (time.Time, error) {
	if v == 0 {
		return time.Time{}, nil
	}
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return time.Time{}, fmt.Errorf("want a Unix time, got %v", v)
	}
	var t time.Time
	switch a := v; {
	case a < 1e11: // seconds until year 5138
		sec, frac := math.Modf(a)
		t = time.Unix(int64(sec), int64(frac*1e9))
	case a < 1e14:
		t = time.UnixMilli(int64(a))
	case a < 1e17:
		t = time.UnixMicro(int64(a))
	default:
		t = time.Unix(0, int64(a))
	}
	return plausible(t.UTC(), fmt.Sprint(v))
}

func plausible(t time.Time, src string) (time.Time, error) {
	if t.Year() < minYear || t.Year() >= maxYear {
		return time.Time{}, fmt.Errorf("timestamp %q is outside 1990–2200", clip(src))
	}
	return t, nil
}

func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// parseUTC reads the form most exports use, "2024-05-01T10:00:00Z" with
// up to nine fraction digits and a plausible year, in a fraction of what
// time.Parse costs (it builds the time through Date); it gives up, for
// ParseTime's layouts to decide, on anything else.
//
// It reads eight bytes at a time (see word): "YYYY-MM-", "Y-MM-DDT" and
// "HH:MM:SS", each checked against its pattern and turned into numbers
// two digits at a time, and the fraction digits before the "Z" at once.
func parseUTC(s string) (time.Time, bool) {
	n := len(s)
	if n < 20 || s[n-1] != 'Z' {
		return time.Time{}, false
	}
	date, ok1 := patDate.digits(word(s[0:8]))
	day, ok2 := patDay.digits(word(s[3:11]))
	clock, ok3 := patClock.digits(word(s[11:19]))
	if !ok1 || !ok2 || !ok3 {
		return time.Time{}, false
	}
	date, day, clock = pairs(date), pairs(day), pairs(clock)
	year := int(date&0xff)*100 + int(date>>16&0xff)
	month, mday := int(date>>40&0xff), int(day>>40&0xff)
	hour, minute, sec := int(clock&0xff), int(clock>>24&0xff), int(clock>>48&0xff)
	if year < minYear || year >= maxYear || month < 1 || month > 12 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	// The days from 1970 to the first of the month, and the days of the
	// month, February's as the year has them.
	first, last := yearDays[year-minYear], yearDays[year-minYear+1]
	days, length := int(first)+int(monthDays[month-1]), int(monthDays[month]-monthDays[month-1])
	if month > 2 && last-first == 366 {
		days++
	} else if month == 2 && last-first == 366 {
		length++
	}
	if mday < 1 || mday > length {
		return time.Time{}, false
	}
	nsec := 0
	if n > 20 {
		if s[19] != '.' || n < len("2024-05-01T10:00:00.0Z") || n > len("2024-05-01T10:00:00.000000000Z") {
			return time.Time{}, false
		}
		var ok bool
		if nsec, ok = fraction(s); !ok {
			return time.Time{}, false
		}
	}
	days += mday - 1
	return time.Unix(int64(days)*86400+int64(hour*3600+minute*60+sec), int64(nsec)).UTC(), true
}

// word reads eight bytes of s, the first in the lowest byte (the
// compiler makes it one load).
func word(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// pattern describes eight bytes of a timestamp for digits: each byte is
// a digit ('0') or a fixed separator.
type pattern struct {
	base, add uint64
}

// newPattern makes the pattern of p, whose '0's stand for digits.
func newPattern(p string) pattern {
	var pt pattern
	for i := range 8 {
		pt.base |= uint64(p[i]) << (8 * i)
		add := uint64(0x7f) // a separator: any difference is too much
		if p[i] == '0' {
			add = 0x80 - 10 // a digit: ten values
		}
		pt.add |= add << (8 * i)
	}
	return pt
}

var (
	patDate  = newPattern("0000-00-")
	patDay   = newPattern("0-00-00T")
	patClock = newPattern("00:00:00")
)

// digits checks the eight bytes w against pt and returns the value of
// each digit in its byte (0 for separators). A byte below its pattern's
// wraps round to set its high bit (and borrows from the next, which does
// not matter then); one above has its high bit set by add.
func (pt pattern) digits(w uint64) (uint64, bool) {
	const high = 0x8080808080808080
	d := w - pt.base
	return d, (d|(d+pt.add))&high == 0
}

// pairs turns the digit values of d (as digits gives them) into
// two-digit numbers: the byte of each digit gets ten times its value
// plus the next byte's.
func pairs(d uint64) uint64 {
	return d*10 + d>>8
}

// fraction reads the one to nine digits of the fraction of a second of
// s, a timestamp of parseUTC's form with a fraction, as nanoseconds.
func fraction(s string) (int, bool) {
	const high = 0x8080808080808080
	n := len(s)
	k, nsec := n-len("2024-05-01T10:00:00.Z"), 0 // digits, and the ninth's value
	if k == 9 {
		c := s[20] - '0'
		if c > 9 {
			return 0, false
		}
		k, nsec = 8, int(c)*100_000_000
	}
	// The eight bytes that end with the last k digits, moved down so that
	// the first digit is lowest and zero bytes follow the last: eight
	// digits, the fraction followed by zeros.
	shift := 8 * uint(8-k)
	mask := ^uint64(0) >> shift
	d := word(s[n-9:n-1])>>shift - 0x3030303030303030&mask
	if (d|(d+0x7676767676767676&mask))&high != 0 {
		return 0, false
	}
	// Two, four, then eight digits at once, the first the most
	// significant.
	d = (d*10 + d>>8) & 0x00ff00ff00ff00ff
	d = (d*100 + d>>16) & 0x0000ffff0000ffff
	d = (d*10000 + d>>32) & 0xffffffff
	if n == 30 {
		return nsec + int(d), true
	}
	return int(d) * 10, true
}

// The years parseUTC reads; ParseTime rejects the others (plausible).
const minYear, maxYear = 1990, 2200

// yearDays holds the days from 1970-01-01 to the first of January of
// each year parseUTC reads, and of the year after the last.
var yearDays = func() (t [maxYear - minYear + 1]int32) {
	for i := range t {
		t[i] = int32(time.Date(minYear+i, 1, 1, 0, 0, 0, 0, time.UTC).Unix() / 86400)
	}
	return t
}()

// monthDays holds the days of a common year before each month, and the
// days of the year.
var monthDays = [13]int32{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365}
