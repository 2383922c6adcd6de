package main

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/debrief-dev/debrief/internal/query"
)

// spanValue is a duration flag that also takes days and weeks (30d, 4w;
// see query.Span) and must be positive. Whole days print as days: 60d.
type spanValue time.Duration

// spanFlag makes a spanValue flag over p, set to def.
func spanFlag(p *time.Duration, def time.Duration) *spanValue {
	*p = def
	return (*spanValue)(p)
}

func (s *spanValue) Set(v string) error {
	d, err := query.Span(v)
	if err != nil {
		// The flag's error already quotes the value: say only what is wrong.
		return errors.New(strings.TrimPrefix(err.Error(), strconv.Quote(v)+": "))
	}
	*s = spanValue(d)
	return nil
}

func (s *spanValue) Type() string { return "duration" }

func (s *spanValue) String() string { return formatSpan(time.Duration(*s)) }

// formatSpan writes whole days as days (90d), else as a Go duration.
func formatSpan(d time.Duration) string {
	const day = 24 * time.Hour
	if d > 0 && d%day == 0 {
		return fmt.Sprintf("%dd", d/day)
	}
	return d.String()
}
