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
	if t.Year() < 1990 || t.Year() >= 2200 {
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
func parseUTC(s string) (time.Time, bool) {
	n := len(s)
	if n < 20 || s[n-1] != 'Z' || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	// The fourteen digits of the date and time at once: a byte below '0'
	// wraps round to more than 9.
	_ = s[19]
	y0, y1, y2, y3 := s[0]-'0', s[1]-'0', s[2]-'0', s[3]-'0'
	mo0, mo1, d0, d1 := s[5]-'0', s[6]-'0', s[8]-'0', s[9]-'0'
	h0, h1, mi0, mi1, s0, s1 := s[11]-'0', s[12]-'0', s[14]-'0', s[15]-'0', s[17]-'0', s[18]-'0'
	if max(y0, y1, y2, y3, mo0, mo1, d0, d1, h0, h1, mi0, mi1, s0, s1) > 9 {
		return time.Time{}, false
	}
	year := int(y0)*1000 + int(y1)*100 + int(y2)*10 + int(y3)
	month, day := int(mo0)*10+int(mo1), int(d0)*10+int(d1)
	hour, minute, sec := int(h0)*10+int(h1), int(mi0)*10+int(mi1), int(s0)*10+int(s1)
	if year < 1990 || year >= 2200 || month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	nsec := 0
	if n > 20 {
		frac := s[19 : n-1]
		if frac[0] != '.' || len(frac) < 2 || len(frac) > 10 {
			return time.Time{}, false
		}
		v, ok := digitsAt(frac, 1, len(frac)-1)
		if !ok {
			return time.Time{}, false
		}
		for range 10 - len(frac) {
			v *= 10
		}
		nsec = v
	}
	days := daysFromCivil(year, month, day)
	return time.Unix(days*86400+int64(hour*3600+minute*60+sec), int64(nsec)).UTC(), true
}

// digitsAt reads s[i:i+n] as a decimal number.
func digitsAt(s string, i, n int) (int, bool) {
	v := 0
	for _, c := range []byte(s[i : i+n]) {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil counts the days from 1970-01-01 to a proleptic Gregorian
// date (Howard Hinnant's algorithm, for years after 0).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era*146097 + doe - 719468)
}
