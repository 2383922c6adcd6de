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
// see query.Span) and must be positive. It prints with formatSpan: 60d, 36h.
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

// formatSpan writes d in the largest unit that holds it whole: 90d, 36h,
// 90m, 90s; else as a Go duration (1.5s). Each reads back with query.Span.
func formatSpan(d time.Duration) string {
	if d <= 0 {
		return d.String()
	}
	for _, u := range []struct {
		d    time.Duration
		unit string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}} {
		if d%u.d == 0 {
			return fmt.Sprintf("%d%s", d/u.d, u.unit)
		}
	}
	return d.String()
}
