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
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range layouts {
		if t, err := time.Parse(l, s); err == nil {
			return plausible(t.UTC(), s)
		}
	}
	return time.Time{}, fmt.Errorf("want an RFC 3339 timestamp, got %q", clip(s))
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
